/**
 * Replay: recorded events through the auditor, in event-time order (docs/ledger.md, docs/cli.md).
 * {@link replay} is the one entry of its fast path: what is held for the ordering is compact
 * events, never the raw input (held-events.ts); the common push is taken straight from the input
 * (take-push.ts); a large NDJSON file is read in parts at once, on worker threads (workers.ts);
 * pushes that change nothing are passed over (apply.ts). The result is what normalizing every
 * item (normalizeEvent) and applying every domain event in time order gives.
 *
 * @module
 */
import { createAuditor } from '../../core/engine/auditor.ts';
import { createMemoryLedger } from '../../core/engine/memory-ledger.ts';
import type { Found } from '../../core/model/delivery.ts';
import type { Finding } from '../../core/model/findings.ts';
import { formatLocation } from '../../io/events/item.ts';
import { readInputBatches } from '../../io/events/read.ts';
import { applyHeld } from './apply.ts';
import { HeldEvents } from './held-events.ts';
import { createIntakeSink } from './intake-sink.ts';
import { PARALLEL_MIN_BYTES, partsOf } from './split.ts';
import type {
  FastPathStats,
  InputProblem,
  ReplayOptions,
  ReplayResult,
  ReplaySummary,
} from './types.ts';
import { readInParts } from './workers.ts';

export type * from './types.ts';

/**
 * Replays `inputs` through the auditor and returns the findings in event-time order.
 *
 * @example
 * ```ts
 * const { findings, summary, fastPath } = await replay({ policy, inputs: ['events.ndjson'] });
 * ```
 */
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
  const counts = { read: 0, skipped: 0, taken: 0 };
  const workers = { parts: 0, failures: 0 };
  const onProblem = (problem: InputProblem) => {
    summary.malformed++;
    problems.push(problem);
    options.onProblem?.(problem);
  };
  const sink = createIntakeSink(held, counts, (source, line, reason) =>
    onProblem({ location: formatLocation({ source, line }), reason }),
  );
  for (const input of options.inputs) {
    const bounds =
      input === '-' ? null : await partsOf(input, options.parallelMinBytes ?? PARALLEL_MIN_BYTES);
    if (bounds === null) {
      for await (const batch of readInputBatches([input], {
        stdin: options.stdin,
        take: sink.take,
      })) {
        for (const item of batch) sink.item(item);
      }
    } else {
      options.onParts?.(input, bounds);
      await readInParts(input, bounds, held, sink, counts, onProblem, workers);
    }
  }
  summary.read = counts.read;
  summary.skipped = counts.skipped;

  const { applied, passedOver } = await applyHeld(held, ledger, auditor, report);
  summary.applied = applied;
  summary.findings = findings.length;
  const fastPath: FastPathStats = {
    taken: counts.taken,
    passedOver,
    workerParts: workers.parts,
    workerFailures: workers.failures,
  };
  return { findings, problems, summary, state: ledger.state, fastPath };
}
