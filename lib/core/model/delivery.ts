/**
 * The delivery decision: how a finding came to be produced, which tells the alert code whether
 * its alert may have been sent already (docs/delivery.md). Data travelling with the finding, so
 * that a copy, a clone or a JSON round trip of it keeps the decision.
 *
 * @module
 */
import type { Finding } from './findings.ts';

/**
 * How a finding was produced:
 *
 * - `fresh`: by a ledger write that applied (a move an event revealed, in order or late, a
 *   configuration change seen by an event), which exactly one invocation makes; nobody else can hold it, so its alert is sent without a
 *   look at the alert log.
 * - `redelivered`: again, by a redelivery of the event that first produced it, or by a scan
 *   re-finding a move an earlier run recorded; the invocation that first produced it may have
 *   sent its alert, or be sending it.
 * - `recurring`: by an observation that nothing in the ledger tells apart from its copies, with
 *   the same id every time: a refused overwrite (each copy of its event), what a scan or a
 *   snapshot reports (a drift on every run while it lasts, a move it finds).
 */
export type Delivery = 'fresh' | 'redelivered' | 'recurring';

/**
 * A finding with its delivery decision, as the decisions and the auditor return it.
 *
 * @example
 * ```ts
 * const found: Found = { finding, delivery: 'fresh' };
 * structuredClone(found).delivery; // 'fresh': the decision is data, not the object's identity
 * ```
 */
export interface Found {
  readonly finding: Finding;
  readonly delivery: Delivery;
}

/**
 * The findings alone, for who only reports them (the CLI, a scan's summary).
 *
 * @example
 * ```ts
 * findingsOf([{ finding, delivery: 'recurring' }]); // [finding]
 * ```
 */
export function findingsOf(found: readonly Found[]): Finding[] {
  return found.map((f) => f.finding);
}
