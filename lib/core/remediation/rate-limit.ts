/**
 * The rate limit of automatic remediation (docs/remediation.md#the-rate-limit), pure: at most
 * `limit` restores of one repository within a sliding window, counted by the event each restore
 * undid. A second look at an event already counted (Lambda's retry, EventBridge's redelivery) is
 * allowed again without counting twice, so a retry can finish a restore; an event beyond the
 * limit is only alerted. The DynamoDB adapter (lib/aws/remediation-limit.ts) stores the entries
 * on one small item per repository, written conditionally, so the limit holds across containers.
 *
 * @module
 */

/** One counted restore: the event it undid and when it was admitted (epoch ms). */
export interface LimitEntry {
  readonly eventId: string;
  readonly at: number;
}

/** The limit: how many restores per how long. */
export interface RateLimit {
  /** Restores of one repository per window (≥ 1). */
  readonly limit: number;
  /** The window's length in milliseconds. */
  readonly windowMs: number;
}

/**
 * The default: 3 restores of one repository per hour. Someone who loosens a repository more often
 * than that is not racing a bug; the fourth loosening is alerted and left to people.
 *
 * @example
 * ```ts
 * DEFAULT_RATE_LIMIT; // { limit: 3, windowMs: 3_600_000 }
 * ```
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 3, windowMs: 3_600_000 };

/** What {@link admit} decided, and the entries to store (null: store nothing). */
export interface Admission {
  /** `admitted`: counted now; `again`: counted before (a retry); `limited`: beyond the limit. */
  readonly status: 'admitted' | 'again' | 'limited';
  readonly next: readonly LimitEntry[] | null;
}

/**
 * Decides whether a restore of `eventId` may run at `now`, given the entries stored: entries
 * older than the window are dropped; an event already counted is `again`; otherwise it is
 * admitted when fewer than `limit` remain.
 *
 * @example
 * ```ts
 * admit([], 'e1', Date.now(), DEFAULT_RATE_LIMIT).status; // 'admitted'
 * ```
 */
export function admit(
  entries: readonly LimitEntry[],
  eventId: string,
  now: number,
  rate: RateLimit,
): Admission {
  const live = entries.filter((entry) => entry.at > now - rate.windowMs);
  if (entries.some((entry) => entry.eventId === eventId)) return { status: 'again', next: null };
  if (live.length >= rate.limit) return { status: 'limited', next: null };
  return { status: 'admitted', next: [...live, { eventId, at: now }] };
}
