/**
 * The compliance scan with a real ECRClient (adaptive retries, as the scheduled-scan handler
 * builds it) on the fake ECR, and the DynamoDB ledger on dynalite.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { tagState } from '../../lib/core/engine/tag-history.ts';
import { findingsOf } from '../../lib/core/model/delivery.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import { runScan, type ScanReport, TEMPLATES_FAILURE } from '../../lib/core/scan/scan.ts';
import { type Composition, compose } from '../../lib/runtime/compose.ts';
import {
  BUS,
  fastDynamo,
  type LedgerTable,
  POLICY_TEXT,
  policy,
  recordingTelemetry,
  startLedgerTable,
  TABLE,
  TOPIC,
} from '../aws/support.ts';
import { clientConfig, eventBridgeClient, snsClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { digest } from '../support/digest.ts';

const REGION = 'eu-west-1';
let table: LedgerTable;
let runtime: Composition;
const telemetry = recordingTelemetry();
const servers: StartedServer[] = [];

beforeAll(async () => {
  table = await startLedgerTable();
  runtime = compose(
    {
      tableName: TABLE,
      topicArn: TOPIC,
      eventBusArn: BUS,
      minSeverity: 'LOW',
      policyPath: undefined,
    },
    policy(POLICY_TEXT),
    {
      dynamo: fastDynamo(table),
      sns: snsClient('http://127.0.0.1:9'), // never called by runScan
      events: eventBridgeClient('http://127.0.0.1:9'), // nor this
      log: telemetry.log,
      metrics: telemetry.metrics,
    },
  );
});
afterAll(() => table.server.close());
afterEach(async () => {
  telemetry.clear();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let accounts = 0;
/** A fake registry of its own account (so that tests share no ledger state), started. */
async function registry(): Promise<{ ecr: FakeEcr; client: ECRClient; account: string }> {
  accounts++;
  const account = String(200000000000 + accounts);
  const ecr = new FakeEcr({ accountId: account, region: REGION });
  const server = await ecr.start();
  servers.push(server);
  const client = new ECRClient({
    ...clientConfig(server, { maxAttempts: 6 }),
    retryMode: 'adaptive',
  });
  return { ecr, client, account };
}

let clock = Date.UTC(2025, 6, 24, 6);
function scan(client: ECRClient, account?: string): Promise<ScanReport> {
  clock += 3_600_000;
  const now = new Date(clock);
  return runScan({
    registry: createEcrRegistry(client),
    policy: runtime.policy,
    auditor: runtime.auditor,
    ...(account === undefined ? {} : { account }),
    region: REGION,
    log: telemetry.log,
    metrics: telemetry.metrics,
    now: () => now,
  });
}

const ref = (account: string, repository: string): RepositoryRef => ({
  account,
  region: REGION,
  repository,
});

describe('runScan', () => {
  it('pages through repositories and images with maxResults 1000, seeding the ledger silently', async () => {
    const { ecr, client, account } = await registry();
    // 1003 pull-through caches (ignored by the policy) make DescribeRepositories page twice.
    for (let i = 0; i < 1003; i++) ecr.addRepository(`cache/mirror-${String(i).padStart(4, '0')}`);
    ecr.addRepository('payments', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*', 'sha256-*'],
    });
    for (let i = 0; i < 1005; i++) ecr.pushImage('payments', `v${i}`, digest(i));
    ecr.pushImage('payments', undefined, digest(99_999)); // untagged: not a tag
    ecr.addTemplate('payments', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*', 'sha256-*'],
    });

    const report = await scan(client);
    expect(report).toMatchObject({
      account, // from the registry id ECR reports
      region: REGION,
      repositories: 1004,
      ignored: 1003,
      templates: 1,
      tags: 1005,
      findings: [],
      failures: [],
    });
    const tags = await runtime.ledger.tags(ref(account, 'payments'));
    expect(tags.size).toBe(1005);
    expect(tagState(tags.get('v1004'))).toEqual({ digest: digest(1004), live: true });
    // Seeded by the scan (no event id), as one entry: nothing moved.
    expect(tags.get('v1004')?.entries).toMatchObject([
      { kind: 'push', digest: digest(1004), eventId: null, superseded: null },
    ]);

    const bodies = (operation: string) =>
      ecr.requests.filter((r) => r.operation === operation).map((r) => r.body);
    expect(bodies('DescribeRepositories')).toEqual([
      { maxResults: 1000 },
      { maxResults: 1000, nextToken: expect.any(String) },
    ]);
    expect(bodies('DescribeImages')).toEqual([]);
    expect(bodies('ListImages')).toEqual([
      { repositoryName: 'payments', maxResults: 1000, filter: { tagStatus: 'TAGGED' } },
      {
        repositoryName: 'payments',
        maxResults: 1000,
        filter: { tagStatus: 'TAGGED' },
        nextToken: expect.any(String),
      },
    ]);
    expect(bodies('DescribeRepositoryCreationTemplates')).toEqual([{ maxResults: 1000 }]);
    expect(telemetry.count('ScanRepositories')).toBe(1004);
    expect(telemetry.count('ScanTags')).toBe(1005);
  }, 90_000); // 1005 ledger writes, one at a time, as the scan makes them

  it('reports drift, overwrites and deletes that no event told, with detectedBy scan', async () => {
    const { ecr, client, account } = await registry();
    ecr.addRepository('loose', { imageTagMutability: 'MUTABLE' });
    ecr.addRepository('app', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*', 'sha256-*'],
    });
    ecr.pushImage('app', 'v1', digest(1));
    ecr.pushImage('app', 'v2', digest(2));
    ecr.pushImage('app', 'dev-x', digest(3));
    ecr.addTemplate('ROOT', { imageTagMutability: 'MUTABLE' });

    const first = await scan(client, account);
    expect(
      findingsOf(first.findings).map((f) => [f.kind, f.repository ?? f.templatePrefix]),
    ).toEqual([
      ['TEMPLATE_DRIFT', 'ROOT'],
      ['CONFIG_DRIFT', 'loose'],
    ]);
    expect(findingsOf(first.findings).every((f) => f.detectedBy === 'scan')).toBe(true);
    expect(findingsOf(first.findings)[1]).toMatchObject({
      severity: 'HIGH',
      direction: 'LOOSENED',
      actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
    });

    // Between scans, without any event reaching the auditor: v1 and dev-x move, v2 is deleted.
    ecr.pushImage('app', 'v1', digest(11));
    ecr.pushImage('app', 'dev-x', digest(13));
    ecr.deleteTag('app', 'v2');
    const second = await scan(client, account);
    const byKind = (kind: string) => findingsOf(second.findings).filter((f) => f.kind === kind);
    expect(byKind('TAG_OVERWRITE_VIOLATION')).toMatchObject([
      {
        repository: 'app',
        tag: 'v1',
        previousDigest: digest(1),
        digest: digest(11),
        detectedBy: 'scan',
        eventTime: second.startedAt,
      },
    ]);
    expect(byKind('TAG_OVERWRITE_ALLOWED')).toMatchObject([
      { tag: 'dev-x', previousDigest: digest(3), digest: digest(13), detectedBy: 'scan' },
    ]);
    // The drift still lasts: reported again with the same id, so the alert log keeps it to one.
    expect(byKind('CONFIG_DRIFT').map((f) => f.id)).toEqual(
      findingsOf(first.findings)
        .filter((f) => f.kind === 'CONFIG_DRIFT')
        .map((f) => f.id),
    );
    const tags = await runtime.ledger.tags(ref(account, 'app'));
    expect(tagState(tags.get('v2'))).toEqual({ digest: digest(2), live: false });
    expect(tagState(tags.get('v1'))).toEqual({ digest: digest(11), live: true });

    // A third scan with nothing changed in ECR finds no new overwrite: it only reports the moves
    // the second scan recorded again, with the same ids, so that an alert lost when that run
    // failed after its ledger writes is still delivered (the alert log keeps it to one).
    const third = await scan(client, account);
    const moves = (report: ScanReport) =>
      findingsOf(report.findings)
        .filter((f) => f.kind.startsWith('TAG_'))
        .map((f) => f.id)
        .sort();
    expect(moves(third)).toEqual(moves(second));
    // Each of them may have been alerted by the run that recorded the move: redelivered.
    const rechecked = third.findings.filter((f) => f.finding.kind.startsWith('TAG_'));
    expect(rechecked.map((f) => f.delivery)).toEqual(rechecked.map(() => 'redelivered'));
  });

  it('finishes the other repositories when one keeps failing, and reports the failure', async () => {
    const { ecr, client, account } = await registry();
    for (const name of ['alpha', 'broken', 'gamma']) {
      ecr.addRepository(name, {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        filters: ['dev-*', 'sha256-*'],
      });
      ecr.pushImage(name, 'v1', digest(name.length));
    }
    ecr.injectWith('ListImages', ({ body }) =>
      (body as { repositoryName?: string }).repositoryName === 'broken'
        ? fault.error('AccessDeniedException', 400, 'not authorized to perform ecr:ListImages')
        : undefined,
    );
    const report = await scan(client, account);
    expect(report.failures).toEqual([
      {
        repository: 'broken',
        error: expect.stringContaining('not authorized to perform ecr:ListImages'),
      },
    ]);
    expect(report.tags).toBe(2);
    for (const name of ['alpha', 'gamma']) {
      expect(tagState((await runtime.ledger.tags(ref(account, name))).get('v1'))).toEqual({
        digest: digest(name.length),
        live: true,
      });
    }
    expect((await runtime.ledger.tags(ref(account, 'broken'))).size).toBe(0);
    expect(telemetry.count('ScanRepositoryFailures')).toBe(1);
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ repository: 'broken' }),
      }),
    );
  });

  it('scans the repositories when the creation templates cannot be read', async () => {
    const { ecr, client, account } = await registry();
    ecr.addRepository('loose', { imageTagMutability: 'MUTABLE' });
    ecr.addTemplate('ROOT', { imageTagMutability: 'MUTABLE' });
    ecr.injectWith('DescribeRepositoryCreationTemplates', () =>
      fault.error('AccessDeniedException', 400, 'not authorized to describe templates'),
    );
    const report = await scan(client, account);
    expect(report.failures).toEqual([
      {
        repository: TEMPLATES_FAILURE,
        error: expect.stringContaining('not authorized to describe templates'),
      },
    ]);
    expect(findingsOf(report.findings).map((f) => [f.kind, f.repository])).toEqual([
      ['CONFIG_DRIFT', 'loose'],
    ]);
    expect(report.account).toBe(account);
  });

  it('rides out a burst of ThrottlingException with the SDK retries', async () => {
    const { ecr, client, account } = await registry();
    for (const name of ['one', 'two']) {
      ecr.addRepository(name, {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        filters: ['dev-*', 'sha256-*'],
      });
      ecr.pushImage(name, 'v1', digest(7));
    }
    // Both repositories' ListImages, sent at once, are throttled. (Few throttles: after one,
    // the adaptive client paces itself to the low rate it measured here, about 1 request in 2 s.)
    ecr.inject('ListImages', fault.throttle(), fault.throttle());
    const report = await scan(client, account);
    expect(report.failures).toEqual([]);
    expect(report.tags).toBe(2);
    const faults = ecr.requests.map((r) => `${r.operation}:${r.fault ?? 'ok'}`);
    expect(faults.filter((f) => f === 'ListImages:throttle')).toHaveLength(2);
    expect(faults.filter((f) => f === 'ListImages:ok')).toHaveLength(2);
    for (const name of ['one', 'two']) {
      expect(tagState((await runtime.ledger.tags(ref(account, name))).get('v1'))).toEqual({
        digest: digest(7),
        live: true,
      });
    }
  });
});
