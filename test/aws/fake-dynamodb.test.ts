/**
 * The fake DynamoDB emulates `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, which dynalite
 * ignores: a failed conditional write that asked for it carries the current item in the
 * `ConditionalCheckFailedException` (`Item`), as DynamoDB answers.
 */
import { crc32 } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../fakes/clients.ts';
import { type LedgerTable, startLedgerTable, TABLE } from './support.ts';

let table: LedgerTable;
beforeAll(async () => {
  table = await startLedgerTable();
});
afterAll(() => table.server.close());
beforeEach(() => table.fake.reset());

const key = (sk: string) => ({ pk: { S: 'REPO#fake' }, sk: { S: sk } });

/** The error a send rejected with (fails the test when it resolved). */
async function failure(sent: Promise<unknown>): Promise<ConditionalCheckFailedException> {
  const error = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConditionalCheckFailedException);
  return error as ConditionalCheckFailedException;
}

describe('ReturnValuesOnConditionCheckFailure ALL_OLD', () => {
  it('returns the current item with a failed UpdateItem, PutItem and DeleteItem', async () => {
    const client = dynamoDbClient(table.server, { maxAttempts: 1 });
    const Item = { ...key('TAG#v1'), digest: { S: 'sha256:aaa' }, recent: { L: [{ S: 'x' }] } };
    await client.send(new PutItemCommand({ TableName: TABLE, Item }));
    const condition = {
      ConditionExpression: 'digest = :d',
      ExpressionAttributeValues: { ':d': { S: 'sha256:other' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const update = await failure(
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('TAG#v1'),
          UpdateExpression: 'SET deleted = :t',
          ...condition,
          ExpressionAttributeValues: {
            ...condition.ExpressionAttributeValues,
            ':t': { BOOL: true },
          },
        }),
      ),
    );
    expect(update.Item).toEqual(Item);
    const put = await failure(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...key('TAG#v1'), x: { N: '1' } },
          ...condition,
        }),
      ),
    );
    expect(put.Item).toEqual(Item);
    const del = await failure(
      client.send(new DeleteItemCommand({ TableName: TABLE, Key: key('TAG#v1'), ...condition })),
    );
    expect(del.Item).toEqual(Item);
    // The reads the proxy made to dynalite are its own: the recorded requests are the client's.
    expect(table.fake.requests.map((r) => r.operation)).toEqual([
      'PutItem',
      'UpdateItem',
      'PutItem',
      'DeleteItem',
    ]);
    // Nothing was written by the failed calls.
    const out = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: key('TAG#v1'), ConsistentRead: true }),
    );
    expect(out.Item).toEqual(Item);
  });

  it('adds no Item when not asked, or when there is no item', async () => {
    const client = dynamoDbClient(table.server, { maxAttempts: 1 });
    await client.send(new PutItemCommand({ TableName: TABLE, Item: key('TAG#v2') }));
    const notAsked = await failure(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: key('TAG#v2'),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    expect(notAsked.Item).toBeUndefined();
    const none = await failure(
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('TAG#missing'),
          UpdateExpression: 'SET x = :x',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':x': { N: '1' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    expect(none.Item).toBeUndefined();
  });

  it('answers with a body whose x-amz-crc32 matches, as DynamoDB does', async () => {
    await table.client.send(new PutItemCommand({ TableName: TABLE, Item: key('TAG#crc') }));
    const response = await fetch(table.server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20200101T000000Z',
      },
      body: JSON.stringify({
        TableName: TABLE,
        Item: key('TAG#crc'),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: key('TAG#crc'),
    });
    expect(response.headers.get('x-amz-crc32')).toBe(String(crc32(text)));
  });

  it('returns the item the condition was checked against, under concurrent writers', async () => {
    const client = dynamoDbClient(table.server, { maxAttempts: 1 });
    const writers = 8;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        client
          .send(
            new PutItemCommand({
              TableName: TABLE,
              Item: { ...key('TAG#race'), writer: { N: String(i) } },
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          )
          .then(
            () => ({ won: i }),
            (error: unknown) => ({ lost: error as ConditionalCheckFailedException }),
          ),
      ),
    );
    const winners = results.flatMap((r) => ('won' in r ? [r.won] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if ('lost' in r) {
        expect(r.lost).toBeInstanceOf(ConditionalCheckFailedException);
        expect(r.lost.Item?.writer).toEqual({ N: String(winners[0]) });
      }
    }
  });
});
