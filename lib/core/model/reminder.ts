/**
 * How often a drift that lasts is alerted again: one reminder per period of its episode, each
 * under a new finding id (docs/findings.md#stable-ids, docs/delivery.md#retention-and-timing).
 *
 * @module
 */

/**
 * The reminder period of a lasting drift: 30 days. The alert log remembers a sent finding id for
 * exactly this long (lib/aws/alert-log.ts derives its expiry from it), so an id is never
 * forgotten while scans still report it — and never sent twice.
 */
export const DRIFT_REMINDER_MS = 30 * 24 * 3_600_000;

/**
 * Which reminder a drift episode that began at `since` is in at `time` (canonical UTC times): 0
 * during its first 30 days, 1 during the next 30, and so on; 0 when either time is unknown.
 *
 * @example
 * ```ts
 * reminderOf('2025-07-01T00:00:00.000Z', '2025-07-30T23:59:59.999Z'); // 0
 * reminderOf('2025-07-01T00:00:00.000Z', '2025-07-31T00:00:00.000Z'); // 1
 * ```
 */
export function reminderOf(since: string | null, time: string | null): number {
  if (since === null || time === null) return 0;
  const age = Date.parse(time) - Date.parse(since);
  return age > 0 ? Math.floor(age / DRIFT_REMINDER_MS) : 0;
}
