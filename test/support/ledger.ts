/**
 * Seeding a ledger in tests: what a push leaves in the ledger, without judging it
 * (moves are recorded, so that they are never alerted later).
 */
import type { Change } from '../../lib/core/engine/decide.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
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
