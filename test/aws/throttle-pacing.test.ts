/**
 * The scan's ECR client under a throttle (lib/aws/throttle-pacing.ts, with scanRetryStrategy of
 * lib/aws/clients.ts): a registry on the fake ECR, throttled by a token bucket as ECR throttles
 * an account-region's API, scanned 4 repositories at once. Counted requests, not times: with the
 * pacing the scan is throttled a few times while it learns the pace and then seldom, where
 * retries alone are throttled more than once for every request that gets through.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { afterEach, describe, expect, it } from 'vitest';
import { scanRetryStrategy } from '../../lib/aws/clients.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { paceThrottledRequests } from '../../lib/aws/throttle-pacing.ts';
import { clientConfig } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { scanOnce } from '../support/scan.ts';

const REGION = 'eu-west-1';
const REPOSITORIES = 40;
const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A registry of {@link REPOSITORIES} one-tag repositories, throttled at `perSecond` (burst 5). */
async function throttledRegistry(perSecond: number) {
  const ecr = new FakeEcr({ accountId: ACCOUNT, region: REGION, latencyMs: 5 });
  for (let r = 0; r < REPOSITORIES; r++) {
    ecr.addRepository(`repo-${r}`, { imageTagMutability: 'IMMUTABLE' });
    ecr.pushImage(`repo-${r}`, 'v1', digest(r));
  }
  ecr.rateLimit = { perSecond, burst: 5 };
  const server = await ecr.start();
  servers.push(server);
  return { ecr, server };
}

/**
 * A scan, 4 repositories at once, of a registry throttled at 40 requests/s through the scan's ECR
 * client on the fake — the product's retries, paced or not — and its ListImages answered and
 * throttled.
 */
async function scanThrottled(paced: boolean) {
  const { ecr, server } = await throttledRegistry(40);
  const retried = new ECRClient({ ...clientConfig(server), retryStrategy: scanRetryStrategy() });
  const client = paced ? paceThrottledRequests(retried) : retried;
  const report = await scanOnce(createEcrRegistry(client), 4);
  client.destroy();
  const requests = ecr.requests.filter((r) => r.operation === 'ListImages');
  return {
    report,
    answered: requests.filter((r) => r.fault === undefined).length,
    throttled: requests.filter((r) => r.fault === 'rate-limit').length,
  };
}

describe('the scan under a throttle of 40 requests/s, paced', () => {
  it('scans every repository, with fewer throttled ListImages than three for four repositories', async () => {
    // Act
    const { report, answered, throttled } = await scanThrottled(true);

    // Assess: one ListImages per repository got through; the throttled ones are those of
    // learning the pace (a handful) and about one in seven after: 8–17 in 6 runs of this test's
    // scan on a busy 2-core machine, where retries alone had 56–62.
    expect(report.failures).toEqual([]);
    expect(report.tags).toBe(REPOSITORIES);
    expect(answered).toBe(REPOSITORIES);
    expect(throttled).toBeLessThan((REPOSITORIES * 3) / 4);
  });

  it('paces each operation on its own: a throttled ListImages does not delay the listing', async () => {
    // Prepare: the first five ListImages throttled; retries at once; the pacer on a clock
    // that moves only when it waits, its waits recorded
    const { ecr, server } = await throttledRegistry(1_000);
    ecr.inject('ListImages', ...Array.from({ length: 5 }, () => fault.throttle()));
    const clock = { now: 0, waits: [] as number[] };
    const client = paceThrottledRequests(
      new ECRClient(clientConfig(server, { maxAttempts: 7, retryDelayMs: 0 })),
      {
        now: () => clock.now,
        sleep: async (ms) => {
          clock.waits.push(ms);
          clock.now += ms;
        },
      },
    );
    const registry = createEcrRegistry(client);

    // Act
    await registry.listTags('repo-0');
    const afterImages = clock.waits.length;
    await registry.listRepositories();
    const afterListing = clock.waits.length;
    await registry.listTags('repo-1');
    client.destroy();

    // Assess: the retries after the throttles waited their turn once the burst allowed was
    // spent, the listing did not wait, and ListImages is still paced after it.
    expect(afterImages).toBe(1);
    expect(afterListing).toBe(afterImages);
    expect(clock.waits.length).toBe(afterListing + 1);
  });
});

describe('the same scan with the retries alone (the client before the pacing)', () => {
  it('is throttled three times for four repositories or more (about one and a half for one): what the pacing removes', async () => {
    // Act
    const { report, throttled } = await scanThrottled(false);

    // Assess
    expect(report.tags).toBe(REPOSITORIES);
    expect(throttled).toBeGreaterThanOrEqual((REPOSITORIES * 3) / 4);
  });
});
