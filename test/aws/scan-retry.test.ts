/**
 * The scan's retries (scanRetryStrategy, lib/aws/clients.ts): the delays it waits before each
 * retry of a throttled request, read from the timers it sets, with the random draw pinned. Short
 * first retries (the pacing of lib/aws/throttle-pacing.ts finds the rate), capped at 1 s, and
 * still seconds in all before a request ECR keeps refusing fails.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scanRetryStrategy } from '../../lib/aws/clients.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The delay before every retry of a request throttled at each attempt, with Math.random() = `draw`. */
async function delaysOfAThrottledRequest(draw: number): Promise<number[]> {
  vi.spyOn(Math, 'random').mockReturnValue(draw);
  const delays: number[] = [];
  // The strategy waits with setTimeout: record the delay and go on at once.
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    callback();
    return 0;
  }) as unknown as typeof setTimeout);
  const strategy = scanRetryStrategy();
  let token = await strategy.acquireInitialRetryToken('');
  for (;;) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
    } catch {
      return delays;
    }
  }
}

describe('scanRetryStrategy', () => {
  it('waits at most 10 ms × 2^attempt, capped at 1 s, over 14 retries (15 attempts)', async () => {
    // Act: the largest draw
    const delays = await delaysOfAThrottledRequest(0.999_999);

    // Assess
    expect(delays).toEqual([20, 40, 80, 160, 320, 640, ...Array.from({ length: 8 }, () => 1_000)]);
  });

  it('draws each delay at random between 0 and that bound (full jitter)', async () => {
    // Act
    const none = await delaysOfAThrottledRequest(0);
    vi.restoreAllMocks();
    const half = await delaysOfAThrottledRequest(0.5);

    // Assess
    expect(none).toEqual(Array.from({ length: 14 }, () => 0));
    expect(half).toEqual([10, 20, 40, 80, 160, 320, ...Array.from({ length: 8 }, () => 500)]);
  });

  it('gives a request ECR keeps throttling seconds before it fails, not a burst of quick retries', async () => {
    // Act
    const longest = await delaysOfAThrottledRequest(0.999_999);

    // Assess: 9.3 s at most, 4.6 s on average (the pacing adds its own waits on top)
    const total = longest.reduce((a, b) => a + b, 0);
    expect(total).toBe(9_260);
    expect(total / 2).toBeGreaterThan(4_000);
  });
});
