/**
 * The rule that a push changes nothing (docs/ledger.md): the core owns it, next to the decisions
 * it restates; replay (lib/cli/replay/) uses it to pass such pushes over without applying them.
 *
 * @module
 */
import { canonicalTimeMs } from '../model/time.ts';
import { TAG_REPEATS_LIMIT, type TagRecord } from './records.ts';
import { COPY_SKEW_MS } from './tag-history.ts';

/**
 * True when a push of `digest` at `timeMs` (epoch ms) with event id `eventId` to a tag whose
 * record is `prev` would neither change the record nor yield a finding: it is a copy of the last
 * entry — a push of that digest stamped at most {@link COPY_SKEW_MS} later — and not the
 * redelivery of an event that recorded a move. Such a push — a duplicate delivery, the same push
 * seen through ECR and CloudTrail: most pushes of a long replay — can be passed over without
 * applying it.
 *
 * It restates what `decideTag` (decide.ts) does in that case; a property test
 * (test/engine/replay-fast-paths.test.ts) checks that they agree.
 *
 * @example
 * ```ts
 * if (isInertPush(ledger.peekTag(ref, tag), digest, timeMs, eventId)) continue; // nothing to apply
 * ```
 */
export function isInertPush(
  prev: TagRecord | undefined,
  digest: string,
  timeMs: number,
  eventId: string | null,
): boolean {
  const last = prev?.entries[prev.entries.length - 1];
  if (last?.kind !== 'push' || last.digest !== digest) return false;
  // A copy of the last push (ECR's and CloudTrail's reports of one push), never an earlier stamp.
  const after = timeMs - canonicalTimeMs(last.time);
  if (after < 0 || after > COPY_SKEW_MS) return false;
  return eventId === null || !prev?.entries.some((e) => e.superseded?.by === eventId);
}

/**
 * True when {@link isInertPush} gives the same answer whatever the push's event id, given the
 * tag's record: the id matters only where an event recorded a move of the tag.
 *
 * @example
 * ```ts
 * const eventId = inertPushIgnoresEventId(prev) ? null : held.eventId(i); // read only if needed
 * ```
 */
export function inertPushIgnoresEventId(prev: TagRecord | undefined): boolean {
  return prev === undefined || prev.entries.every((e) => e.superseded?.by == null);
}

/**
 * True when a push of `digest` at `timeMs` to a tag whose record is `prev` only tells that the
 * tag still held that content then: the last entry is a push of that digest, the push is later
 * than its copies could be, and it is not a redelivery of an event that recorded a move.
 * `decideTag` records it and finds nothing; replay, which applies events in time order, keeps
 * only the last {@link REPEATS_THAT_COUNT} of a run of such pushes and applies them before
 * anything else touches the tag (lib/cli/replay/apply.ts).
 *
 * @example
 * ```ts
 * if (isLaterRepush(prev, digest, timeMs, eventId)) pending[slot] = i; // applied later, once
 * ```
 */
export function isLaterRepush(
  prev: TagRecord | undefined,
  digest: string,
  timeMs: number,
  eventId: string | null,
): boolean {
  const last = prev?.entries[prev.entries.length - 1];
  if (last?.kind !== 'push' || last.digest !== digest) return false;
  if (timeMs - canonicalTimeMs(last.time) <= COPY_SKEW_MS) return false;
  return eventId === null || !prev?.entries.some((e) => e.superseded?.by === eventId);
}

/**
 * How many of a run of later pushes of one content ({@link isLaterRepush}), applied in time order,
 * decide the record: a run keeps its last push and at most `TAG_REPEATS_LIMIT` repeats before it,
 * and an older one is forgotten whatever came before it. Applying only the
 * last `REPEATS_THAT_COUNT` of a run gives the record applying all gives (a property test in
 * test/engine/replay-fast-paths.test.ts checks it).
 *
 * @example
 * ```ts
 * if (run.length === REPEATS_THAT_COUNT) run.shift(); // an older one changes nothing
 * ```
 */
export const REPEATS_THAT_COUNT = TAG_REPEATS_LIMIT + 1;
