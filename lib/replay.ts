/**
 * Replay: recorded events through the auditor, in event-time order (SPEC 6, 8). What is held
 * for the ordering is the compact domain events, never the raw input.
 *
 * @module
 */
import { createAuditor } from './engine/auditor.ts';
import { createMemoryLedger, type LedgerState } from './engine/memory-ledger.ts';
import { formatLocation, readInputs } from './events/read.ts';
import type { DomainEvent } from './events/types.ts';
import type { Finding } from './findings.ts';
import type { Policy } from './policy/index.ts';
import type { SnapshotEntry } from './snapshot.ts';

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
}

/** What {@link replay} returns. */
export interface ReplayResult {
  readonly findings: Finding[];
  readonly problems: InputProblem[];
  readonly summary: ReplaySummary;
  readonly state: LedgerState;
}

/** Replays `inputs` through the auditor and returns the findings in event-time order. */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const ledger = createMemoryLedger(options.state);
  const auditor = createAuditor(options.policy, ledger);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  // Events arrive at least once; a redelivered event yields its finding again, with the same id.
  const report = (found: Finding[]) => {
    for (const finding of found) {
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

  const events: DomainEvent[] = [];
  for await (const item of readInputs([...options.inputs], { stdin: options.stdin })) {
    summary.read++;
    const { result } = item;
    if (result.kind === 'events') {
      for (const event of result.events) events.push(event);
    } else if (result.kind === 'skipped') {
      summary.skipped++;
    } else {
      summary.malformed++;
      const problem = { location: formatLocation(item), reason: result.reason };
      problems.push(problem);
      options.onProblem?.(problem);
    }
  }

  // Array.prototype.sort is stable, so input order breaks ties (SPEC 6).
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  for (const event of events) {
    summary.applied++;
    report(await auditor.apply(event));
  }
  summary.findings = findings.length;
  return { findings, problems, summary, state: ledger.state };
}
