/**
 * The pace of one API operation of one account-region, learned from its throttling: no wait at
 * all until the service shows that it is what limits the operation — a throttle within
 * {@link PACING}`.sustain` successes of the previous one (a lone throttle now and then is for the
 * request's retry to absorb) — then the attempts are spaced so that they arrive a little faster
 * than the service has been admitting them: its token bucket is never left full while requests
 * wait (time the scan never gets back), and few attempts are throttled, where retries alone were
 * throttled once or more for each request that got through (BENCHMARKS.md row 7).
 *
 * Once paced, the interval between attempts is {@link PACING}`.headroom` times the spacing of the
 * last successes ({@link PACING}`.window` of them). While the attempts come faster than the
 * service admits them, its successes are spaced by its own rate, so the attempts arrive about
 * 1/headroom times faster: about one in seven is throttled (and retried), and none of the
 * service's tokens is left unused. When the service admits more than it did, the successes follow
 * the attempts and the pace quickens — twice as fast within two windows. The pace starts from the
 * one kept before (the burst the service admitted at first included, so a little fast), and
 * before there are successes to follow — at first, or while the service refuses everything —
 * each throttle lengthens the interval by {@link PACING}`.raise` (once per round of attempts:
 * those sent before the last lengthening say nothing new), up to {@link PACING}`.ceilingMs`: an
 * operation the service keeps refusing gets one attempt a second. Up to {@link PACING}`.burst`
 * attempts that come after a lull go at once (the generic cell rate algorithm's tolerance), so
 * that the pacing does not hold back a scan that is slower than the pace anyway. After
 * {@link PACING}`.forgetAfterMs` without an attempt, all is forgotten.
 *
 * This is what the SDK's adaptive mode does (client-side rate limiting on top of retries), made
 * to follow the successes: the SDK's limiter measures the sending rate in half-second buckets — 0
 * before the first half second, so a throttle then drops it to its floor of 0.5 requests a
 * second — and cuts it by 30 % at every throttle, which left a scan 3 to 10 times slower than its
 * throttle's bound under a small burst (BENCHMARKS.md row 7, 2026-12-05).
 *
 * The rate is never configured: it is read from the service's answers, for each account-region
 * and operation on its own (ECR's quotas are per account, region and API, and unpublished for
 * the scan's read calls: DescribeRepositories, ListImages, DescribeRepositoryCreationTemplates).
 *
 * @module
 */

/** The pacer's constants. */
export const PACING = {
  /** The interval is this fraction of the spacing of the last successes (attempts ~18 % faster). */
  headroom: 0.85,
  /** How many successes that spacing is measured over. */
  window: 5,
  /**
   * How many attempts may go at once, ahead of the pace, when they have not kept it lately: the
   * answers of a scan's few requests in flight come in clumps, and holding a clump back to the
   * interval would slow the scan below the pace it follows (and the pace with it).
   */
  burst: 3,
  /**
   * The pacing starts at a throttle that comes within this many successes of the previous one: a
   * lone throttle now and then (as a scan slowed by its own process, by a busy CPU, sees) is for
   * the request's retry to absorb, not a reason to hold back the others — measured: pacing on
   * any throttle slowed row 7's 200 account-regions on a saturated CPU, where each wait for a
   * timer costs a turn of a lagging event loop.
   */
  sustain: 10,
  /** The interval grows by this factor on a throttle, while there are no successes to follow. */
  raise: 1.5,
  /** The shortest interval (ms). */
  floorMs: 1,
  /** The longest interval (ms): a throttled operation still sends an attempt a second. */
  ceilingMs: 1_000,
  /**
   * After this long without an attempt (ms), the pace is forgotten: the service's bucket has
   * filled again, and a client kept between runs (the scheduled scan's) starts each run afresh.
   */
  forgetAfterMs: 10_000,
} as const;

/** Time, as the pacer reads and waits for it (ms). */
export interface PacerClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The real clock: a monotonic time, and timers. */
const REAL_CLOCK: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** `ms` within the pacer's bounds. */
const bounded = (ms: number) => Math.min(PACING.ceilingMs, Math.max(PACING.floorMs, ms));

/**
 * Paces the attempts of one operation; see the module comment. Every attempt first waits for
 * {@link ThrottlePacer.admit}, then reports its outcome with {@link ThrottlePacer.throttled}
 * (given the time `admit` returned) or {@link ThrottlePacer.succeeded}.
 *
 * @example
 * ```ts
 * const pacer = new ThrottlePacer();
 * const sentAt = await pacer.admit();
 * try { await send(); pacer.succeeded(); }
 * catch (error) { if (isThrottling(error)) pacer.throttled(sentAt); throw error; }
 * ```
 */
export class ThrottlePacer {
  readonly #clock: PacerClock;
  /** Whether the attempts are held to the interval. */
  #paced = false;
  /** The interval between two attempts while paced (ms). */
  #interval = 0;
  /** The earliest time of the next attempt. */
  #next = 0;
  /** When the interval last grew: a throttle of an attempt sent before says nothing new. */
  #raisedAt = Number.NEGATIVE_INFINITY;
  /** The first attempt's time, and the successes since: the pace kept before the pacing. */
  #firstAt: number | undefined;
  #successes = 0;
  /** The times of the last successes since the pacing began. */
  #recent: number[] = [];
  /** The successes since the last throttle (infinite before the first). */
  #calm = Number.POSITIVE_INFINITY;
  /** The last attempt's time. */
  #lastAt = Number.NEGATIVE_INFINITY;

  /** @param clock - the clock; default the real one. */
  constructor(clock: PacerClock = REAL_CLOCK) {
    this.#clock = clock;
  }

  /** The current interval between two attempts (ms); 0 while not paced. */
  get interval(): number {
    return this.#paced ? this.#interval : 0;
  }

  /**
   * Waits for the next attempt's turn (at once while not paced) and returns its time, which
   * {@link ThrottlePacer.throttled} takes back.
   */
  async admit(): Promise<number> {
    const now = this.#clock.now();
    if (now - this.#lastAt > PACING.forgetAfterMs) this.#forget();
    this.#lastAt = now;
    this.#firstAt ??= now;
    // The next turn, less the burst's tolerance (the generic cell rate algorithm): attempts that
    // kept the pace wait for their turn; a clump after a lull goes at once.
    const interval = this.interval;
    const at = Math.max(now, this.#next - (PACING.burst - 1) * interval);
    // From the turn given, not from when the timer fires: a late timer does not slow the pace.
    this.#next = Math.max(this.#next, at) + interval;
    if (at > now) await this.#clock.sleep(at - now);
    return at;
  }

  /** Back to the start: not paced, nothing observed. */
  #forget(): void {
    this.#paced = false;
    this.#interval = 0;
    this.#next = 0;
    this.#raisedAt = Number.NEGATIVE_INFINITY;
    this.#firstAt = undefined;
    this.#successes = 0;
    this.#recent = [];
    this.#calm = Number.POSITIVE_INFINITY;
  }

  /** An attempt sent at `sentAt` was throttled: the attempts after it are spaced more. */
  throttled(sentAt: number): void {
    const sustained = this.#calm < PACING.sustain;
    this.#calm = 0;
    const now = this.#clock.now();
    if (!this.#paced) {
      // A lone throttle is for the request's retry to absorb; another one soon after says that
      // the service is what limits the operation. The pace starts from the one kept so far (the
      // burst the service admitted at first included, so a little fast: the next throttles and
      // successes correct it).
      if (!sustained) return;
      this.#paced = true;
      this.#recent = [];
      this.#interval = bounded((now - (this.#firstAt ?? now)) / Math.max(1, this.#successes));
      this.#raisedAt = now;
      return;
    }
    if (sentAt <= this.#raisedAt) return;
    this.#interval = bounded(this.#interval * PACING.raise);
    this.#raisedAt = now;
  }

  /** An attempt succeeded: while paced, the attempts follow the spacing of the last successes. */
  succeeded(): void {
    this.#successes++;
    this.#calm++;
    if (!this.#paced) return;
    const now = this.#clock.now();
    this.#recent.push(now);
    if (this.#recent.length > PACING.window) this.#recent.shift();
    // Three successes at the least: two could be two tokens the bucket had saved.
    if (this.#recent.length < 3) return;
    const spacing = (now - (this.#recent[0] as number)) / (this.#recent.length - 1);
    this.#interval = bounded(spacing * PACING.headroom);
  }
}
