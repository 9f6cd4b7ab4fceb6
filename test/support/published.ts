/**
 * The findings the fake SNS received: each alert message carries the finding as JSON in its
 * `sqs` body (what SQS subscribers get), so a test asserts on what was alerted, not on its text.
 */
import type { Finding } from '../../lib/core/model/findings.ts';
import type { FakeSns } from '../fakes/sns.ts';

/**
 * The finding of each message published to `sns`, in publishing order (`{}` for a message
 * without an `sqs` body, such as a scan summary).
 *
 * @example
 * ```ts
 * expect(publishedFindings(h.sns).map((f) => f.kind)).toEqual(['TAG_OVERWRITE_VIOLATION']);
 * ```
 */
export function publishedFindings(sns: FakeSns): Finding[] {
  return sns.published.map((m) => {
    const body = JSON.parse(m.message) as { sqs?: string };
    return JSON.parse(body.sqs ?? '{}') as Finding;
  });
}
