/**
 * The held events applied in time order, pushes that would change nothing passed over without
 * building them (`isInertPush`, the core's rule), and of later pushes of the content a tag holds
 * only the latest applied (`isLaterRepush`).
 *
 * @module
 */
import type { Auditor } from '../../core/engine/auditor.ts';
import {
  inertPushIgnoresEventId,
  isInertPush,
  isLaterRepush,
} from '../../core/engine/inert-push.ts';
import type { MemoryLedger } from '../../core/engine/memory-ledger.ts';
import type { TagRecord } from '../../core/engine/records.ts';
import { COPY_SKEW_MS } from '../../core/engine/tag-history.ts';
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
  // Later pushes of the content a tag holds (isLaterRepush): in time order only the latest of a
  // run tells anything, so it waits here and is applied once, before anything else about its tag
  // (any event of the tag, any event of another kind, or the end).
  const waiting = new Int32Array(slots).fill(-1);
  const waitingMs = new Float64Array(slots);
  const waitingSlots: number[] = [];
  const applyWaiting = async (slot: number) => {
    const j = waiting[slot] as number;
    if (j < 0) return;
    waiting[slot] = -1;
    readAt[slot] = 0;
    const found = await auditor.apply(held.event(j));
    if (found.length > 0) report(found);
  };
  const applyAllWaiting = async () => {
    for (const slot of waitingSlots) await applyWaiting(slot);
    waitingSlots.length = 0;
  };
  for (let k = 0; k < order.length; k++) {
    applied++;
    const i = order[k] as number;
    const slot = held.slot(i);
    if (slot >= 0) {
      const digest = held.digest(i);
      const timeMs = held.timeMs(i);
      const waitingFor = waiting[slot] as number;
      if (waitingFor >= 0) {
        // Judged against the push waiting, which is what the record would end with.
        if (held.digest(waitingFor) === digest) {
          if (timeMs - (waitingMs[slot] as number) > COPY_SKEW_MS) {
            waiting[slot] = i;
            waitingMs[slot] = timeMs;
          }
          passedOver++;
          continue;
        }
        await applyWaiting(slot);
      }
      let prev = records[slot];
      if (readAt[slot] !== generation) {
        prev = ledger.peekTag(held.slotRef[slot] as RepositoryRef, held.slotTag[slot] as string);
        records[slot] = prev;
        readAt[slot] = generation;
      }
      // A push that would change nothing is passed over without building it (see isInertPush,
      // which reads the event id only where the record names the event that moved the tag).
      const eventId = inertPushIgnoresEventId(prev) ? null : held.eventId(i);
      if (isInertPush(prev, digest, timeMs, eventId)) {
        passedOver++;
        continue;
      }
      if (isLaterRepush(prev, digest, timeMs, eventId)) {
        waiting[slot] = i;
        waitingMs[slot] = timeMs;
        waitingSlots.push(slot);
        passedOver++;
        continue;
      }
      readAt[slot] = 0;
    } else {
      await applyAllWaiting();
      generation++;
    }
    const found = await auditor.apply(held.event(i));
    if (found.length > 0) report(found);
  }
  await applyAllWaiting();
  return { applied, passedOver };
}
