/**
 * Replay as its definition says, without any shortcut: the domain events sorted by time (a stable
 * sort: input order breaks ties), each applied through the auditor over a fresh in-memory ledger,
 * every finding id reported once. The tests of replay's fast paths compare `replay()` with it.
 */
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger, type LedgerState } from '../../lib/core/engine/memory-ledger.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import type { Policy } from '../../lib/core/policy/types.ts';

/** What {@link referenceReplay} found, the ledger it left and how many events it applied. */
export interface ReferenceResult {
  readonly findings: Finding[];
  readonly state: LedgerState;
  readonly applied: number;
}

/**
 * Applies `events` in time order under `policy`.
 *
 * @example
 * ```ts
 * const { findings } = await referenceReplay(policy, events);
 * ```
 */
export async function referenceReplay(
  policy: Policy,
  events: readonly DomainEvent[],
): Promise<ReferenceResult> {
  const ledger = createMemoryLedger();
  const auditor = createAuditor(policy, ledger);
  const sorted = [...events].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const event of sorted) {
    for (const { finding } of await auditor.apply(event)) {
      if (seen.has(finding.id)) continue;
      seen.add(finding.id);
      findings.push(finding);
    }
  }
  return { findings, state: ledger.state, applied: sorted.length };
}
