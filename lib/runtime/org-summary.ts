/**
 * The organization scan's last state, `Summarize`: the items' results aggregated into one summary
 * alert for the organization, published through the alert path (split under SNS's limit).
 *
 * @module
 */
import { publishMessage } from '../aws/alerts.ts';
import type { OrgItemResult } from '../core/org/item-result.ts';
import { renderOrgSummary } from '../render/org-summary.ts';
import type { Composition } from './compose.ts';

/** The summary function was not given the Map state's results. */
export class InvalidOrgResultsError extends Error {
  override readonly name = 'InvalidOrgResultsError';
}

/** What the summary function reports. */
export interface OrgSummaryResult {
  readonly items: number;
  readonly failedItems: number;
  readonly parts: number;
}

/** Whether `value` is one item's result as org-item returns it or the Catch state shapes it. */
function isItemResult(value: unknown): value is OrgItemResult {
  const r = value as Partial<OrgItemResult> | null;
  return (
    typeof r?.account === 'string' &&
    typeof r.region === 'string' &&
    (r.status === 'FAILED' ||
      (r.status === 'SCANNED' && typeof r.findings === 'number' && typeof r.counts === 'object'))
  );
}

/**
 * Publishes the summary of `event` (`{ startedAt, results }`, the state machine's input to
 * `Summarize`). A failure to publish rejects with an AlertDeliveryError (the state retries it).
 *
 * @example
 * ```ts
 * await orgSummary(composition, { startedAt: '2025-07-24T06:00:00Z', results });
 * // { items: 6, failedItems: 1, parts: 1 }
 * ```
 */
export async function orgSummary(
  composition: Pick<Composition, 'alerts' | 'log'>,
  event: unknown,
): Promise<OrgSummaryResult> {
  const { startedAt, results } = (event ?? {}) as { startedAt?: unknown; results?: unknown };
  if (typeof startedAt !== 'string' || !Array.isArray(results) || !results.every(isItemResult)) {
    throw new InvalidOrgResultsError('expected { startedAt, results } from the Map state');
  }
  const messages = renderOrgSummary({ startedAt, results });
  for (const [index, message] of messages.entries()) {
    await publishMessage(message, composition.alerts, `organization summary part ${index + 1}`);
  }
  const failedItems = results.filter((r) => r.status === 'FAILED').length;
  composition.log.info('Organization scan summarized', { items: results.length, failedItems });
  return { items: results.length, failedItems, parts: messages.length };
}
