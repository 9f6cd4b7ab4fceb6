/**
 * The rule that a push changes nothing (docs/ledger.md): the core owns it, next to the decisions
 * it restates; replay (lib/cli/replay/) uses it to pass such pushes over without applying them.
 *
 * @module
 */
import type { TagRecord } from './records.ts';

/**
 * True when a push of `digest` (event id `eventId`, at any time) to a tag whose record is `prev`
 * would neither change the record nor yield a finding: the tag points at that digest already and
 * is not deleted, and the push is not a redelivery of the event that moved the tag there. Such a
 * push — a duplicate delivery, the same push seen through ECR and CloudTrail, an identical
 * re-push: most pushes of a long replay — can be passed over without applying it.
 *
 * It restates what `pushTransition` and `pushFinding` (decide.ts) do in that case; a property
 * test (test/engine/replay-fast-paths.test.ts) checks that they agree.
 *
 * @example
 * ```ts
 * if (isInertPush(ledger.peekTag(ref, tag), digest, eventId)) continue; // nothing to apply
 * ```
 */
export function isInertPush(
  prev: TagRecord | undefined,
  digest: string,
  eventId: string | null,
): boolean {
  return (
    prev !== undefined &&
    !prev.deleted &&
    prev.digest === digest &&
    (eventId === null || prev.eventId !== eventId || prev.movedFrom === null)
  );
}

/**
 * True when {@link isInertPush} gives the same answer whatever the push's event id, given the
 * tag's record: the id matters only where the record names the event that moved the tag.
 *
 * @example
 * ```ts
 * const eventId = inertPushIgnoresEventId(prev) ? null : held.eventId(i); // read only if needed
 * ```
 */
export function inertPushIgnoresEventId(prev: TagRecord | undefined): boolean {
  return prev === undefined || prev.movedFrom === null || prev.eventId === null;
}
