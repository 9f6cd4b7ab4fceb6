/**
 * Seeding a ledger in tests: what a push leaves in the ledger, without judging it
 * (moves are recorded, so that they are never alerted later).
 */
import type { Change } from '../../lib/core/engine/decide.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import { observeTag, recordMoves, type TagObservation } from '../../lib/core/engine/tag-history.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';

async function seed(ledger: Ledger, ref: RepositoryRef, tag: string, observation: TagObservation) {
  await ledger.updateTag(ref, tag, (prev) => {
    const next = observeTag(prev, observation);
    return { next: next && recordMoves(next, observation.eventId).record, found: [] };
  });
}

/** Records a push of `tag` at `digest` in `ledger`, as an event would, without findings. */
export function seedPush(
  ledger: Ledger,
  ref: RepositoryRef,
  tag: string,
  digest: string,
  change: Change,
): Promise<void> {
  return seed(ledger, ref, tag, { kind: 'push', digest, ...change });
}

/**
 * The history the ledger keeps of one tag after `observations`, in any order, with every move
 * recorded as the auditor records it.
 *
 * @example
 * ```ts
 * const record = tagRecordOf([
 *   { kind: 'push', digest: digest(1), time: '2026-01-01T00:00:00.000Z', eventId: null },
 *   { kind: 'push', digest: digest(2), time: '2026-01-02T00:00:00.000Z', eventId: null },
 * ]); // one move, digest(1) → digest(2)
 * ```
 */
export function tagRecordOf(observations: readonly TagObservation[]): TagRecord {
  let record: TagRecord | undefined;
  for (const observation of observations) {
    const next = observeTag(record, observation);
    if (next) record = recordMoves(next, observation.eventId).record;
  }
  if (!record) throw new Error('tagRecordOf: no observation was kept');
  return record;
}
