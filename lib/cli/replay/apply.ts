/**
 * The held events applied in time order, pushes that would change nothing passed over without
 * building them (`isInertPush`, the core's rule).
 *
 * @module
 */
import type { Auditor } from '../../core/engine/auditor.ts';
import { inertPushIgnoresEventId, isInertPush } from '../../core/engine/inert-push.ts';
import type { MemoryLedger } from '../../core/engine/memory-ledger.ts';
import type { TagRecord } from '../../core/engine/records.ts';
import type { Found } from '../../core/model/delivery.ts';
import type { RepositoryRef } from '../../core/model/refs.ts';
import type { HeldEvents } from './held-events.ts';

/**
 * Applies every held event in time order through `auditor` over `ledger`, handing findings to
 * `report`; returns how many events were applied (passed over included) and passed over.
 *
 * @example
 * ```ts
 * const { applied, passedOver } = await applyHeld(held, ledger, auditor, report);
 * ```
 */
export async function applyHeld(
  held: HeldEvents,
  ledger: MemoryLedger,
  auditor: Auditor,
  report: (found: readonly Found[]) => void,
): Promise<{ applied: number; passedOver: number }> {
  let applied = 0;
  let passedOver = 0;
  const order = held.order();
  // The ledger's record of each held tag, as last read, valid while `readAt[slot]` is the current
  // generation: a push changes only its own tag's record and every other event may change any,
  // so a slot is read again after a push of its tag is applied, and every slot after any other
  // event is (a new generation).
  const slots = held.slotTag.length;
  const records: (TagRecord | undefined)[] = new Array(slots);
  const readAt = new Int32Array(slots);
  let generation = 1;
  for (let k = 0; k < order.length; k++) {
    applied++;
    const i = order[k] as number;
    const slot = held.slot(i);
    if (slot >= 0) {
      let prev = records[slot];
      if (readAt[slot] !== generation) {
        prev = ledger.peekTag(held.slotRef[slot] as RepositoryRef, held.slotTag[slot] as string);
        records[slot] = prev;
        readAt[slot] = generation;
      }
      // A push that would change nothing is passed over without building it (see isInertPush,
      // which reads the event id only where the record names the event that moved the tag).
      const eventId = inertPushIgnoresEventId(prev) ? null : held.eventId(i);
      if (isInertPush(prev, held.digest(i), held.timeMs(i), eventId)) {
        passedOver++;
        continue;
      }
      readAt[slot] = 0;
    } else {
      generation++;
    }
    const found = await auditor.apply(held.event(i));
    if (found.length > 0) report(found);
  }
  return { applied, passedOver };
}
