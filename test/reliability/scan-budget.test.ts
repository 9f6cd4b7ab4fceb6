/**
 * The scheduled scan within its time budget (reliability issue, item 19): a scan that hit the
 * function's 15-minute limit published nothing, on every run. Now a run starts no repository after
 * its deadline, delivers what it found, says in its summary and metrics how far it got, stores a
 * cursor in the ledger table, and the next run continues after it.
 *
 * With `scheduledScan` (lib/runtime/lambda.ts) on dynalite, the fake SNS and a real ECRClient on
 * the fake ECR, whose ListImages advances an injected clock; and with the real handler
 * (`createScanHandler`, middy and Powertools, clients from the environment) given a Lambda context
 * whose remaining time is below the publishing margin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { ScanCursorError } from '../../lib/aws/scan-cursor.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import {
  createScanHandler,
  SCAN_PUBLISH_MARGIN_MS,
  scheduledScan,
} from '../../lib/runtime/lambda.ts';
import { BUS, policy, TABLE, TOPIC } from '../aws/support.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import { type Harness, lambdaContext, pendingNames, rawItem, startHarness } from './support.ts';

const REGION = 'us-west-2';
const EXPECTED = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const, filters: ['dev-*'] };
/** What listing one repository's images costs on the injected clock. */
const LISTING_MS = 60_000;

let h: Harness;
const servers: StartedServer[] = [];
beforeAll(async () => {
  h = await startHarness(policy(DEV_MUTABLE_POLICY));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h.close();
});
beforeEach(() => h.reset());

let accounts = 0;
let clock = Date.UTC(2025, 6, 24, 6);

/**
 * A registry of its own account with eight repositories `svc-0` … `svc-7`, as the policy wants,
 * each with tag v1 at digest 1; every ListImages advances the clock by {@link LISTING_MS}.
 */
async function registry() {
  const account = String(400000000000 + ++accounts);
  const ecr = new FakeEcr({ accountId: account, region: REGION });
  servers.push(await ecr.start());
  const client: ECRClient = ecrClient(servers.at(-1) as StartedServer, { retryDelayMs: 1 });
  for (let i = 7; i >= 0; i--) {
    ecr.addRepository(`svc-${i}`, EXPECTED);
    ecr.pushImage(`svc-${i}`, 'v1', digest(1));
  }
  ecr.injectWith('ListImages', () => {
    clock += LISTING_MS;
    return undefined;
  });
  return { ecr, client, account };
}

/** One run, one repository at a time, with `budget` ms on the clock (none: no deadline). */
function scan(client: ECRClient, account: string, budget?: number) {
  clock += 6 * 3_600_000;
  const start = clock;
  return scheduledScan(h.runtime, {
    registry: createEcrRegistry(client),
    account,
    region: REGION,
    concurrency: 1,
    now: () => new Date(clock),
    ...(budget === undefined ? {} : { deadline: new Date(start + budget) }),
  });
}

/** The repositories whose images a run listed, in order; forgets them. */
function listed(ecr: FakeEcr): string[] {
  const names = ecr.requests
    .filter((r) => r.operation === 'ListImages')
    .map((r) => (r.body as { repositoryName: string }).repositoryName);
  ecr.requests.length = 0;
  return names;
}

interface Summary {
  content: { title: string; description: string };
  metadata: { additionalContext: Record<string, string> };
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

/** The cursor item of a registry, as stored. */
function cursorItem(account: string, region = REGION) {
  return rawItem(h, `SCAN#${account}#${region}`, 'CURSOR');
}

describe('a scheduled scan that runs out of time', () => {
  it('run 1 alerts what it found before the deadline and says how far it got; run 2 continues and finds what only it reaches', async () => {
    // Prepare: a full run seeds the ledger. Then, unseen by any event, svc-1 is loosened and
    // svc-6's v1 overwritten.
    const { ecr, client, account } = await registry();
    expect(await scan(client, account)).toMatchObject({ covered: 8, resumeAfter: null });
    listed(ecr);
    h.reset();
    ecr.repository('svc-1').imageTagMutability = 'MUTABLE';
    ecr.pushImage('svc-6', 'v1', digest(2));

    // Act: run 1 has time to start three repositories, run 2 seven.
    const first = await scan(client, account, 2.5 * LISTING_MS);
    const firstListed = listed(ecr);
    const firstAlerts = alerts();
    const firstSummaries = summaries();
    const firstMetrics = {
      incomplete: h.telemetry.count('ScanIncomplete'),
      remaining: h.telemetry.count('ScanRepositoriesRemaining'),
    };
    const cursor = await cursorItem(account);
    h.reset();
    const second = await scan(client, account, 6.5 * LISTING_MS);
    const secondListed = listed(ecr);

    // Assess: run 1 reached svc-0 … svc-2, alerted the drift and sent its summary saying so.
    expect(firstListed).toEqual(['svc-0', 'svc-1', 'svc-2']);
    expect(first).toMatchObject({
      repositories: 8,
      covered: 3,
      resumeAfter: 'svc-2',
      published: 1,
    });
    expect(firstAlerts).toMatchObject([
      { kind: 'CONFIG_DRIFT', repository: 'svc-1', direction: 'LOOSENED' },
    ]);
    expect(firstSummaries).toHaveLength(1);
    expect(firstSummaries[0]?.content.description.split('\n')[0]).toMatch(
      /^Scanned 3 of 8 repositories \(0 ignored\), .*; the rest next run \(continuing after `svc-2`\)\.$/,
    );
    expect(firstMetrics).toEqual({ incomplete: 1, remaining: 5 });
    expect(cursor).toMatchObject({ after: { S: 'svc-2' } });
    // Run 2 went on after svc-2, wrapped around after svc-7, and alerted the overwrite.
    expect(secondListed).toEqual(['svc-3', 'svc-4', 'svc-5', 'svc-6', 'svc-7', 'svc-0', 'svc-1']);
    expect(second).toMatchObject({ covered: 7, resumeAfter: 'svc-1' });
    expect(alerts()).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        repository: 'svc-6',
        tag: 'v1',
        previousDigest: digest(1),
        digest: digest(2),
        detectedBy: 'scan',
      },
    ]);
    expect(new Set([...firstListed, ...secondListed])).toEqual(
      new Set(Array.from({ length: 8 }, (_, i) => `svc-${i}`)),
    );
    expect(await cursorItem(account)).toMatchObject({ after: { S: 'svc-1' } });
  });

  it('a run that reaches every repository clears the cursor; the next starts with the first', async () => {
    // Prepare: a run cut short left a cursor.
    const { ecr, client, account } = await registry();
    await scan(client, account, 0.5 * LISTING_MS);
    expect(await cursorItem(account)).toMatchObject({ after: { S: 'svc-0' } });
    listed(ecr);

    // Act
    const full = await scan(client, account);
    const fullListed = listed(ecr);
    const next = await scan(client, account);

    // Assess
    expect(fullListed).toEqual([
      'svc-1',
      'svc-2',
      'svc-3',
      'svc-4',
      'svc-5',
      'svc-6',
      'svc-7',
      'svc-0',
    ]);
    expect(full).toMatchObject({ covered: 8, resumeAfter: null });
    expect(listed(ecr)[0]).toBe('svc-0');
    expect(next.covered).toBe(8);
    expect(await cursorItem(account)).toMatchObject({ after: { NULL: true } });
    expect(summaries().at(-1)?.content.description).not.toContain('next run');
  });

  it('its alerts failing: the cursor stays, and the retry covers the same repositories and delivers them', async () => {
    // Prepare: svc-1 loosened; SNS failing for the first run.
    const { ecr, client, account } = await registry();
    ecr.repository('svc-1').imageTagMutability = 'MUTABLE';
    h.sns.injectWith('Publish', () => fault.internal());

    // Act
    await expect(scan(client, account, 2.5 * LISTING_MS)).rejects.toBeInstanceOf(
      AlertDeliveryError,
    );
    const failedListed = listed(ecr);
    const cursorAfterFailure = await cursorItem(account);
    h.sns.clearFaults();
    const retry = await scan(client, account, 2.5 * LISTING_MS);

    // Assess
    expect(cursorAfterFailure).toBeUndefined();
    expect(listed(ecr)).toEqual(failedListed);
    expect(retry).toMatchObject({ covered: 3, resumeAfter: 'svc-2', published: 1 });
    expect(alerts()).toMatchObject([{ kind: 'CONFIG_DRIFT', repository: 'svc-1' }]);
    expect(pendingNames(await rawItem(h, `REPO#${account}#${REGION}#svc-1`, 'CONFIG'))).toEqual([]);
    expect(await cursorItem(account)).toMatchObject({ after: { S: 'svc-2' } });
  });
});

describe('the cursor unreadable or unwritable (DynamoDB throttling beyond the SDK retries)', () => {
  /** Throttles every DynamoDB `operation` on the cursor item of `account`. */
  const throttleCursor = (operation: string, account: string) =>
    h.dynamo.injectWith(operation, ({ body }) =>
      JSON.stringify(body).includes(`SCAN#${account}#`) ? fault.throttle() : undefined,
    );

  it('unreadable: the run fails before scanning (Lambda retries it), naming the cause', async () => {
    // Prepare
    const { ecr, client, account } = await registry();
    throttleCursor('GetItem', account);

    // Act
    const error = await scan(client, account).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ScanCursorError);
    expect((error as Error).message).toMatch(/^cannot read the scan cursor: /);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(ecr.count('DescribeRepositories')).toBe(0);
    expect(h.sns.published).toEqual([]);
  });

  it('unwritable: the run fails after its alerts; the retry covers the same repositories and sends nothing twice', async () => {
    // Prepare: svc-1 loosened.
    const { ecr, client, account } = await registry();
    ecr.repository('svc-1').imageTagMutability = 'MUTABLE';
    throttleCursor('PutItem', account);

    // Act
    const error = await scan(client, account, 2.5 * LISTING_MS).catch((e: unknown) => e);
    const failedListed = listed(ecr);
    const alertsOfFailedRun = alerts();
    h.dynamo.clearFaults();
    const retry = await scan(client, account, 2.5 * LISTING_MS);

    // Assess
    expect(error).toBeInstanceOf(ScanCursorError);
    expect((error as Error).message).toMatch(/^cannot write the scan cursor: /);
    expect(alertsOfFailedRun).toMatchObject([{ kind: 'CONFIG_DRIFT', repository: 'svc-1' }]);
    expect(listed(ecr)).toEqual(failedListed);
    expect(retry).toMatchObject({ covered: 3, resumeAfter: 'svc-2', published: 0 });
    expect(alerts()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    expect(await cursorItem(account)).toMatchObject({ after: { S: 'svc-2' } });
  });
});

describe('the scan handler with little time left', () => {
  const saved = { ...process.env };
  const ecr = new FakeEcr({ accountId: SAMPLE.account, region: SAMPLE.region });
  let work: string;
  let handler: ReturnType<typeof createScanHandler>;

  beforeAll(async () => {
    const server = await ecr.start();
    servers.push(server);
    work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-scan-budget-'));
    writeFileSync(join(work, 'policy.yml'), DEV_MUTABLE_POLICY);
    // What the function gets on AWS, with the SDK's endpoint variables pointing at the fakes.
    Object.assign(process.env, {
      LEDGER_TABLE_NAME: TABLE,
      ALERTS_TOPIC_ARN: TOPIC,
      FINDINGS_BUS_ARN: BUS,
      POLICY_PATH: join(work, 'policy.yml'),
      AWS_REGION: SAMPLE.region,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: h.endpoints.dynamo,
      AWS_ENDPOINT_URL_SNS: h.endpoints.sns,
      AWS_ENDPOINT_URL_EVENTBRIDGE: h.endpoints.events,
      AWS_ENDPOINT_URL_ECR: server.endpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    handler = createScanHandler('scheduled-scan');
    for (const name of ['gamma', 'alpha', 'beta']) {
      ecr.addRepository(name, EXPECTED);
      ecr.pushImage(name, 'v1', digest(1));
    }
    ecr.repository('beta').imageTagMutability = 'MUTABLE';
  });
  afterAll(() => {
    process.env = saved;
    rmSync(work, { recursive: true, force: true });
  });

  /** A context whose remaining time is `remainingMs`. */
  const context = (remainingMs: number) =>
    ({ ...lambdaContext('scheduled-scan'), getRemainingTimeInMillis: () => remainingMs }) as never;

  it('scans one repository per invocation, publishes each run, and goes round the registry', async () => {
    // Prepare: less time left than the margin kept for publishing: the deadline has passed.
    const little = context(SCAN_PUBLISH_MARGIN_MS - 1_000);

    // Act: three invocations, then one with the whole 15 minutes.
    const runs = [];
    const listedPerRun: string[][] = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await handler({}, little));
      listedPerRun.push(listed(ecr));
    }
    const whole = await handler({}, context(900_000));

    // Assess: one repository each, in name order, each run's summary sent; the drift of beta
    // alerted by the run that reached it; then a run with time reaches all three.
    expect(listedPerRun).toEqual([['alpha'], ['beta'], ['gamma']]);
    expect(runs).toMatchObject([
      { repositories: 3, covered: 1, resumeAfter: 'alpha', published: 0 },
      { repositories: 3, covered: 1, resumeAfter: 'beta', published: 1 },
      { repositories: 3, covered: 1, resumeAfter: 'gamma', published: 0 },
    ]);
    expect(alerts()).toMatchObject([{ kind: 'CONFIG_DRIFT', repository: 'beta' }]);
    expect(summaries().map((s) => s.content.description.split('\n')[0])).toEqual([
      expect.stringMatching(/^Scanned 1 of 3 repositories .*continuing after `alpha`\)\.$/),
      expect.stringMatching(/^Scanned 1 of 3 repositories .*continuing after `beta`\)\.$/),
      expect.stringMatching(/^Scanned 1 of 3 repositories .*continuing after `gamma`\)\.$/),
      expect.stringMatching(/^Scanned 3 repositories \(0 ignored\), .*Z\.$/),
    ]);
    expect(whole).toMatchObject({ covered: 3, resumeAfter: null });
    expect(listed(ecr)).toEqual(['alpha', 'beta', 'gamma']);
    expect(await cursorItem(SAMPLE.account, SAMPLE.region)).toMatchObject({
      after: { NULL: true },
    });
  });
});
