/**
 * The organization scan's last state, `Summarize`: the items' results — read from what the
 * Distributed Map's `ResultWriter` wrote to the stack's bucket, one entry at a time — aggregated
 * into one summary alert for the organization, published through the alert path (split under
 * SNS's limit).
 *
 * @module
 */
import { publishMessage } from '../aws/alerts.ts';
import type { ResultWriterDetails } from '../aws/org-scan-bucket.ts';
import { type ResultEntry, resultOfEntry } from '../core/org/result-entry.ts';
import { OrgSummaryTally } from '../core/org/summary-tally.ts';
import { renderOrgTally } from '../render/org-summary.ts';
import type { Composition } from './compose.ts';

/** The summary function was not given where the Map state's results are. */
export class InvalidOrgResultsError extends Error {
  override readonly name = 'InvalidOrgResultsError';
}

/** Reads the Map run's result entries from its manifest (wired to lib/aws/org-scan-bucket.ts). */
export type ResultReader = (details: ResultWriterDetails) => AsyncIterable<ResultEntry>;

/** What the summary function reports. */
export interface OrgSummaryResult {
  readonly items: number;
  readonly failedItems: number;
  readonly parts: number;
}

function isDetails(value: unknown): value is ResultWriterDetails {
  const d = value as Partial<ResultWriterDetails> | null;
  return typeof d?.Bucket === 'string' && typeof d.Key === 'string';
}

/**
 * Publishes the summary of `event` (`{ startedAt, results }`, where `results` is the Map state's
 * `ResultWriterDetails`). A failure to publish rejects with an AlertDeliveryError (the state
 * retries it).
 *
 * @example
 * ```ts
 * await orgSummary(composition, readResults, { startedAt: '2025-07-24T06:00:00Z', results: { Bucket, Key } });
 * // { items: 6, failedItems: 1, parts: 1 }
 * ```
 */
export async function orgSummary(
  composition: Pick<Composition, 'alerts' | 'log'>,
  readResults: ResultReader,
  event: unknown,
): Promise<OrgSummaryResult> {
  const { startedAt, results } = (event ?? {}) as { startedAt?: unknown; results?: unknown };
  if (typeof startedAt !== 'string' || !isDetails(results)) {
    throw new InvalidOrgResultsError(
      'expected { startedAt, results: { Bucket, Key } } (the ResultWriter manifest) from the Map state',
    );
  }
  const tally = new OrgSummaryTally();
  for await (const entry of readResults(results)) tally.add(resultOfEntry(entry));
  const messages = renderOrgTally(startedAt, tally);
  for (const [index, message] of messages.entries()) {
    await publishMessage(message, composition.alerts, `organization summary part ${index + 1}`);
  }
  const failedItems = tally.failed.length;
  composition.log.info('Organization scan summarized', { items: tally.items, failedItems });
  return { items: tally.items, failedItems, parts: messages.length };
}
