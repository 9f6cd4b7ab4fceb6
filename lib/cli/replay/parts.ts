/**
 * The reading of one part of a large NDJSON file into held events of its own — on a worker
 * (worker.ts) or, when a worker fails, on the main thread. Apart from run.ts so that a worker
 * loads only the intake.
 *
 * @module
 */
import { readFileRange } from '../../io/events/read.ts';
import { HeldEvents, type HeldExport } from './held-events.ts';
import { createIntakeSink } from './intake-sink.ts';

/** What reading one part gives (on a worker: worker.ts). */
export interface PartResult {
  readonly held: HeldExport;
  readonly read: number;
  readonly skipped: number;
  /** Pushes taken straight from the input (take-push.ts). */
  readonly taken: number;
  readonly problems: readonly { readonly line: number; readonly reason: string }[];
  readonly lines: number;
}

/**
 * Reads part `start`–`end` of `path` as replay reads a file, into held events of its own.
 *
 * @example
 * ```ts
 * const { held, problems, lines } = await readPart('events.ndjson', 1 << 20, 2 << 20);
 * ```
 */
export async function readPart(path: string, start: number, end: number): Promise<PartResult> {
  const held = new HeldEvents();
  const counts = { read: 0, skipped: 0, taken: 0 };
  let lines = 0;
  const problems: { line: number; reason: string }[] = [];
  const sink = createIntakeSink(held, counts, (_source, line, reason) => {
    problems.push({ line, reason });
  });
  for await (const batch of readFileRange(path, start, end, {
    take: sink.take,
    onLines: (n) => {
      lines = n;
    },
  })) {
    for (const item of batch) sink.item(item);
  }
  return { held: held.export().held, ...counts, problems, lines };
}
