/**
 * The failure queue's wrappers around an event (docs/intake.md, "The failure queue"): the record
 * Lambda sends to an on-failure destination (`requestPayload` is the event), and the output of
 * `aws sqs receive-message`, whose message bodies hold such records as JSON strings — or, for an
 * event EventBridge could not deliver, the bare event.
 *
 * @module
 */
import { own } from '../../core/intake/fields.ts';
import { isRecord } from '../../core/model/json.ts';
import { shortMessage } from './malformed.ts';
import { parseJson } from './parse-json.ts';

/**
 * True for a Lambda on-failure (or on-success) destination record: an object with a
 * `requestContext` object and a `requestPayload`, the event of the invocation.
 *
 * @example
 * ```ts
 * isDestinationRecord({ version: '1.0', requestContext: { condition: 'RetriesExhausted' }, requestPayload: event }); // true
 * ```
 */
export function isDestinationRecord(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    Object.hasOwn(value, 'requestPayload') &&
    isRecord(own(value, 'requestContext'))
  );
}

/**
 * The event inside one message of `aws sqs receive-message` output, with the path to it below
 * the message (`Body.requestPayload`, or `Body` for a bare EventBridge event); or why there is
 * none, the path first (`Body: not JSON: …`).
 *
 * @example
 * ```ts
 * const found = messageEvent({ MessageId: 'm1', Body: JSON.stringify(record) });
 * if (found.ok) normalizeEvent(found.event); // found.path === 'Body.requestPayload'
 * ```
 */
export function messageEvent(
  message: unknown,
):
  | { readonly ok: true; readonly event: unknown; readonly path: string }
  | { readonly ok: false; readonly reason: string } {
  if (!isRecord(message)) return { ok: false, reason: 'not an SQS message (not an object)' };
  const body = own(message, 'Body');
  if (body === undefined) return { ok: false, reason: 'Body is missing' };
  if (typeof body !== 'string') return { ok: false, reason: 'Body is not a string' };
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, reason: `Body: not JSON: ${shortMessage(parsed.message)}` };
  const value = parsed.value;
  if (isDestinationRecord(value)) {
    return { ok: true, event: value.requestPayload, path: 'Body.requestPayload' };
  }
  // EventBridge sends an event it could not deliver to its dead-letter queue as is.
  if (isRecord(value) && Object.hasOwn(value, 'detail-type')) {
    return { ok: true, event: value, path: 'Body' };
  }
  return {
    ok: false,
    reason: 'Body: neither a Lambda destination record nor an EventBridge event',
  };
}
