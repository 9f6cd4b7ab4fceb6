/**
 * The scheduled scan as its handler runs it (lib/runtime/lambda.ts `scheduledScan`: scan, alerts,
 * summary) with a real ECRClient on the fake ECR, dynalite and the fake SNS, under faults: one
 * repository failing every time (ECR refusing, throttling, 500, timeout, reset — and its ledger
 * writes failing), transient ECR faults, SNS failing while the scan alerts. Outcome: the other
 * repositories complete, the failure is in the summary and the ScanRepositoryFailures metric, the
 * next scan picks the repository up, and every finding is alerted exactly once.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { tagState } from '../../lib/core/engine/tag-history.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { scheduledScan } from '../../lib/runtime/lambda.ts';
import { policy } from '../aws/support.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { type Fault, fault, type StartedServer } from '../fakes/http.ts';
import { digest } from '../support/digest.ts';
import { seedPush } from '../support/ledger.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import {
  type Harness,
  pendingNames,
  rawItem,
  startHarness,
  stepOf,
  tagMutabilityChange,
} from './support.ts';

const POLICY = policy(DEV_MUTABLE_POLICY);
const REGION = 'us-west-2'; // the region of the events the fixtures build
const EXPECTED = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const, filters: ['dev-*'] };

let h: Harness;
const servers: StartedServer[] = [];
beforeAll(async () => {
  h = await startHarness(POLICY);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h.close();
});
beforeEach(() => h.reset());

let accounts = 0;
/**
 * A registry of its own account: alpha and gamma as the policy wants; `broken` loosened, and its
 * tag v1 overwritten (digest 1 → 2) without an event reaching the auditor.
 */
async function registry(options: { requestTimeoutMs?: number } = {}) {
  const account = String(300000000000 + ++accounts);
  const ecr = new FakeEcr({ accountId: account, region: REGION });
  servers.push(await ecr.start());
  const server = servers.at(-1) as StartedServer;
  const client: ECRClient = ecrClient(server, { retryDelayMs: 1, ...options });
  for (const name of ['alpha', 'gamma']) {
    ecr.addRepository(name, EXPECTED);
    ecr.pushImage(name, 'v1', digest(1));
  }
  ecr.addRepository('broken', { imageTagMutability: 'MUTABLE' });
  ecr.pushImage('broken', 'v1', digest(2));
  await seedPush(
    h.runtime.ledger,
    { account, region: REGION, repository: 'broken' },
    'v1',
    digest(1),
    {
      time: '2025-07-24T00:00:00.000Z',
      eventId: `${account}-push-1`,
    },
  );
  return { ecr, client, account };
}

let clock = Date.UTC(2025, 6, 24, 6);
function scan(client: ECRClient, account: string) {
  clock += 6 * 3_600_000;
  const now = new Date(clock);
  return scheduledScan(h.runtime, {
    registry: createEcrRegistry(client),
    account,
    region: REGION,
    now: () => now,
  });
}

interface Summary {
  content: { title: string; description: string; nextSteps: string[] };
}
function summaries(): Summary[] {
  return h.sns.published
    .filter((m) => m.messageAttributes.kind?.stringValue === 'SCAN_SUMMARY')
    .map((m) => JSON.parse(m.message) as Summary);
}
function alerts(): Finding[] {
  return h.sns.published
    .filter((m) => m.messageAttributes.kind?.stringValue !== 'SCAN_SUMMARY')
    .map((m) => findingOfMessage(m.message));
}

const broken = (body: unknown) => (body as { repositoryName?: string }).repositoryName === 'broken';

const ECR_FAULTS: Record<string, () => Fault> = {
  AccessDeniedException: () =>
    fault.error('AccessDeniedException', 400, 'not authorized to perform ecr:ListImages'),
  'ThrottlingException beyond the SDK retries': fault.throttle,
  'HTTP 500 beyond the SDK retries': fault.internal,
  'a timeout on every attempt': fault.hang,
  'a reset connection on every attempt': fault.reset,
};

describe('a repository whose scan fails every time', () => {
  for (const [name, make] of Object.entries(ECR_FAULTS)) {
    it(`ListImages: ${name} → the rest complete, the failure is reported, the next scan picks it up`, async () => {
      const { ecr, client, account } = await registry(
        make === fault.hang ? { requestTimeoutMs: 300 } : {},
      );
      ecr.injectWith('ListImages', ({ body }) => (broken(body) ? make() : undefined));
      const first = await scan(client, account);
      // Its configuration is still judged (from DescribeRepositories): the drift is alerted.
      expect(first).toMatchObject({ failures: 1, findings: 1, published: 1 });
      expect(alerts()).toMatchObject([
        { kind: 'CONFIG_DRIFT', repository: 'broken', direction: 'LOOSENED' },
      ]);
      expect(h.telemetry.count('ScanRepositoryFailures')).toBe(1);
      expect(h.telemetry.count('ScanRepositories')).toBe(3);
      expect(h.telemetry.logs).toContainEqual(
        expect.objectContaining({
          level: 'error',
          extra: expect.objectContaining({ repository: 'broken' }),
        }),
      );
      const [summary] = summaries();
      expect(summaries()).toHaveLength(1);
      expect(summary?.content.title).toContain('1 failure(s)');
      expect(summary?.content.description).toMatch(/^• FAILED `broken`: `.+`$/m);
      expect(summary?.content.nextSteps).toEqual([
        'Repositories that failed are scanned again on the next run.',
      ]);
      for (const name of ['alpha', 'gamma']) {
        const tags = await h.runtime.ledger.tags({ account, region: REGION, repository: name });
        expect(tagState(tags.get('v1')).digest).toBe(digest(1));
      }
      const ref = { account, region: REGION, repository: 'broken' };
      expect(tagState((await h.runtime.ledger.tags(ref)).get('v1')).digest).toBe(digest(1));

      // The fault goes away: the next scan reads its tags and finds the overwrite no event told
      // (alerted once); the drift, still the same episode, is not alerted again.
      ecr.clearFaults();
      h.reset();
      const second = await scan(client, account);
      expect(second).toMatchObject({ failures: 0, findings: 2, published: 1 });
      expect(alerts()).toMatchObject([
        {
          kind: 'TAG_OVERWRITE_VIOLATION',
          repository: 'broken',
          tag: 'v1',
          previousDigest: digest(1),
          digest: digest(2),
          detectedBy: 'scan',
        },
      ]);
      expect(summaries()[0]?.content.title).toContain('0 failure(s)');
      expect(h.telemetry.count('ScanRepositoryFailures')).toBe(0);
      expect(tagState((await h.runtime.ledger.tags(ref)).get('v1')).digest).toBe(digest(2));
    });
  }

  it('its ledger writes failing beyond the SDK retries: reported like an ECR failure, picked up next time', async () => {
    const { client, account } = await registry();
    h.dynamo.injectWith('*', ({ operation, body }) =>
      stepOf(operation, body) === 'ledger' &&
      JSON.stringify(body).includes(`REPO#${account}#${REGION}#broken`)
        ? fault.throttle()
        : undefined,
    );
    const first = await scan(client, account);
    expect(first.failures).toBe(1);
    expect(summaries()[0]?.content.description).toMatch(/• FAILED `broken`/);
    h.dynamo.clearFaults();
    h.reset();
    const second = await scan(client, account);
    expect(second.failures).toBe(0);
    expect(alerts().map((f) => [f.kind, f.repository, f.previousDigest])).toContainEqual([
      'TAG_OVERWRITE_VIOLATION',
      'broken',
      digest(1),
    ]);
  });
});

describe('transient ECR faults', () => {
  for (const [name, make] of Object.entries({
    ThrottlingException: fault.throttle,
    'HTTP 500': fault.internal,
    'a timeout': fault.hang,
    'a reset connection': fault.reset,
  })) {
    it(`${name} once on every operation: absorbed by the SDK retries, nothing fails`, async () => {
      const { ecr, client, account } = await registry({ requestTimeoutMs: 300 });
      for (const operation of [
        'DescribeRepositories',
        'ListImages',
        'DescribeRepositoryCreationTemplates',
      ]) {
        ecr.inject(operation, make());
      }
      const report = await scan(client, account);
      expect(report).toMatchObject({ failures: 0, findings: 2, published: 2 });
      expect(ecr.requests.filter((r) => r.fault !== undefined)).toHaveLength(3);
    });
  }
});

describe('SNS failing while the scan alerts', () => {
  it('the run fails (Lambda retries it); the retry alerts each finding once and sends its summary', async () => {
    const { client, account } = await registry();
    h.sns.injectWith('Publish', () => fault.internal());
    await expect(scan(client, account)).rejects.toBeInstanceOf(AlertDeliveryError);
    const config = await rawItem(h, `REPO#${account}#${REGION}#broken`, 'CONFIG');
    expect(pendingNames(config)).toHaveLength(1);
    h.sns.clearFaults();
    const tagItem = await rawItem(h, `REPO#${account}#${REGION}#broken`, 'TAG#v1');
    expect(pendingNames(tagItem)).toHaveLength(1);
    const retry = await scan(client, account);
    expect(retry.published).toBe(2);
    expect(
      alerts()
        .map((f) => [f.kind, f.repository])
        .sort(),
    ).toEqual([
      ['CONFIG_DRIFT', 'broken'],
      ['TAG_OVERWRITE_VIOLATION', 'broken'],
    ]);
    expect(summaries()).toHaveLength(1);
    expect(pendingNames(await rawItem(h, `REPO#${account}#${REGION}#broken`, 'CONFIG'))).toEqual(
      [],
    );
    expect(pendingNames(await rawItem(h, `REPO#${account}#${REGION}#broken`, 'TAG#v1'))).toEqual(
      [],
    );
  });

  it('the drift changed by an event before the next scan: that event delivers the scan alert left pending', async () => {
    const { ecr, client, account } = await registry();
    h.sns.injectWith('Publish', () => fault.internal());
    await expect(scan(client, account)).rejects.toBeInstanceOf(AlertDeliveryError);
    h.sns.clearFaults();
    ecr.repository('broken').imageTagMutability = 'IMMUTABLE';
    // Someone tightens `broken` (another finding) before any scan runs again. Its record no
    // longer holds the drift the failed scan found, but its item holds that scan's alert.
    await auditEvent(
      tagMutabilityChange('broken', 'IMMUTABLE', [], {
        eventId: 'tighten-1',
        time: new Date(clock + 60_000).toISOString(),
        account,
        region: REGION,
      }),
      h.runtime,
    );
    // Its own finding first, then what the failed scan left on the items it read.
    expect(alerts().map((f) => [f.kind, f.direction, f.detectedBy])).toEqual([
      ['CONFIG_DRIFT', 'TIGHTENED', 'event'],
      ['CONFIG_DRIFT', 'LOOSENED', 'scan'],
      ['TAG_OVERWRITE_VIOLATION', null, 'scan'],
    ]);
    for (const sk of ['CONFIG', 'TAG#v1']) {
      expect(pendingNames(await rawItem(h, `REPO#${account}#${REGION}#broken`, sk))).toEqual([]);
    }
    // The next scan sees what the event told, and sends nothing it sent already.
    h.reset();
    expect((await scan(client, account)).published).toBe(0);
  });
});
