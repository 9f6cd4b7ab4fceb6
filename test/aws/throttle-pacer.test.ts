/**
 * The pace of a throttled operation (lib/aws/throttle-pacer.ts) on a clock of the test's own: no
 * wait until throttles come close together (a lone one is the retry's); then an interval that
 * starts from the pace the service kept, follows the spacing of the last successes (a little
 * faster), grows on throttles while there is no success to follow (once per round of attempts, up
 * to a ceiling), lets a small clump through, and is forgotten after a pause.
 */
import { describe, expect, it } from 'vitest';
import { PACING, type PacerClock, ThrottlePacer } from '../../lib/aws/throttle-pacer.ts';

/** A clock that moves only when told to, or when the pacer sleeps. */
function manualClock() {
  const state = { now: 1_000, slept: [] as number[] };
  const clock: PacerClock = {
    now: () => state.now,
    sleep: async (ms) => {
      state.slept.push(ms);
      state.now += ms;
    },
  };
  return { state, clock };
}

/** `n` attempts that succeed, one every `spacingMs` (the time moving after each). */
async function succeedEvery(
  pacer: ThrottlePacer,
  state: { now: number },
  n: number,
  spacingMs: number,
) {
  for (let i = 0; i < n; i++) {
    await pacer.admit();
    state.now += spacingMs;
    pacer.succeeded();
  }
}

/** A pacer paced at 10 ms: ten successes 10 ms apart, then two throttles. */
async function pacedAt10ms() {
  const { state, clock } = manualClock();
  const pacer = new ThrottlePacer(clock);
  await succeedEvery(pacer, state, 10, 10);
  pacer.throttled(await pacer.admit());
  pacer.throttled(await pacer.admit());
  return { state, pacer };
}

describe('ThrottlePacer', () => {
  it('never delays an attempt while the operation has not been throttled', async () => {
    // Prepare
    const { state, clock } = manualClock();
    const pacer = new ThrottlePacer(clock);

    // Act: twenty attempts at the same instant, all answered
    const times = [];
    for (let i = 0; i < 20; i++) {
      times.push(await pacer.admit());
      pacer.succeeded();
    }

    // Assess
    expect(times).toEqual(Array.from({ length: 20 }, () => 1_000));
    expect(state.slept).toEqual([]);
    expect(pacer.interval).toBe(0);
  });

  it('leaves a lone throttle to the retry, and starts at the next from the pace the service has kept', async () => {
    // Prepare: 10 successes over 100 ms
    const { state, clock } = manualClock();
    const pacer = new ThrottlePacer(clock);
    await succeedEvery(pacer, state, 10, 10);

    // Act
    pacer.throttled(await pacer.admit());
    const afterOne = pacer.interval;
    await succeedEvery(pacer, state, PACING.sustain - 1, 10);
    pacer.throttled(await pacer.admit());

    // Assess: not paced after the first; paced at the second, PACING.sustain - 1 successes on,
    // at the spacing of the 19 successes over 190 ms
    expect(afterOne).toBe(0);
    expect(pacer.interval).toBe(10);
  });

  it('leaves alone throttles PACING.sustain successes apart or more', async () => {
    // Prepare
    const { state, clock } = manualClock();
    const pacer = new ThrottlePacer(clock);

    // Act: a throttle after every PACING.sustain successes, three times
    for (let i = 0; i < 3; i++) {
      pacer.throttled(await pacer.admit());
      await succeedEvery(pacer, state, PACING.sustain, 10);
    }

    // Assess
    expect(pacer.interval).toBe(0);
  });

  it('lets PACING.burst attempts go at once after a lull, then spaces the others by the interval', async () => {
    // Prepare
    const { state, pacer } = await pacedAt10ms();

    // Act: six attempts asked for at once; a timer fires 3 ms late before the last
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await pacer.admit());
    state.now += 3;
    times.push(await pacer.admit());

    // Assess: three at once, then 10 ms apart, counted from the turns given (the lateness not
    // carried over)
    expect(times.map((t) => t - 1_100)).toEqual([0, 0, 0, 10, 20, 30]);
  });

  it('follows the spacing of the last successes, PACING.headroom times it', async () => {
    // Prepare
    const { state, pacer } = await pacedAt10ms();

    // Act: the service admits one attempt every 50 ms
    await succeedEvery(pacer, state, 2, 50);
    const afterTwo = pacer.interval;
    await succeedEvery(pacer, state, PACING.window, 50);

    // Assess: two successes are not enough to go by (two tokens the bucket had saved); then the
    // pace is the successes' (of the last PACING.window), a little faster
    expect(afterTwo).toBe(10);
    expect(pacer.interval).toBeCloseTo(50 * PACING.headroom);
  });

  it('quickens when the service admits all the pace asks: twice as fast within two windows of successes', async () => {
    // Prepare: following successes 50 ms apart
    const { state, pacer } = await pacedAt10ms();
    await succeedEvery(pacer, state, PACING.window, 50);
    const before = pacer.interval;

    // Act: the attempts now go through as fast as the pace lets them
    for (let i = 0; i < 2 * PACING.window; i++) {
      const sentAt = await pacer.admit();
      state.now = sentAt;
      pacer.succeeded();
    }

    // Assess
    expect(pacer.interval).toBeLessThan(before / 2);
  });

  it('slows by PACING.raise on a throttle when there is no success to follow, once for the attempts of one round', async () => {
    // Prepare: four attempts in flight, all sent before any answer
    const { state, pacer } = await pacedAt10ms();
    const inFlight = [];
    for (let i = 0; i < 4; i++) inFlight.push(await pacer.admit());

    // Act: all four come back throttled
    for (const sentAt of inFlight) pacer.throttled(sentAt);

    // Assess: one raise for the round (the three sent with the first throttle say nothing);
    // an attempt sent after it raises again
    expect(pacer.interval).toBeCloseTo(10 * PACING.raise);
    state.now += 1;
    pacer.throttled(await pacer.admit());
    expect(pacer.interval).toBeCloseTo(10 * PACING.raise ** 2);
  });

  it('still lets an attempt through every PACING.ceilingMs when the service refuses everything', async () => {
    // Prepare
    const { clock } = manualClock();
    const pacer = new ThrottlePacer(clock);

    // Act: fifty attempts in a row, each throttled
    for (let i = 0; i < 50; i++) pacer.throttled(await pacer.admit());

    // Assess
    expect(pacer.interval).toBe(PACING.ceilingMs);
    const next = await pacer.admit();
    expect((await pacer.admit()) - next).toBe(PACING.ceilingMs);
  });

  it('forgets the pace after PACING.forgetAfterMs without an attempt', async () => {
    // Prepare
    const { state, pacer } = await pacedAt10ms();

    // Act
    state.now += PACING.forgetAfterMs + 1;
    const first = await pacer.admit();
    const second = await pacer.admit();

    // Assess
    expect(second).toBe(first);
    expect(pacer.interval).toBe(0);
  });
});
