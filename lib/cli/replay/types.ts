/**
 * The interface of replay (run.ts): what it takes, what it returns, and what it counted.
 *
 * @module
 */
import type { LedgerState } from '../../core/engine/memory-ledger.ts';
import type { SnapshotEntry } from '../../core/intake/snapshot.ts';
import type { Finding } from '../../core/model/findings.ts';
import type { Policy } from '../../core/policy/types.ts';

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
   * `PARALLEL_MIN_BYTES`, split.ts); tests lower it. The result is the same either way.
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
  /** How much of the replay went through its shortcuts; the rest of the result is the same. */
  readonly fastPath: FastPathStats;
}

/**
 * What replay's shortcuts did: observable, so that tests can see that they are taken (and give
 * what the general path gives), not only that the result is right.
 */
export interface FastPathStats {
  /** Pushes taken straight from the input (take-push.ts): no intake item, no domain event. */
  taken: number;
  /** Pushes passed over without being applied, as changing nothing (`isInertPush`). */
  passedOver: number;
  /** Parts of large files given to worker threads (workers.ts). */
  workerParts: number;
  /** Of those, parts a worker failed to read, read on the main thread instead. */
  workerFailures: number;
}
