/**
 * Replay's time sort key: epoch milliseconds of a canonical event time, read by position.
 *
 * @module
 */
import { daysFromCivil } from '../../core/intake/fields.ts';

const MS_PER_DAY = 86_400_000;

/** The two decimal digits of `text` at `at`, as a number. */
function digits2(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

/**
 * Epoch milliseconds of a canonical event time (`2019-04-15T16:45:00.000Z`), read by position —
 * what `Date.parse` gives, for a fraction of its cost. Any other form goes to `Date.parse`.
 *
 * @example
 * ```ts
 * canonicalTimeMs('2019-04-15T16:45:00.000Z'); // 1555346700000
 * ```
 */
export function canonicalTimeMs(time: string): number {
  if (time.length !== 24 || time.charCodeAt(19) !== 0x2e || time.charCodeAt(23) !== 0x5a) {
    return Date.parse(time);
  }
  const days = daysFromCivil(
    digits2(time, 0) * 100 + digits2(time, 2),
    digits2(time, 5),
    digits2(time, 8),
  );
  return (
    days * MS_PER_DAY +
    digits2(time, 11) * 3_600_000 +
    digits2(time, 14) * 60_000 +
    digits2(time, 17) * 1000 +
    digits2(time, 20) * 10 +
    time.charCodeAt(22) -
    48
  );
}
