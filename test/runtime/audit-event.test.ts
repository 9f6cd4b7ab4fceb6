/**
 * One EventBridge event through the composed runtime, in process: `compose` with real SDK
 * clients on dynalite and the fake SNS, then `auditEvent` with events built from the AWS samples.
 * Counts the AWS calls each event costs from what the fakes recorded.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import { tagState } from '../../lib/core/engine/tag-history.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import type { ChatNotification } from '../../lib/render/chat.ts';
import { type AuditOutcome, auditEvent } from '../../lib/runtime/audit-event.ts';
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
import { eventBridgeClient, snsClient } from '../fakes/clients.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { digest } from '../support/digest.ts';
import { findingOfMessage } from '../support/published.ts';
import { eventUuid } from '../support/uuid.ts';
import { cloudTrailPutImage, imageDelete, imagePush, SAMPLE } from './support.ts';

const POLICY = policy(`version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
ignore: ["cache/**"]
`);

const sns = new FakeSns({ topics: [TOPIC] });
const events = new FakeEventBridge({ buses: [BUS_NAME] });
let snsServer: StartedServer;
let eventsServer: StartedServer;
let table: LedgerTable;
let runtime: Composition;
const telemetry = recordingTelemetry();

/** A Lambda container of its own: its own clients and ledger (and what its ledger remembers). */
function container(): Composition {
  const settings = readSettings({
    LEDGER_TABLE_NAME: TABLE,
    ALERTS_TOPIC_ARN: TOPIC,
    FINDINGS_BUS_ARN: BUS,
  });
  return compose(settings, POLICY, {
    dynamo: fastDynamo(table),
    sns: snsClient(snsServer, { maxAttempts: 2, retryDelayMs: 1 }),
    events: eventBridgeClient(eventsServer, { maxAttempts: 2, retryDelayMs: 1 }),
    log: telemetry.log,
    metrics: telemetry.metrics,
  });
}

beforeAll(async () => {
  [snsServer, eventsServer, table] = await Promise.all([
    sns.start(),
    events.start(),
    startLedgerTable(),
  ]);
  runtime = container();
});
afterAll(() => Promise.all([snsServer.close(), eventsServer.close(), table.server.close()]));
beforeEach(() => {
  sns.reset();
  events.reset();
  table.fake.reset();
  telemetry.clear();
});

/** The AWS calls the fakes received since the last reset, in order per service. */
function calls() {
  return {
    dynamodb: table.fake.requests.map((r) => r.operation),
    events: events.requests.map((r) => r.operation),
    sns: sns.requests.map((r) => r.operation),
  };
}

function findingsOf(outcome: AuditOutcome): readonly Finding[] {
  expect(outcome.status).toBe('audited');
  return outcome.status === 'audited' ? outcome.findings : [];
}

async function resetCounters(): Promise<void> {
  sns.requests.length = 0;
  events.requests.length = 0;
  table.fake.requests.length = 0;
}

describe('auditEvent: pushes from ECR Image Action and CloudTrail', () => {
  const repository = 'payments/api';
  const first = imagePush({ repository, tag: 'v1', id: 'push-1', time: '2025-07-24T10:00:00Z' });
  const second = imagePush({
    repository,
    tag: 'v1',
    digest: digest(2),
    id: 'push-2',
    time: '2025-07-24T10:05:00Z',
  });

  it('alerts exactly once on an overwrite of an immutable tag, whatever the deliveries', async () => {
    // First push: the ledger learns the tag. One DynamoDB call (a conditional put), nothing else.
    expect(findingsOf(await auditEvent(first, runtime))).toEqual([]);
    expect(calls()).toEqual({ dynamodb: ['PutItem'], events: [], sns: [] });
    const item = await table.client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: {
          pk: { S: `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}` },
          sk: { S: 'TAG#v1' },
        },
        ConsistentRead: true,
      }),
    );
    expect(item.Item?.digest).toEqual({ S: SAMPLE.digest });
    await resetCounters();

    // Another digest: the overwrite, in the container that wrote the item: the ledger write on
    // the item it wrote (one request, as issue 4's budget), PutEvents, Publish, alert-log write.
    const findings = findingsOf(await auditEvent(second, runtime));
    expect(findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        severity: 'HIGH',
        repository,
        tag: 'v1',
        previousDigest: SAMPLE.digest,
        digest: digest(2),
        viaDelete: false,
        eventId: eventUuid('push-2'),
        detectedBy: 'event',
      },
    ]);
    expect(calls()).toEqual({
      dynamodb: ['PutItem', 'PutItem'],
      events: ['PutEvents'],
      sns: ['Publish'],
    });
    expect(sns.published).toHaveLength(1);
    const [message] = sns.published;
    const finding = findings[0] as Finding;
    // The finding is an event on the bus, its detail the finding JSON.
    expect(events.put.map((p) => p.event.detail)).toEqual([JSON.parse(JSON.stringify(finding))]);
    expect(message?.messageStructure).toBeUndefined();
    expect(message?.messageAttributes).toEqual({
      severity: { dataType: 'String', stringValue: 'HIGH' },
      kind: { dataType: 'String', stringValue: 'TAG_OVERWRITE_VIOLATION' },
      findingId: { dataType: 'String', stringValue: finding.id },
      account: { dataType: 'String', stringValue: SAMPLE.account },
      repository: { dataType: 'String', stringValue: repository },
    });
    const notification = JSON.parse(message?.message ?? '{}') as ChatNotification;
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: finding.id,
      content: { textType: 'client-markdown' },
      metadata: {
        threadId: `${SAMPLE.account}/${SAMPLE.region}/${repository}:v1`,
        additionalContext: { findingId: finding.id },
      },
    });
    expect(notification.content.title).toContain('payments/api:v1');
    expect(notification.content.description).toContain(`\`${digest(2)}\``);
    expect(findingOfMessage(message?.message ?? '{}')).toEqual(finding);
    await resetCounters();

    // The same event delivered again: the finding comes back (same id), the log stops it. The
    // failed put returns the item, which is left as it is; the alert log is read.
    const redelivered = findingsOf(await auditEvent(second, runtime));
    expect(redelivered.map((f) => f.id)).toEqual([finding.id]);
    expect(calls()).toEqual({ dynamodb: ['PutItem', 'GetItem'], events: [], sns: [] });
    await resetCounters();

    // The same push through CloudTrail (another event id, a second later): not an overwrite.
    const viaCloudTrail = cloudTrailPutImage({
      repository,
      tag: 'v1',
      digest: digest(2),
      eventId: 'cloudtrail-put-image-2',
      time: '2025-07-24T10:05:01Z',
      actor: 'arn:aws:sts::123456789012:assumed-role/ci/build-7',
    });
    expect(findingsOf(await auditEvent(viaCloudTrail, runtime))).toEqual([]);
    expect(calls()).toEqual({ dynamodb: ['PutItem'], events: [], sns: [] }); // a duplicate: one request
    // ... and a CloudTrail copy a second earlier than the ECR event (clocks differ): neither.
    expect(
      findingsOf(
        await auditEvent(
          cloudTrailPutImage({
            repository,
            tag: 'v1',
            digest: digest(2),
            eventId: 'cloudtrail-put-image-3',
            time: '2025-07-24T10:04:59Z',
          }),
          runtime,
        ),
      ),
    ).toEqual([]);

    expect(sns.published).toHaveLength(1);
    expect(events.put).toHaveLength(1);
    expect(telemetry.count('EventsAudited')).toBe(5);
    expect(telemetry.count('AlertsPublished')).toBe(1);
    expect(telemetry.count('FindingEventsPut')).toBe(1);
    expect(telemetry.count('AlertsDuplicate')).toBe(1);
  });

  it('sees a push after a delete as an overwrite (viaDelete)', async () => {
    const repo = 'release/tool';
    await auditEvent(
      imagePush({ repository: repo, tag: 'v2', id: 'd-1', time: '2025-07-24T11:00:00Z' }),
      runtime,
    );
    await auditEvent(
      imageDelete({ repository: repo, tag: 'v2', id: 'd-2', time: '2025-07-24T11:01:00Z' }),
      runtime,
    );
    const outcome = await auditEvent(
      imagePush({
        repository: repo,
        tag: 'v2',
        digest: digest(9),
        id: 'd-3',
        time: '2025-07-24T11:02:00Z',
      }),
      runtime,
    );
    expect(findingsOf(outcome)).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', viaDelete: true, previousDigest: SAMPLE.digest },
    ]);
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.message).toContain('deleted and pushed again');
  });

  it('an overwrite in another container: the put as a new tag returns the item, then the ledger write; a stale guess is corrected', async () => {
    // Prepare: container A pushes digest 1 then 2; container B pushed 1 before, so what B wrote
    // last is stale.
    const repo = 'containers/app';
    const a = container();
    const b = container();
    const at = (d: number, m: number) =>
      imagePush({
        repository: repo,
        tag: 'v1',
        digest: digest(d),
        id: `${repo}-${d}-${m}`,
        time: `2025-07-24T13:0${m}:00Z`,
      });
    await auditEvent(at(1, 0), b);
    await auditEvent(at(2, 1), a);
    await resetCounters();
    // Act: B pushes 3 with its stale guess (the item at 1).
    const outcome = await auditEvent(at(3, 2), b);
    // Assess: the stale write fails and returns the item; decided again on it: 2 → 3, not 1 → 3.
    expect(findingsOf(outcome)).toMatchObject([{ previousDigest: digest(2), digest: digest(3) }]);
    expect(calls()).toEqual({
      dynamodb: ['PutItem', 'PutItem', 'PutItem'],
      events: ['PutEvents'],
      sns: ['Publish'],
    });
    // And a container that never wrote the tag: the put as a new tag first.
    await resetCounters();
    const fresh = container();
    expect(findingsOf(await auditEvent(at(4, 3), fresh))).toMatchObject([
      { previousDigest: digest(3), digest: digest(4) },
    ]);
    expect(calls()).toEqual({
      dynamodb: ['PutItem', 'PutItem', 'PutItem'],
      events: ['PutEvents'],
      sns: ['Publish'],
    });
  });

  it('keeps the write stamp of the move when a later write makes no finding (a delete)', async () => {
    // Prepare
    const repo = 'stamps/app';
    const at = (d: number, m: number) =>
      imagePush({
        repository: repo,
        tag: 'v1',
        digest: digest(d),
        id: `${repo}-${d}`,
        time: `2025-07-24T14:0${m}:00Z`,
      });
    await auditEvent(at(1, 0), runtime);
    await auditEvent(at(2, 1), runtime);
    const stampOf = async () => {
      const { Item } = await table.client.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: {
            pk: { S: `REPO#${SAMPLE.account}#${SAMPLE.region}#${repo}` },
            sk: { S: 'TAG#v1' },
          },
          ConsistentRead: true,
        }),
      );
      return { wt: Item?.wt, wtok: Item?.wtok, deleted: Item?.deleted };
    };
    const moved = await stampOf();
    // Act: a delete, which changes the item and makes no finding.
    await auditEvent(
      imageDelete({
        repository: repo,
        tag: 'v1',
        digest: digest(2),
        id: `${repo}-del`,
        time: '2025-07-24T14:05:00Z',
      }),
      runtime,
    );
    // Assess
    const after = await stampOf();
    expect(after.deleted).toEqual({ BOOL: true });
    expect(moved.wtok).toBeDefined();
    expect({ wt: after.wt, wtok: after.wtok }).toEqual({ wt: moved.wt, wtok: moved.wtok });
  });

  it('puts an allowed overwrite below the threshold on the bus without publishing it; nothing for an ignored repository', async () => {
    for (const [repo, tag] of [
      ['team/app', 'dev-branch'],
      ['cache/docker-hub/nginx', 'latest'],
    ] as const) {
      await auditEvent(
        imagePush({ repository: repo, tag, id: `${repo}-1`, time: '2025-07-24T12:00:00Z' }),
        runtime,
      );
      await resetCounters();
      const outcome = await auditEvent(
        imagePush({
          repository: repo,
          tag,
          digest: digest(5),
          id: `${repo}-2`,
          time: '2025-07-24T12:01:00Z',
        }),
        runtime,
      );
      expect(findingsOf(outcome).map((f) => f.kind)).toEqual(
        repo === 'team/app' ? ['TAG_OVERWRITE_ALLOWED'] : [],
      );
      // The ledger write on the item this container wrote last; the INFO finding is put on the
      // bus (and logged) but not published: below the threshold. An ignored repository: nothing.
      expect(calls()).toEqual(
        repo === 'team/app'
          ? { dynamodb: ['PutItem', 'PutItem'], events: ['PutEvents'], sns: [] }
          : { dynamodb: ['PutItem'], events: [], sns: [] },
      );
    }
    expect(sns.published).toEqual([]);
  });
});

describe('auditEvent: what it drops', () => {
  it('drops a malformed ECR event without throwing, logging and counting it', async () => {
    const event = imagePush({ id: 'broken-1' });
    delete (event.detail as Record<string, unknown>)['image-digest'];
    const outcome = await auditEvent(event, runtime);
    expect(outcome).toEqual({
      status: 'malformed',
      reason: expect.stringContaining('image-digest'),
    });
    expect(await auditEvent('not an event', runtime)).toEqual({
      status: 'malformed',
      reason: 'not an ECR EventBridge event: not a JSON object (got string)',
    });
    expect(telemetry.count('EventsMalformed')).toBe(2);
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Dropped a malformed event',
        extra: expect.objectContaining({ eventId: eventUuid('broken-1') }),
      }),
    );
    expect(calls()).toEqual({ dynamodb: [], events: [], sns: [] });
  });

  it('drops an event that is not from ECR, naming what it is, without throwing', async () => {
    const s3 = {
      version: '0',
      id: eventUuid('s3-1'),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: SAMPLE.account,
      time: '2025-07-24T12:00:00Z',
      region: SAMPLE.region,
      resources: [],
      detail: { bucket: { name: 'b' }, object: { key: 'k' } },
    };
    const otherApi = cloudTrailPutImage({ eventId: 'iam-1' });
    otherApi.source = 'aws.iam';
    (otherApi.detail as Record<string, unknown>).eventSource = 'iam.amazonaws.com';
    expect(await auditEvent(s3, runtime)).toEqual({
      status: 'malformed',
      reason: 'not an ECR EventBridge event (source "aws.s3", detail-type "Object Created")',
    });
    expect(await auditEvent(otherApi, runtime)).toEqual({
      status: 'malformed',
      reason:
        'not an ECR EventBridge event (source "aws.iam", detail-type "AWS API Call via CloudTrail", eventSource "iam.amazonaws.com")',
    });
    expect(telemetry.count('EventsMalformed')).toBe(2);
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        extra: expect.objectContaining({ eventId: eventUuid('s3-1') }),
      }),
    );
    expect(calls()).toEqual({ dynamodb: [], events: [], sns: [] });
  });

  it('skips ECR events that change nothing, counting them', async () => {
    const readOnly = cloudTrailPutImage({ eventId: 'describe-1' });
    (readOnly.detail as Record<string, unknown>).eventName = 'DescribeImages';
    const failedPush = imagePush({ id: 'failed-1' });
    (failedPush.detail as Record<string, unknown>).result = 'FAILURE';
    expect(await auditEvent(readOnly, runtime)).toMatchObject({ status: 'skipped' });
    expect(await auditEvent(failedPush, runtime)).toMatchObject({ status: 'skipped' });
    expect(telemetry.count('EventsSkipped')).toBe(2);
    expect(telemetry.count('EventsAudited')).toBe(0);
    expect(calls()).toEqual({ dynamodb: [], events: [], sns: [] });
  });
});

describe('auditEvent: SNS failing after the ledger moved', () => {
  it('fails the invocation, and the retry of the same event delivers exactly one message', async () => {
    const repo = 'outbox/app';
    await auditEvent(
      imagePush({ repository: repo, tag: 'v1', id: 'o-1', time: '2025-07-24T13:00:00Z' }),
      runtime,
    );
    const overwrite = imagePush({
      repository: repo,
      tag: 'v1',
      digest: digest(3),
      id: 'o-2',
      time: '2025-07-24T13:01:00Z',
    });
    sns.inject('Publish', fault.internal(), fault.internal()); // both attempts of the client
    await expect(auditEvent(overwrite, runtime)).rejects.toBeInstanceOf(AlertDeliveryError);
    expect(sns.published).toEqual([]);
    // The ledger did move: the retry cannot rely on seeing the old digest again.
    expect(
      tagState(
        (
          await runtime.ledger.tags({
            account: SAMPLE.account,
            region: SAMPLE.region,
            repository: repo,
          })
        ).get('v1'),
      ),
    ).toEqual({ digest: digest(3), live: true });

    // Lambda's retry: same event. Then EventBridge delivers it once more, for good measure.
    const retried = await auditEvent(overwrite, runtime);
    expect(retried).toMatchObject({ status: 'audited', published: 1 });
    expect(await auditEvent(overwrite, runtime)).toMatchObject({ status: 'audited', published: 0 });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.messageAttributes.kind?.stringValue).toBe('TAG_OVERWRITE_VIOLATION');
  });

  it('fails the invocation when the ledger cannot be written, publishing nothing', async () => {
    table.fake.injectWith('PutItem', () => fault.error('AccessDeniedException', 400, 'denied'));
    const event = imagePush({ repository: 'denied/app', tag: 'v1', id: 'x-1' });
    await expect(auditEvent(event, runtime)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(sns.requests).toEqual([]);
  });
});
