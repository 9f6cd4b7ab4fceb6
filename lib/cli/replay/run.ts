/**
 * Replay: recorded events through the auditor, in event-time order (docs/ledger.md, docs/cli.md). What is held
 * for the ordering is the compact domain events, never the raw input (lib/replay-parts.ts). A
 * large NDJSON file is read in parts at once, on worker threads, with the same result.
 *
 * @module
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createAuditor, inertPushIgnoresEventId, isInertPush } from '../../core/engine/auditor.ts';
import { createMemoryLedger, type LedgerState } from '../../core/engine/memory-ledger.ts';
import type { TagRecord } from '../../core/engine/records.ts';
import { takeImageActionPush } from '../../core/intake/normalize.ts';
import type { SnapshotEntry } from '../../core/intake/snapshot.ts';
import type { Found } from '../../core/model/delivery.ts';
import type { Finding } from '../../core/model/findings.ts';
import type { RepositoryRef } from '../../core/model/refs.ts';
import {
  formatLocation,
  type IntakeItem,
  readFileRange,
  readInputBatches,
} from '../../io/events/read.ts';
import type { Policy } from '../../io/policy/index.ts';
import { HeldEvents, type PartResult, readPart } from './parts.ts';

/** An input item that could not be used, with its `file:line`. */
export interface InputProblem {
  readonly location: string;
  readonly reason: string;
}

/** Counts for the summary line. */
export interface ReplaySummary {
  /** Input items read (events, records, lines). */
  read: number;
  /** Items that were not relevant (other services, read-only calls…). */
  skipped: number;
  /** Items that were relevant but unusable. */
  malformed: number;
  /** Domain events applied. */
  applied: number;
  /** Findings produced (before any severity filter). */
  findings: number;
}

/** What {@link replay} needs. */
export interface ReplayOptions {
  readonly policy: Policy;
  /** Files, directories or `-` (stdin). */
  readonly inputs: readonly string[];
  readonly stdin?: NodeJS.ReadableStream;
  /** Starting actual configurations (`--repositories`), judged once before any event. */
  readonly snapshot?: readonly SnapshotEntry[];
  /** State from an earlier run (`--state`). */
  readonly state?: LedgerState;
  /** Called for each malformed item as soon as it is read. */
  readonly onProblem?: (problem: InputProblem) => void;
  /**
   * Files from this size are read in parts on worker threads (default
   * {@link PARALLEL_MIN_BYTES}); tests lower it. The result is the same either way.
   */
  readonly parallelMinBytes?: number;
  /** Called when a file is read in parts, with the byte offsets of the parts (diagnostics). */
  readonly onParts?: (path: string, bounds: readonly number[]) => void;
}

/** What {@link replay} returns. */
export interface ReplayResult {
  readonly findings: Finding[];
  readonly problems: InputProblem[];
  readonly summary: ReplaySummary;
  readonly state: LedgerState;
}

/** What one input item does to the held events and the counts. */
interface IntakeSink {
  /** Offered each NDJSON value: the common push is held at once (see readInputBatches). */
  readonly take: (value: unknown) => boolean;
  /** An item not taken; `lineOffset` is added to its line (for a part of a file). */
  item(item: IntakeItem, lineOffset: number): void;
}

function intakeSink(
  held: HeldEvents,
  counts: { read: number; skipped: number },
  onProblem: (problem: InputProblem) => void,
): IntakeSink {
  return {
    take: (value) => {
      if (!takeImageActionPush(value, held)) return false;
      counts.read++;
      return true;
    },
    item(item, lineOffset) {
      counts.read++;
      const { result } = item;
      if (result.kind === 'events') {
        for (const event of result.events) held.add(event);
      } else if (result.kind === 'skipped') {
        counts.skipped++;
      } else {
        const line = item.line === 0 ? 0 : item.line + lineOffset;
        onProblem({
          location: formatLocation({ source: item.source, line }),
          reason: result.reason,
        });
      }
    },
  };
}

/** Files from this size are read in parts at once, on worker threads, when there are cores. */
export const PARALLEL_MIN_BYTES = 32 * 2 ** 20;
/** At most this many threads read one file, the main one included: one part each. */
const MAX_THREADS = 4;
/** How far from a part's nominal start a line feed is looked for. */
const BOUNDARY_WINDOW = 1 << 20;

/**
 * Where to cut a file into parts read at once: byte offsets from 0 to its size, each after a line
 * feed. Null — read it whole, on this thread — for anything but a large regular file that is
 * NDJSON (not gzipped, its first line a JSON value: readInputs's rule), or with one core.
 */
async function partsOf(path: string, minBytes: number, threads: number): Promise<number[] | null> {
  if (threads < 2) return null;
  const parts = threads;
  let handle: FileHandle | undefined;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size < Math.max(minBytes, 1)) return null;
    handle = await open(path, 'r');
    const head = Buffer.alloc(Math.min(BOUNDARY_WINDOW, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return null;
    const text = new TextDecoder('utf-8').decode(head.subarray(0, bytesRead));
    const lines = text.split('\n');
    // The last piece may be cut short; the first non-blank line must be whole and JSON.
    const first = lines.slice(0, -1).find((line) => /\S/.test(line));
    if (first === undefined) return null;
    try {
      JSON.parse(first);
    } catch {
      return null;
    }
    const bounds = [0];
    const window = Buffer.alloc(BOUNDARY_WINDOW);
    for (let k = 1; k < parts; k++) {
      const at = Math.floor((info.size * k) / parts);
      const { bytesRead: n } = await handle.read(window, 0, window.length, at);
      const feed = window.subarray(0, n).indexOf(0x0a);
      const bound = feed < 0 ? -1 : at + feed + 1;
      // A part would be empty (or a line longer than the window): fewer parts will do.
      if (bound <= (bounds.at(-1) as number) || bound >= info.size) continue;
      bounds.push(bound);
    }
    bounds.push(info.size);
    return bounds.length > 2 ? bounds : null;
  } catch {
    return null; // the plain path reports what is wrong with the input
  } finally {
    await handle?.close();
  }
}

/** The worker script: beside this module, or beside the CLI bundle (scripts/build.mjs). */
declare const __REPLAY_WORKER__: string | undefined;
const WORKER = new URL(
  typeof __REPLAY_WORKER__ === 'string' ? __REPLAY_WORKER__ : './replay-worker.ts',
  import.meta.url,
);

/** Reads a part on a worker thread (lib/replay-worker.ts). */
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
 * result never depends on the threads.
 */
async function readInParts(
  path: string,
  bounds: readonly number[],
  held: HeldEvents,
  sink: IntakeSink,
  counts: { read: number; skipped: number },
  onProblem: (problem: InputProblem) => void,
): Promise<void> {
  const parts = bounds.slice(1, -1).map((start, k) => {
    const end = bounds[k + 2] as number;
    const part = readPartOnWorker(path, start, end);
    part.catch(() => {}); // awaited below; read here instead when it failed
    return { start, end, part };
  });
  let lineOffset = 0;
  for await (const batch of readFileRange(path, 0, bounds[1] as number, {
    take: sink.take,
    onLines: (n) => {
      lineOffset = n;
    },
  })) {
    for (const item of batch) sink.item(item, 0);
  }
  for (const { start, end, part } of parts) {
    const result = await part.catch(() => readPart(path, start, end));
    counts.read += result.read;
    counts.skipped += result.skipped;
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

/** Replays `inputs` through the auditor and returns the findings in event-time order. */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const ledger = createMemoryLedger(options.state);
  const auditor = createAuditor(options.policy, ledger);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  // Events arrive at least once; a redelivered event yields its finding again, with the same id.
  // The delivery decisions only matter to alert delivery.
  const report = (found: readonly Found[]) => {
    for (const { finding } of found) {
      if (seen.has(finding.id)) continue;
      seen.add(finding.id);
      findings.push(finding);
    }
  };
  const problems: InputProblem[] = [];
  const summary: ReplaySummary = { read: 0, skipped: 0, malformed: 0, applied: 0, findings: 0 };

  for (const { ref, config } of options.snapshot ?? []) {
    const at = { time: null, eventId: null, actor: null, detectedBy: 'snapshot' as const };
    report(await auditor.observeConfig({ kind: 'repository', ref }, config, at));
  }

  const held = new HeldEvents();
  const counts = { read: 0, skipped: 0 };
  const onProblem = (problem: InputProblem) => {
    summary.malformed++;
    problems.push(problem);
    options.onProblem?.(problem);
  };
  const sink = intakeSink(held, counts, onProblem);
  for (const input of options.inputs) {
    const threads = Math.min(MAX_THREADS, availableParallelism());
    const bounds =
      input === '-'
        ? null
        : await partsOf(input, options.parallelMinBytes ?? PARALLEL_MIN_BYTES, threads);
    if (bounds === null) {
      for await (const batch of readInputBatches([input], {
        stdin: options.stdin,
        take: sink.take,
      })) {
        for (const item of batch) sink.item(item, 0);
      }
    } else {
      options.onParts?.(input, bounds);
      await readInParts(input, bounds, held, sink, counts, onProblem);
    }
  }
  summary.read = counts.read;
  summary.skipped = counts.skipped;

  const order = held.order();
  // The ledger's record of each held tag, as last read, valid while `readAt[slot]` is the current
  // generation: a push changes only its own tag's record and every other event may change any,
  // so a slot is read again after a push of its tag is applied, and every slot after any other
  // event is (a new generation).
  const slots = held.slotTag.length;
  const records: (TagRecord | undefined)[] = new Array(slots);
  const readAt = new Int32Array(slots);
  let generation = 1;
  for (let k = 0; k < order.length; k++) {
    summary.applied++;
    const i = order[k] as number;
    const slot = held.slot(i);
    if (slot >= 0) {
      let prev = records[slot];
      if (readAt[slot] !== generation) {
        prev = ledger.peekTag(held.slotRef[slot] as RepositoryRef, held.slotTag[slot] as string);
        records[slot] = prev;
        readAt[slot] = generation;
      }
      // A push that would change nothing is passed over without building it (see isInertPush,
      // which reads the event id only where the record names the event that moved the tag).
      const eventId = inertPushIgnoresEventId(prev) ? null : held.eventId(i);
      if (isInertPush(prev, held.digest(i), eventId)) continue;
      readAt[slot] = 0;
    } else {
      generation++;
    }
    const found = await auditor.apply(held.event(i));
    if (found.length > 0) report(found);
  }
  summary.findings = findings.length;
  return { findings, problems, summary, state: ledger.state };
}
