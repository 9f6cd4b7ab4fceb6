/**
 * The baseline of rows 2 and 3: the AWS calls the handlers make, made directly with the same SDK
 * clients (same client settings), without middy, Powertools, the policy or the engine. The item
 * keys and expressions are the ledger's (lib/aws/dynamodb-ledger.ts, infra/table.ts), so that
 * DynamoDB does the same work for both.
 *
 * Bundled by bench/rows/cold-start.ts with the handlers' own esbuild options.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

type Item = Record<string, AttributeValue>;

// The handlers' client settings (lib/aws/clients.ts, CLIENT_TIMEOUTS).
export const dynamo = new DynamoDBClient({
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
});
export const sns = new SNSClient({
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
});
const events = new EventBridgeClient({
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
});

const TABLE = process.env.LEDGER_TABLE_NAME ?? '';
const TOPIC = process.env.ALERTS_TOPIC_ARN ?? '';
const BUS = process.env.FINDINGS_BUS_ARN ?? '';

const s = (value: string): AttributeValue => ({ S: value });

/** The partition of a repository's items. */
export function partition(account: string, region: string, repository: string): string {
  return `REPO#${account}#${region}#${repository}`;
}

/** The ledger's push: one conditional UpdateItem returning the item from before. */
export async function recordPush(
  pk: string,
  tag: string,
  digest: string,
  time: string,
  eventId: string | null,
): Promise<Item | undefined> {
  try {
    const out = await dynamo.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s(pk), sk: s(`TAG#${tag}`) },
        ConditionExpression:
          'attribute_not_exists(pk) OR (#t <= :t AND (deleted = :true OR digest <> :d))',
        UpdateExpression:
          'SET prevDigest = if_not_exists(digest, :d), prevDeleted = if_not_exists(deleted, :false), ' +
          'prevT = if_not_exists(#t, :none), digest = :d, deleted = :false, #t = :t, eid = :eid, ' +
          'recent = list_append(if_not_exists(cur, :empty), if_not_exists(recent, :empty)), cur = :cur, ' +
          '#w = :w, #wtok = :wtok',
        // The write's stamp attributes (lib/aws/pending.ts: WRITTEN_AT, WRITE_TOKEN).
        ExpressionAttributeNames: { '#t': 't', '#w': 'wt', '#wtok': 'wtok' },
        ExpressionAttributeValues: {
          ':d': s(digest),
          ':t': s(time),
          ':eid': eventId === null ? { NULL: true } : s(eventId),
          ':true': { BOOL: true },
          ':false': { BOOL: false },
          ':empty': { L: [] },
          ':cur': { L: [s(digest)] },
          ':none': { NULL: true },
          ':w': { N: String(Date.now()) },
          ':wtok': s(randomUUID()),
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return out.Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return error.Item;
    throw error;
  }
}

/** A tombstone of one tag (a delete by tag). */
export async function tombstone(pk: string, tag: string, time: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s(pk), sk: s(`TAG#${tag}`) },
        ConditionExpression: 'attribute_exists(pk) AND #t <= :t AND deleted = :false',
        UpdateExpression: 'SET deleted = :true, #t = :t, prevDigest = digest, prevDeleted = :false',
        ExpressionAttributeNames: { '#t': 't' },
        ExpressionAttributeValues: {
          ':t': s(time),
          ':true': { BOOL: true },
          ':false': { BOOL: false },
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Every item of a partition (strongly consistent, paged). */
export async function query(pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': s(pk) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A configuration item read, then written back with a version condition. */
export async function updateConfig(pk: string, record: string): Promise<void> {
  const key = { pk: s(pk), sk: s('CONFIG') };
  const { Item: item } = await dynamo.send(
    new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
  );
  const version = Number(item?.ver?.N ?? '0');
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key, record: s(record), ver: { N: String(version + 1) } },
        ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'ver = :v',
        ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': { N: String(version) } } }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Deletes every item of a partition. */
export async function forget(pk: string): Promise<void> {
  for (const item of await query(pk)) {
    await dynamo.send(
      new DeleteItemCommand({
        TableName: TABLE,
        Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
      }),
    );
  }
}

/** Whether an alert id is in the alert log. */
export async function wasAlerted(id: string): Promise<boolean> {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { pk: s(`ALERT#${id}`), sk: s('ALERT') },
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

/** What an alert publishes (the handler's rendering, or a stand-in of similar size). */
export interface AlertMessage {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Record<string, { DataType: string; StringValue: string }>;
  /** The finding JSON the handler put on the bus (a stand-in when absent). */
  readonly detail?: string;
}

/** A stand-in for a rendered alert: a JSON message of about the handlers' size. */
export function standInAlert(id: string, text: string): AlertMessage {
  const body = JSON.stringify({
    version: '1.0',
    source: 'custom',
    id,
    content: { textType: 'client-markdown', title: text, description: text.repeat(8) },
  });
  return {
    subject: text.slice(0, 100),
    message: JSON.stringify({ default: body, sqs: body, lambda: body, email: text }),
    attributes: {
      severity: { DataType: 'String', StringValue: 'HIGH' },
      kind: { DataType: 'String', StringValue: 'TAG_OVERWRITE_VIOLATION' },
      findingId: { DataType: 'String', StringValue: id },
    },
  };
}

/** The finding on the bus, Publish, then the alert log's PutItem: what an alert costs. */
export async function publishAndLog(id: string, alert: AlertMessage): Promise<void> {
  await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'ecr-tag-auditor',
          DetailType: 'ECR Tag Audit Finding',
          Detail: alert.detail ?? JSON.stringify({ id, message: alert.subject }),
          EventBusName: BUS,
        },
      ],
    }),
  );
  // The String structure, as the handlers publish (so that the attributes reach subscribers).
  await sns.send(
    new PublishCommand({
      TopicArn: TOPIC,
      Subject: alert.subject,
      Message: alert.message,
      MessageAttributes: alert.attributes,
    }),
  );
  await dynamo.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        pk: s(`ALERT#${id}`),
        sk: s('ALERT'),
        kind: s('TAG_OVERWRITE_VIOLATION'),
        sentAt: s(new Date().toISOString()),
        expiresAt: { N: String(Math.floor(Date.now() / 1000) + 30 * 24 * 3600) },
      },
    }),
  );
}

/** Publish only (the scan's summary). */
export async function publish(alert: AlertMessage): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: TOPIC,
      Subject: alert.subject,
      Message: alert.message,
      MessageStructure: 'json',
      MessageAttributes: alert.attributes,
    }),
  );
}

/** An ECR Image Action push or delete, read without validation (the baseline trusts its input). */
export async function imageAction(event: {
  id?: string;
  account: string;
  region: string;
  time: string;
  detail: Record<string, string | undefined>;
}): Promise<void> {
  const d = event.detail;
  const pk = partition(event.account, event.region, d['repository-name'] ?? '');
  const tag = d['image-tag'];
  const digest = d['image-digest'] ?? '';
  if (d['action-type'] === 'DELETE') {
    if (tag !== undefined) await tombstone(pk, tag, event.time);
    else for (const item of await query(pk)) await tombstone(pk, item.sk?.S ?? '', event.time);
    return;
  }
  if (tag === undefined) return;
  const old = await recordPush(pk, tag, digest, event.time, event.id ?? null);
  if (old?.digest?.S !== undefined && old.digest.S !== digest) {
    const id = `${pk}#${tag}#${digest}`;
    await publishAndLog(id, standInAlert(id, `Tag ${tag} moved to ${digest}`));
  }
}
