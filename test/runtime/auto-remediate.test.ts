/**
 * Automatic remediation in process (lib/runtime/auto-remediate.ts, lib/aws/remediation-limit.ts):
 * `compose` with a remediator on the fake ECR and the ledger on dynalite, then `auditEvent` with
 * CloudTrail events, the clock injected. What the built bundle does end to end is in
 * auto-remediate.bundle.test.ts; here the steps the child processes hide from coverage: a
 * repository gone, one restored by someone else, a retry after a failed delivery, the limit's
 * concurrent writers, an unreadable limit item, ECR failing.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEcrRemediator } from '../../lib/aws/ecr-remediator.ts';
import { createRemediationLimit, RemediationLimitError } from '../../lib/aws/remediation-limit.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { type Composition, compose } from '../../lib/runtime/compose.ts';
import { readSettings } from '../../lib/runtime/settings.ts';
import {
  BUS,
  BUS_NAME,
  fastDynamo,
  type LedgerTable,
  policy,
  recordingTelemetry,
  startLedgerTable,
  TABLE,
  TOPIC,
} from '../aws/support.ts';
import { ecrClient, eventBridgeClient, snsClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { tagMutabilityChange } from '../reliability/support.ts';
import { SAMPLE } from './support.ts';

const POLICY = policy(`version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
    remediate: true
`);
const OWN = { account: SAMPLE.account, region: SAMPLE.region };
const REF = { ...OWN, repository: 'prod/limit' };

const sns = new FakeSns({ topics: [TOPIC] });
const events = new FakeEventBridge({ buses: [BUS_NAME] });
const ecr = new FakeEcr({ accountId: SAMPLE.account, region: SAMPLE.region });
let servers: StartedServer[];
let table: LedgerTable;
const telemetry = recordingTelemetry();

function container(remediate = true): Composition {
  const settings = readSettings({
    LEDGER_TABLE_NAME: TABLE,
    ALERTS_TOPIC_ARN: TOPIC,
    FINDINGS_BUS_ARN: BUS,
  });
  const [snsServer, eventsServer, ecrServer] = servers as [
    StartedServer,
    StartedServer,
    StartedServer,
  ];
  return compose(settings, POLICY, {
    dynamo: fastDynamo(table),
    sns: snsClient(snsServer, { maxAttempts: 1, retryDelayMs: 1 }),
    events: eventBridgeClient(eventsServer, { maxAttempts: 1, retryDelayMs: 1 }),
    log: telemetry.log,
    metrics: telemetry.metrics,
    ...(remediate
      ? {
          remediator: () =>
            createEcrRemediator(ecrClient(ecrServer, { maxAttempts: 1, retryDelayMs: 1 })),
        }
      : {}),
  });
}

beforeAll(async () => {
  const [t, ...rest] = await Promise.all([
    startLedgerTable(),
    sns.start(),
    events.start(),
    ecr.start(),
  ]);
  table = t;
  servers = rest;
});
afterAll(() => Promise.all([table.server.close(), ...servers.map((s) => s.close())]));
beforeEach(() => {
  sns.reset();
  events.reset();
  ecr.reset();
  table.fake.reset();
  telemetry.clear();
  for (const name of [...ecr.repositories.keys()]) ecr.deleteRepository(name);
});

/** The CloudTrail event of someone setting `repository` to MUTABLE (the ledger outlives tests). */
const loosening = (repository: string, n: number) =>
  tagMutabilityChange(repository, 'MUTABLE', [], {
    eventId: `${repository}-l${n}`,
    time: `2026-04-01T10:0${n}:00.000Z`,
  });
const writes = () => ecr.requests.filter((r) => r.operation === 'PutImageTagMutability').length;
const kinds = () => events.put.map((p) => (p.event.detail as { kind: string }).kind);

describe('auditEvent with automatic remediation', () => {
  it('is off without a remediator (image-action) and off for another account', async () => {
    // Prepare
    ecr.addRepository('prod/off', { imageTagMutability: 'MUTABLE' });
    // Act
    await auditEvent(loosening('prod/off', 1), container(false), OWN);
    await auditEvent(loosening('prod/off', 2), container(), { ...OWN, account: '210987654321' });
    // Assess
    expect(ecr.requests).toEqual([]);
    expect(kinds()).toEqual(['CONFIG_DRIFT']);
  });

  it('does nothing for a repository deleted since, or restored by someone else', async () => {
    // Prepare: gone.
    const runtime = container();
    // Act
    await auditEvent(loosening('prod/gone', 1), runtime, OWN);
    ecr.addRepository('prod/gone', { imageTagMutability: 'IMMUTABLE' });
    await auditEvent(loosening('prod/gone', 2), runtime, OWN);
    // Assess
    expect(writes()).toBe(0);
    expect(kinds()).toEqual(['CONFIG_DRIFT']);
    expect(telemetry.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'Not remediated: the repository is gone',
        'Not remediated: the repository no longer exposes tags',
      ]),
    );
  });

  it('on a retry after a failed delivery restores nothing again and delivers the same CONFIG_REMEDIATED', async () => {
    // Prepare
    ecr.addRepository('prod/retry', { imageTagMutability: 'MUTABLE' });
    const runtime = container();
    sns.inject('Publish', fault.internal()); // the client's one attempt
    // Act
    const first = auditEvent(loosening('prod/retry', 1), runtime, OWN);
    await expect(first).rejects.toThrow();
    const retry = await auditEvent(loosening('prod/retry', 1), runtime, OWN);
    // Assess
    expect(writes()).toBe(1);
    expect(retry).toMatchObject({ status: 'audited' });
    const remediated =
      retry.status === 'audited'
        ? retry.findings.filter((f) => f.kind === 'CONFIG_REMEDIATED')
        : [];
    expect(remediated).toHaveLength(1);
    expect(telemetry.count('Remediations')).toBe(1);
  });

  it('fails after delivering when ECR cannot be read', async () => {
    // Prepare
    ecr.addRepository('prod/down', { imageTagMutability: 'MUTABLE' });
    ecr.inject('DescribeRepositories', fault.internal());
    // Act
    const run = auditEvent(loosening('prod/down', 1), container(), OWN);
    // Assess
    await expect(run).rejects.toThrow(/automatic remediation failed: prod\/down/);
    expect(kinds()).toEqual(['CONFIG_DRIFT']);
    expect(telemetry.count('RemediationFailures')).toBe(1);
  });
});

describe('the remediation limit in DynamoDB', () => {
  it('counts concurrent admissions once each, up to the limit, across clients', async () => {
    // Prepare: two containers' stores.
    const rate = { limit: 3, windowMs: 3_600_000 };
    const a = createRemediationLimit({ dynamo: fastDynamo(table), tableName: TABLE, rate });
    const b = createRemediationLimit({ dynamo: fastDynamo(table), tableName: TABLE, rate });
    // Act
    const answers = await Promise.all(
      ['e1', 'e2', 'e3', 'e4', 'e5'].map((id, i) =>
        (i % 2 === 0 ? a : b).admit(REF, id, 1_000 + i),
      ),
    );
    // Assess
    expect(answers.filter((s) => s === 'admitted')).toHaveLength(3);
    expect(answers.filter((s) => s === 'limited')).toHaveLength(2);
    expect(await a.counted(REF, 'e1')).toBe(answers[0] === 'admitted');
    expect(await a.admit(REF, 'e1', 2_000)).toBe(answers[0] === 'admitted' ? 'again' : 'limited');
  });

  it('reads an unreadable item as no restores, and names the repository when DynamoDB fails', async () => {
    // Prepare
    const dynamo = fastDynamo(table);
    const limit = createRemediationLimit({
      dynamo,
      tableName: TABLE,
      rate: { limit: 1, windowMs: 60_000 },
    });
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: `REMEDIATE#${REF.account}#${REF.region}#${REF.repository}` },
          sk: { S: 'LIMIT' },
          restores: { S: '{not json' },
          v: { N: '1' },
        },
      }),
    );
    // Act / Assess
    expect(await limit.counted(REF, 'x')).toBe(false);
    expect(await limit.admit(REF, 'x', 1_000)).toBe('admitted');
    table.fake.inject('GetItem', fault.internal(), fault.internal(), fault.internal());
    await expect(limit.admit(REF, 'y', 2_000)).rejects.toThrow(
      /cannot count the restore of prod\/limit/,
    );
    table.fake.reset();
    table.fake.inject('GetItem', fault.internal(), fault.internal(), fault.internal());
    await expect(limit.counted(REF, 'y')).rejects.toBeInstanceOf(RemediationLimitError);
    table.fake.reset();
    table.fake.inject('GetItem', fault.internal(), fault.internal(), fault.internal());
    await expect(limit.counted(REF, 'y')).rejects.toThrow(
      /cannot read the restores of prod\/limit/,
    );
  });
});
