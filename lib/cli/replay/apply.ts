/**
 * The held events applied in time order, pushes that would change nothing passed over without
 * building them (`isInertPush`, the core's rule), and of a run of later pushes of the content a
 * tag holds only the last `REPEATS_THAT_COUNT` applied (`isLaterRepush`).
 *
 * @module
 */
import type { Auditor } from '../../core/engine/auditor.ts';
import {
  inertPushIgnoresEventId,
  isInertPush,
  isLaterRepush,
  REPEATS_THAT_COUNT,
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
  // Later pushes of the content a tag holds (isLaterRepush): each is recorded and finds nothing,
  // and only the last REPEATS_THAT_COUNT of a run decide the record. They wait here, and are
  // applied before anything else about their tag (any event of the tag, any event of another
  // kind, or the end).
  const waiting: (number[] | undefined)[] = new Array(slots);
  const waitingMs = new Float64Array(slots);
  const waitingSlots: number[] = [];
  const wait = (slot: number, i: number, timeMs: number) => {
    let run = waiting[slot];
    if (run === undefined) {
      run = [];
      waiting[slot] = run;
    }
    if (run.length === 0) waitingSlots.push(slot);
    if (run.length === REPEATS_THAT_COUNT) run.shift();
    run.push(i);
    waitingMs[slot] = timeMs;
  };
  const applyWaiting = async (slot: number) => {
    const run = waiting[slot];
    if (run === undefined || run.length === 0) return;
    readAt[slot] = 0;
    for (const j of run) {
      const found = await auditor.apply(held.event(j));
      if (found.length > 0) report(found);
    }
    run.length = 0;
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
      const run = waiting[slot];
      const last = run?.at(-1);
      if (last !== undefined) {
        // Judged against the last push waiting, which is what the record would end with.
        if (held.digest(last) === digest) {
          if (timeMs - (waitingMs[slot] as number) > COPY_SKEW_MS) wait(slot, i, timeMs);
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
        wait(slot, i, timeMs);
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
