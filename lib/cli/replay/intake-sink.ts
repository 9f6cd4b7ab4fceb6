/**
 * What one input item does to replay's held events and counts: the common push is taken straight
 * from the input (take-push.ts); every other item is held as the intake normalized it.
 *
 * @module
 */
import type { IntakeItem } from '../../io/events/item.ts';
import type { HeldEvents } from './held-events.ts';
import { takeImageActionPush } from './take-push.ts';

/** What the intake counted. */
export interface IntakeCounts {
  /** Input items read (events, records, lines), taken ones included. */
  read: number;
  /** Items that were not relevant. */
  skipped: number;
  /** Pushes taken straight from the input, without an intake item or a domain event. */
  taken: number;
}

/** Where items go while the input is read. */
export interface IntakeSink {
  /** Offered each NDJSON value: the common push is held at once (see `readInputBatches`). */
  readonly take: (value: unknown) => boolean;
  /** An item not taken. */
  item(item: IntakeItem): void;
}

/**
 * A sink that holds events in `held`, counts in `counts`, and hands each malformed item (its
 * source, line and reason) to `onMalformed`.
 *
 * @example
 * ```ts
 * const sink = createIntakeSink(held, counts, (source, line, reason) => report(source, line, reason));
 * for await (const batch of readInputBatches([path], { take: sink.take })) {
 *   for (const item of batch) sink.item(item);
 * }
 * ```
 */
export function createIntakeSink(
  held: HeldEvents,
  counts: IntakeCounts,
  onMalformed: (source: string, line: number, reason: string) => void,
): IntakeSink {
  return {
    take: (value) => {
      if (!takeImageActionPush(value, held)) return false;
      counts.read++;
      counts.taken++;
      return true;
    },
    item(item) {
      counts.read++;
      const { result } = item;
      if (result.kind === 'events') {
        for (const event of result.events) held.add(event);
      } else if (result.kind === 'skipped') {
        counts.skipped++;
      } else {
        onMalformed(item.source, item.line, result.reason);
      }
    },
  };
}
