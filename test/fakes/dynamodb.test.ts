import {
  CreateTableCommand,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbClient } from './clients.ts';
import { FakeDynamoDb } from './dynamodb.ts';
import { fault, type StartedServer } from './http.ts';

const dynamo = new FakeDynamoDb();
let server: StartedServer;
const TableName = 'ledger';
const Key = { pk: { S: 'repo#payments' }, sk: { S: 'tag#v1' } };

beforeAll(async () => {
  server = await dynamo.start();
  await dynamoDbClient(server).send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});
afterAll(() => server.close());
beforeEach(() => dynamo.reset());

describe('dynalite behind the fault-injecting proxy', () => {
  it('stores and reads an item with the real client', async () => {
    const client = dynamoDbClient(server);
    await client.send(
      new PutItemCommand({ TableName, Item: { ...Key, digest: { S: 'sha256:aaa' } } }),
    );
    const out = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    expect(out.Item).toEqual({ ...Key, digest: { S: 'sha256:aaa' } });
    expect(dynamo.requests.map((r) => r.operation)).toEqual(['PutItem', 'GetItem']);
    expect(dynamo.requests[1]?.body).toEqual({ TableName, Key, ConsistentRead: true });
  });

  it('relays dynalite errors as typed exceptions', async () => {
    const sent = dynamoDbClient(server).send(new GetItemCommand({ TableName: 'missing', Key }));
    await expect(sent).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(dynamo.count('GetItem')).toBe(1);
  });

  it('retries a throttle, a 500 and a reset, then writes once', async () => {
    dynamo.inject('PutItem', fault.throttle(), fault.internal(), fault.reset());
    const client = dynamoDbClient(server, { maxAttempts: 4, retryDelayMs: 1 });
    const put = await client.send(
      new PutItemCommand({ TableName, Item: { ...Key, digest: { S: 'sha256:bbb' } } }),
    );
    expect(put.$metadata.attempts).toBe(4);
    expect(dynamo.requests.map((r) => r.fault)).toEqual(['throttle', 'error', 'reset', undefined]);
    const out = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    expect(out.Item?.digest).toEqual({ S: 'sha256:bbb' });
  });

  it('retries with the SDK default strategy too', async () => {
    dynamo.inject('GetItem', fault.throttle());
    const out = await dynamoDbClient(server).send(new GetItemCommand({ TableName, Key }));
    expect(out.$metadata.attempts).toBe(2);
    expect(dynamo.count('GetItem')).toBe(2);
  });

  it('answers injected DynamoDB errors in the JSON 1.0 shape the client types', async () => {
    dynamo.inject('GetItem', fault.error('ProvisionedThroughputExceededException'));
    const sent = dynamoDbClient(server, { maxAttempts: 1 }).send(
      new GetItemCommand({ TableName, Key }),
    );
    await expect(sent).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('times out a hung request', async () => {
    dynamo.inject('GetItem', fault.hang());
    const sent = dynamoDbClient(server, { maxAttempts: 1, requestTimeoutMs: 150 }).send(
      new GetItemCommand({ TableName, Key }),
    );
    await expect(sent).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
