/**
 * The findings the fake SNS received: each alert message is an Amazon Q Developer custom
 * notification carrying the finding as JSON in `metadata.additionalContext.finding` (what every
 * subscriber gets), so a test asserts on what was alerted, not on its text.
 */
import type { Finding } from '../../lib/core/model/findings.ts';
import type { ChatNotification } from '../../lib/render/chat.ts';
import type { FakeSns } from '../fakes/sns.ts';

/**
 * The finding a published message carries, or `{}` for a message without one (a scan summary).
 *
 * @example
 * ```ts
 * expect(findingOfMessage(h.sns.published[0]?.message ?? '')).toMatchObject({ kind: 'CONFIG_DRIFT' });
 * ```
 */
export function findingOfMessage(message: string): Finding {
  const notification = JSON.parse(message) as ChatNotification;
  return JSON.parse(notification.metadata?.additionalContext?.finding ?? '{}') as Finding;
}

/**
 * The finding of each message published to `sns`, in publishing order (`{}` for a message
 * without a finding, such as a scan summary).
 *
 * @example
 * ```ts
 * expect(publishedFindings(h.sns).map((f) => f.kind)).toEqual(['TAG_OVERWRITE_VIOLATION']);
 * ```
 */
export function publishedFindings(sns: FakeSns): Finding[] {
  return sns.published.map((m) => findingOfMessage(m.message));
}
