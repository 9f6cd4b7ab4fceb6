/**
 * Replay's shortcut through the intake: the common ECR Image Action push of a tag, read straight
 * from a parsed NDJSON value into the held events, without an intake item or a domain event. The
 * field rules are the core's (fields.ts, satisfies.ts), imported, not restated.
 *
 * @module
 */
import {
  ECR_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
  IMAGE_ACTION_SUCCESS,
} from '../../core/intake/catalogue.ts';
import { ACCOUNT, DIGEST, EVENT_ID, REGION, REPOSITORY, TAG } from '../../core/intake/fields.ts';
import { satisfies } from '../../core/intake/satisfies.ts';
import { isRecord } from '../../core/model/json.ts';
import { awsTimeMs } from '../../core/model/time.ts';

/**
 * Receives the fields of a push of a tag (see {@link takeImageActionPush}).
 *
 * @example
 * ```ts
 * const sink: TaggedPushSink = { push: (account, region, repository, tag) => count++ };
 * ```
 */
export interface TaggedPushSink {
  push(
    account: string,
    region: string,
    repository: string,
    tag: string,
    digest: string,
    timeMs: number,
    eventId: string | null,
  ): void;
}

/**
 * For a valid `ECR Image Action` PUSH of a tag with result SUCCESS and its time in AWS's own form
 * (`2019-11-16T01:54:34Z`): hands the fields of the push event that `normalizeEvent` gives
 * for it to `sink` — its time as epoch milliseconds — and returns true. For anything else returns
 * false and hands nothing. Replay takes most of its input this way, without a domain event; a
 * property test (test/events/fast-paths.test.ts) checks it against normalizeEvent.
 *
 * @example
 * ```ts
 * if (!takeImageActionPush(value, held)) held.add(...normalized(value));
 * ```
 */
export function takeImageActionPush(raw: unknown, sink: TaggedPushSink): boolean {
  if (!isRecord(raw)) return false;
  const hasOwn = Object.hasOwn;
  if (!hasOwn(raw, 'detail-type') || raw['detail-type'] !== IMAGE_ACTION_DETAIL_TYPE) return false;
  if (!hasOwn(raw, 'source') || raw.source !== ECR_SOURCE) return false;
  const detail = hasOwn(raw, 'detail') ? raw.detail : undefined;
  if (!isRecord(detail)) return false;
  if (!hasOwn(detail, 'result') || detail.result !== IMAGE_ACTION_SUCCESS) return false;
  if (!hasOwn(detail, 'action-type') || detail['action-type'] !== 'PUSH') return false;
  const time = hasOwn(raw, 'time') ? raw.time : undefined;
  if (typeof time !== 'string') return false;
  const timeMs = awsTimeMs(time);
  const account = hasOwn(raw, 'account') ? raw.account : undefined;
  const region = hasOwn(raw, 'region') ? raw.region : undefined;
  const id = hasOwn(raw, 'id') ? raw.id : undefined;
  const repository = hasOwn(detail, 'repository-name') ? detail['repository-name'] : undefined;
  const tag = hasOwn(detail, 'image-tag') ? detail['image-tag'] : undefined;
  const digest = hasOwn(detail, 'image-digest') ? detail['image-digest'] : undefined;
  if (
    Number.isNaN(timeMs) ||
    !satisfies(account, ACCOUNT) ||
    !satisfies(region, REGION) ||
    !(id === undefined || id === null || typeof id === 'string') ||
    !satisfies(repository, REPOSITORY) ||
    !satisfies(tag, TAG) ||
    !satisfies(digest, DIGEST)
  ) {
    return false;
  }
  // The event id is informational: another form is dropped, as the core's intake does.
  sink.push(account, region, repository, tag, digest, timeMs, satisfies(id, EVENT_ID) ? id : null);
  return true;
}
