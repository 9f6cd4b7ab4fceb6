/**
 * One large NDJSON file read in parts at once: the first on this thread, the others on worker
 * threads (worker.ts), appended in input order, so that the result never depends on the threads.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { formatLocation } from '../../io/events/item.ts';
import { REST_NOT_READ } from '../../io/events/lines.ts';
import { readFileRange } from '../../io/events/read.ts';
import type { HeldEvents } from './held-events.ts';
import type { IntakeCounts, IntakeSink } from './intake-sink.ts';
import { type PartResult, readPart } from './parts.ts';
import type { InputProblem } from './types.ts';

/** The worker script: beside this module, or beside the CLI bundle (scripts/build.mjs). */
declare const __REPLAY_WORKER__: string | undefined;
const WORKER = new URL(
  typeof __REPLAY_WORKER__ === 'string' ? __REPLAY_WORKER__ : './worker.ts',
  import.meta.url,
);

/** Reads a part on a worker thread (worker.ts). */
function readPartOnWorker(path: string, start: number, end: number): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    try {
      // A worker holds little beyond its part: a small young generation keeps the process's
      // peak RSS down (measured: 16 MB less than the default, at the same speed).
      const worker = new Worker(WORKER, {
        workerData: { path, start, end },
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
      });
      worker.once('message', (result: PartResult) => settle(() => resolve(result)));
      worker.once('error', (error) => settle(() => reject(error)));
      worker.once('exit', (code) =>
        settle(() => reject(new Error(`replay worker exited with ${code}`))),
      );
    } catch (error) {
      settle(() => reject(error));
    }
  });
}

/**
 * One large NDJSON file, in parts read at once: the first on this thread straight into `held`,
 * each other one on a worker thread into held events of its own, appended here in input order
 * (line numbers offset by the lines before). A part a worker fails to read is read here, so the
 * result never depends on the threads; `workers` counts the parts given to workers and those they
 * failed to read.
 *
 * @example
 * ```ts
 * await readInParts(path, bounds, held, sink, counts, onProblem, { parts: 0, failures: 0 });
 * ```
 */
export async function readInParts(
  path: string,
  bounds: readonly number[],
  held: HeldEvents,
  sink: IntakeSink,
  counts: IntakeCounts,
  onProblem: (problem: InputProblem) => void,
  workers: { parts: number; failures: number },
): Promise<void> {
  const parts = bounds.slice(1, -1).map((start, k) => {
    const end = bounds[k + 2] as number;
    const part = readPartOnWorker(path, start, end);
    part.catch(() => {}); // awaited below; read here instead when it failed
    return { start, end, part };
  });
  let lineOffset = 0;
  // A part that ends its input (an endless line) leaves the later parts unread, as one read would.
  let ended = false;
  for await (const batch of readFileRange(path, 0, bounds[1] as number, {
    take: sink.take,
    onLines: (n) => {
      lineOffset = n;
    },
  })) {
    for (const item of batch) {
      ended ||= item.result.kind === 'malformed' && endsInput(item.result.reason);
      sink.item(item);
    }
  }
  workers.parts += parts.length;
  for (const { start, end, part } of parts) {
    if (ended) break;
    const result = await part.catch(() => {
      workers.failures++;
      return readPart(path, start, end);
    });
    ended = result.problems.some((problem) => endsInput(problem.reason));
    counts.read += result.read;
    counts.skipped += result.skipped;
    counts.taken += result.taken;
    for (const { line, reason } of result.problems) {
      onProblem({
        location: formatLocation({ source: path, line: line === 0 ? 0 : line + lineOffset }),
        reason,
      });
    }
    held.append(result.held);
    lineOffset += result.lines;
  }
}

/** Whether a problem's reason says it ended the reading of its input (see `REST_NOT_READ`). */
function endsInput(reason: string): boolean {
  return reason.endsWith(REST_NOT_READ);
}
