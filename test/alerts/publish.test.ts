/**
 * publishAlerts with the real SNS, EventBridge and DynamoDB clients against the fake SNS, the
 * fake EventBridge and dynalite: one event on the bus per finding and one Publish per finding at
 * or above the threshold, each finding id delivered once (the alert log `ALERT#<id>`), and a
 * failed delivery that leaves no log entry so that a retry delivers.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import { ALERT_LOG_TTL_SECONDS } from '../../lib/aws/alert-log.ts';
import { type AlertDeps, publishAlerts } from '../../lib/aws/alerts.ts';
import { createDynamoLedger } from '../../lib/aws/dynamodb-ledger.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import type { PushEvent } from '../../lib/core/intake/types.ts';
import type { Delivery, Found } from '../../lib/core/model/delivery.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { renderAlert } from '../../lib/render/chat.ts';
import {
  at,
  BUS,
  BUS_NAME,
  fastDynamo,
  type LedgerTable,
  POLICY_TEXT,
  policy,
  startLedgerTable,
  TABLE,
  TOPIC,
} from '../aws/support.ts';
import { eventBridgeClient, snsClient } from '../fakes/clients.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { digest } from '../support/digest.ts';
import { findingOfMessage } from '../support/published.ts';
import { sampleFinding } from './findings.ts';

const sns = new FakeSns({ topics: [TOPIC] });
const events = new FakeEventBridge({ buses: [BUS_NAME] });
let snsServer: StartedServer;
let eventsServer: StartedServer;
let table: LedgerTable;
let deps: AlertDeps;
const NOW = Date.UTC(2025, 6, 24, 12);

beforeAll(async () => {
  [snsServer, eventsServer, table] = await Promise.all([
    sns.start(),
    events.start(),
    startLedgerTable(),
  ]);
  deps = {
    sns: snsClient(snsServer, { maxAttempts: 3, retryDelayMs: 1 }),
    topicArn: TOPIC,
    events: eventBridgeClient(eventsServer, { maxAttempts: 3, retryDelayMs: 1 }),
    eventBusArn: BUS,
    entryRetryDelaysMs: [0, 0, 0, 0],
    dynamo: fastDynamo(table),
    tableName: TABLE,
    minSeverity: 'LOW',
    now: () => NOW,
  };
});
afterAll(() => Promise.all([snsServer.close(), eventsServer.close(), table.server.close()]));
beforeEach(() => {
  sns.reset();
  events.reset();
  table.fake.reset();
});

async function alertLogItem(id: string) {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { pk: { S: `ALERT#${id}` }, sk: { S: 'ALERT' } },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

let pushes = 0;
/** A push event of `tag` with digest `d` at `seconds`; the id is derived unless given. */
function push(repository: string, tag: string, d: number, seconds: number, id?: string): PushEvent {
  pushes++;
  return {
    type: 'push',
    account: '123456789012',
    region: 'eu-west-1',
    time: at(seconds),
    eventId: id ?? `push-${pushes}`,
    actor: null,
    origin: 'image-action',
    repository,
    tag,
    digest: digest(d),
  };
}

/** An auditor over the DynamoDB ledger, and the overwrite finding of a fresh repository. */
async function overwrite(repository: string) {
  const ledger = createDynamoLedger({ client: deps.dynamo, tableName: TABLE });
  const auditor = createAuditor(policy(POLICY_TEXT), ledger);
  expect(await auditor.apply(push(repository, 'v1', 1, 1))).toEqual([]);
  const event = push(repository, 'v1', 2, 2);
  const findings = await auditor.apply(event);
  expect(findings.map((f) => [f.finding.kind, f.delivery])).toEqual([
    ['TAG_OVERWRITE_VIOLATION', 'fresh'],
  ]);
  table.fake.reset();
  return { auditor, event, findings };
}

/** `finding` with the delivery decision the auditor gives it. */
const as = (delivery: Delivery, finding: Finding): Found => ({ finding, delivery });

describe('publishAlerts', () => {
  it('delivers the severity, kind and findingId attributes to subscribers (String structure)', async () => {
    // Prepare: SNS sends message attributes only when the message structure is String, not JSON
    // (the fake drops them for JSON, as SNS does), and filter policies match on what is sent.
    const finding = sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'attr-high' });
    // Act
    await publishAlerts([as('fresh', finding)], deps);
    // Assess
    const [delivered] = sns.published;
    expect(delivered?.messageStructure).toBeUndefined();
    expect(delivered?.messageAttributes).toMatchObject({
      severity: { dataType: 'String', stringValue: 'HIGH' },
      kind: { dataType: 'String', stringValue: 'TAG_OVERWRITE_VIOLATION' },
      findingId: { dataType: 'String', stringValue: 'attr-high' },
    });
    // ... and every subscriber gets the finding in the one body.
    expect(findingOfMessage(delivered?.message ?? '{}')).toEqual(finding);
  });

  it('puts every finding on the bus, publishes those at or above the threshold, and logs each', async () => {
    // Prepare
    const findings: Found[] = [
      as('fresh', sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'p-high' })),
      as('recurring', sampleFinding('OVERWRITE_BLOCKED', { id: 'p-low', severity: 'LOW' })),
      as('fresh', sampleFinding('TAG_OVERWRITE_ALLOWED', { id: 'p-info' })),
      as('fresh', sampleFinding('CONFIG_DRIFT_RESOLVED', { id: 'p-info-2' })),
    ];
    // Act
    const result = await publishAlerts(findings, deps);
    // Assess
    expect(result).toMatchObject({ published: 2, put: 4, belowThreshold: 2, duplicates: 0 });
    // A first-time event finding costs no read, only the log write after its delivery; a refused
    // overwrite (no ledger move tells whether it was alerted) is claimed in the log first.
    expect(table.fake.requests.map((r) => r.operation)).toEqual(Array(5).fill('PutItem'));
    expect(events.count('PutEvents')).toBe(4);
    expect(events.put.map((p) => p.bus)).toEqual(Array(4).fill(BUS_NAME));
    expect(events.put.map((p) => [p.event.source, p.event['detail-type']])).toEqual(
      Array(4).fill(['ecr-tag-auditor', 'ECR Tag Audit Finding']),
    );
    // The detail is the finding JSON, every field as README documents it.
    expect(events.put.map((p) => p.event.detail)).toEqual(findings.map((f) => f.finding));
    expect(sns.published.map((m) => m.messageAttributes.findingId?.stringValue)).toEqual([
      'p-high',
      'p-low',
    ]);
    const [first] = sns.published;
    const expected = renderAlert((findings[0] as Found).finding);
    expect(first).toMatchObject({
      topicArn: TOPIC,
      subject: expected.subject,
      message: expected.message,
      messageStructure: undefined,
    });
    expect(await alertLogItem('p-high')).toEqual({
      pk: { S: 'ALERT#p-high' },
      sk: { S: 'ALERT' },
      kind: { S: 'TAG_OVERWRITE_VIOLATION' },
      sentAt: { S: new Date(NOW).toISOString() },
      expiresAt: { N: String(NOW / 1000 + ALERT_LOG_TTL_SECONDS) },
    });
    // Below the threshold and logged too: a redelivery does not put it again.
    expect((await alertLogItem('p-info'))?.sentAt).toBeDefined();
    expect(
      (await publishAlerts([as('recurring', (findings[2] as Found).finding)], deps)).duplicates,
    ).toBe(1);
    expect(events.put).toHaveLength(4);
  });

  it('publishes a finding of a redelivered event once', async () => {
    const { auditor, event, findings } = await overwrite('redelivered/app');
    expect((await publishAlerts(findings, deps)).published).toBe(1);
    // The same event again (EventBridge delivers at least once): the same finding, same id.
    const again = await auditor.apply(event);
    expect(again.map((f) => f.finding.id)).toEqual(findings.map((f) => f.finding.id));
    expect(again.map((f) => f.delivery)).toEqual(['redelivered']);
    expect(await publishAlerts(again, deps)).toMatchObject({
      published: 0,
      belowThreshold: 0,
      duplicates: 1,
    });
    expect(sns.published).toHaveLength(1);
  });

  it('leaves a redelivered finding to the alert log after a JSON round trip', async () => {
    // Prepare: the overwrite is alerted; its event comes again, and its finding is serialized.
    const { auditor, event, findings } = await overwrite('round-trip/app');
    expect((await publishAlerts(findings, deps)).published).toBe(1);
    const again = JSON.parse(JSON.stringify(await auditor.apply(event))) as Found[];
    // Act
    const result = await publishAlerts(again, deps);
    // Assess: still redelivered, so claimed, found sent, and not published again.
    expect(again.map((f) => f.delivery)).toEqual(['redelivered']);
    expect(result).toMatchObject({ published: 0, duplicates: 1 });
    expect(sns.published).toHaveLength(1);
  });

  it('decides from the delivery decision it is given, whatever the finding object', async () => {
    // Prepare
    const finding = sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'decided-by-data' });
    const conditions = () =>
      table.fake.requests.map(
        (r) => (r.body as { ConditionExpression?: string }).ConditionExpression,
      );
    // Act: fresh, then the very same object as recurring.
    const fresh = await publishAlerts([as('fresh', finding)], deps);
    const freshConditions = conditions();
    table.fake.reset();
    const recurring = await publishAlerts([as('recurring', finding)], deps);
    // Assess: fresh is published without a claim (only the log, unconditional); recurring is
    // claimed first, and the claim finds it sent.
    expect(fresh).toMatchObject({ published: 1, duplicates: 0 });
    expect(freshConditions).toEqual([undefined]);
    expect(recurring).toMatchObject({ published: 0, duplicates: 1 });
    expect(conditions()).toEqual([expect.stringContaining('attribute_not_exists(pk)')]);
    expect(sns.published).toHaveLength(1);
  });

  it('publishes a finding a scan reports on every run once', async () => {
    const drift = sampleFinding('CONFIG_DRIFT', { id: 'drift-episode-1', detectedBy: 'scan' });
    await publishAlerts([as('recurring', drift)], deps);
    await publishAlerts([as('recurring', { ...drift })], deps);
    expect(sns.published).toHaveLength(1);
    expect(sns.count('Publish')).toBe(1);
  });

  it('alerts a lasting finding again once its log entry has expired, deleted or not', async () => {
    const drift = as(
      'recurring',
      sampleFinding('CONFIG_DRIFT', { id: 'drift-episode-2', detectedBy: 'scan' }),
    );
    await publishAlerts([drift], deps);
    const justBefore = { ...deps, now: () => NOW + ALERT_LOG_TTL_SECONDS * 1000 - 1000 };
    expect((await publishAlerts([drift], justBefore)).duplicates).toBe(1);
    // DynamoDB's TTL deletes an expired item some time later; the entry still reads until then.
    const after = { ...deps, now: () => NOW + ALERT_LOG_TTL_SECONDS * 1000 + 1000 };
    expect(await alertLogItem('drift-episode-2')).toBeDefined();
    expect((await publishAlerts([drift], after)).published).toBe(1);
    expect(sns.published).toHaveLength(2);
    expect((await alertLogItem('drift-episode-2'))?.expiresAt).toEqual({
      N: String((NOW + ALERT_LOG_TTL_SECONDS * 1000 + 1000) / 1000 + ALERT_LOG_TTL_SECONDS),
    });
  });

  it('fails with AlertDeliveryError when SNS keeps failing, logging only the put; a retry publishes once and does not put again', async () => {
    const { auditor, event, findings } = await overwrite('flaky/app');
    const id = findings[0]?.finding.id ?? '';
    sns.inject('Publish', fault.internal(), fault.internal(), fault.internal());
    const sent = publishAlerts(findings, deps);
    await expect(sent).rejects.toBeInstanceOf(AlertDeliveryError);
    await expect(sent).rejects.toThrow(/could not publish tag-overwrite-violation-/);
    expect(sns.count('Publish')).toBe(3); // every attempt the client had
    expect(sns.published).toEqual([]);
    // The event went out before Publish failed: the log says so, and not that the alert was sent.
    expect(events.put.map((p) => p.event.detail.id)).toEqual([id]);
    const logged = await alertLogItem(id);
    expect(logged?.putAt).toEqual({ S: new Date(NOW).toISOString() });
    expect(logged?.sentAt).toBeUndefined();

    // Lambda retries the event: the ledger has moved already, the finding comes back the same.
    const again = await auditor.apply(event);
    expect(again.map((f) => f.finding.id)).toEqual([id]);
    expect(await publishAlerts(again, deps)).toMatchObject({ published: 1, put: 0 });
    expect((await publishAlerts(await auditor.apply(event), deps)).duplicates).toBe(1);
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.messageAttributes.findingId?.stringValue).toBe(id);
    expect(events.put).toHaveLength(1);
  });

  it('counts a put recorded under a log entry only while the entry lives (30 days)', async () => {
    // Prepare: the event put, then Publish failing: the log entry records the put.
    const drift = as('recurring', sampleFinding('CONFIG_DRIFT', { id: 'put-then-expired' }));
    sns.inject('Publish', fault.internal(), fault.internal(), fault.internal());
    await expect(publishAlerts([drift], deps)).rejects.toBeInstanceOf(AlertDeliveryError);
    expect((await alertLogItem('put-then-expired'))?.putAt).toBeDefined();
    // Act: the same finding once the entry has expired (DynamoDB has not deleted it yet).
    const after = { ...deps, now: () => NOW + ALERT_LOG_TTL_SECONDS * 1000 + 1000 };
    const result = await publishAlerts([drift], after);
    // Assess: an expired entry counts as not seen, its put too: put and published again.
    expect(result).toMatchObject({ put: 1, published: 1 });
    expect(events.put.map((p) => p.event.detail.id)).toEqual([
      'put-then-expired',
      'put-then-expired',
    ]);
  });

  it('does not retry a non-retryable SNS error, and delivers on the next attempt', async () => {
    const { auditor, event, findings } = await overwrite('denied/app');
    sns.inject('Publish', fault.error('AuthorizationError', 403, 'not authorized to publish'));
    const sent = publishAlerts(findings, deps);
    await expect(sent).rejects.toBeInstanceOf(AlertDeliveryError);
    await expect(sent).rejects.toThrow('not authorized to publish');
    await expect(sent).rejects.toMatchObject({ cause: { name: 'AuthorizationErrorException' } });
    expect(sns.count('Publish')).toBe(1);
    expect((await alertLogItem(findings[0]?.finding.id ?? ''))?.sentAt).toBeUndefined();
    expect((await publishAlerts(await auditor.apply(event), deps)).published).toBe(1);
    expect(sns.published).toHaveLength(1);
    expect(events.put).toHaveLength(1);
  });

  it('keeps what was delivered before a failure in the same batch', async () => {
    const findings = [
      as('recurring', sampleFinding('OVERWRITE_BLOCKED', { id: 'batch-1', severity: 'LOW' })),
      as('recurring', sampleFinding('OVERWRITE_BLOCKED', { id: 'batch-2', severity: 'LOW' })),
    ];
    sns.injectWith('Publish', ({ body }) =>
      (body as Record<string, string>).Message?.includes('batch-2')
        ? fault.error('InvalidParameter', 400)
        : undefined,
    );
    await expect(publishAlerts(findings, deps)).rejects.toBeInstanceOf(AlertDeliveryError);
    expect((await alertLogItem('batch-1'))?.sentAt).toBeDefined();
    expect((await alertLogItem('batch-2'))?.sentAt).toBeUndefined(); // its claim, given up
    sns.clearFaults();
    // OVERWRITE_BLOCKED findings may have been alerted, so the log is consulted: only batch-2 goes.
    expect(await publishAlerts(findings, deps)).toMatchObject({
      published: 1,
      belowThreshold: 0,
      duplicates: 1,
    });
    expect(sns.published.map((m) => m.messageAttributes.findingId?.stringValue)).toEqual([
      'batch-1',
      'batch-2',
    ]);
  });
});
