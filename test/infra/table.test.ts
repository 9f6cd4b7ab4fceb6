import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableInput, LEDGER_TABLE } from '../../infra/table.ts';
import {
  alertKey,
  CONFIG_SORT_KEY,
  repositoryConfigKey,
  repositoryPartition,
  TAG_SORT_PREFIX,
  TTL_ATTRIBUTE,
  tagItemKey,
  templateConfigKey,
} from '../../lib/aws/table-layout.ts';

describe('LEDGER_TABLE (CloudFormation properties)', () => {
  it('is on-demand, with point-in-time recovery, encryption and TTL on expiresAt', () => {
    expect(LEDGER_TABLE.BillingMode).toBe('PAY_PER_REQUEST');
    expect(LEDGER_TABLE.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(LEDGER_TABLE.SSESpecification).toEqual({ SSEEnabled: true });
    expect(LEDGER_TABLE.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
  });

  it('declares exactly the key attributes (CloudFormation rejects unused definitions)', () => {
    const keyNames = LEDGER_TABLE.KeySchema.map((k) => k.AttributeName).sort();
    const defined = LEDGER_TABLE.AttributeDefinitions.map((d) => d.AttributeName).sort();
    expect(defined).toEqual(keyNames);
    expect(LEDGER_TABLE.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(LEDGER_TABLE.AttributeDefinitions.every((d) => d.AttributeType === 'S')).toBe(true);
  });
});

describe('createTableInput', () => {
  it('derives only fields CreateTable accepts from LEDGER_TABLE', () => {
    const input = createTableInput('ledger');
    expect(Object.keys(input).sort()).toEqual([
      'AttributeDefinitions',
      'BillingMode',
      'KeySchema',
      'SSESpecification',
      'TableName',
    ]);
    expect(input).toMatchObject({
      TableName: 'ledger',
      BillingMode: LEDGER_TABLE.BillingMode,
      KeySchema: LEDGER_TABLE.KeySchema,
      AttributeDefinitions: LEDGER_TABLE.AttributeDefinitions,
      SSESpecification: { Enabled: true },
    });
  });

  it('returns fresh arrays: callers cannot alter the shared definition', () => {
    const input = createTableInput('ledger');
    input.KeySchema?.pop();
    expect(LEDGER_TABLE.KeySchema).toHaveLength(2);
    expect(createTableInput('ledger').KeySchema).toHaveLength(2);
  });
});

describe('item keys', () => {
  it('follow the documented layout', () => {
    expect(tagItemKey('123456789012', 'eu-west-1', 'team/app', 'v1')).toEqual({
      pk: 'REPO#123456789012#eu-west-1#team/app',
      sk: 'TAG#v1',
    });
    expect(repositoryConfigKey('123456789012', 'eu-west-1', 'team/app')).toEqual({
      pk: 'REPO#123456789012#eu-west-1#team/app',
      sk: 'CONFIG',
    });
    expect(templateConfigKey('123456789012', 'eu-west-1', 'ROOT')).toEqual({
      pk: 'TEMPLATE#123456789012#eu-west-1#ROOT',
      sk: 'CONFIG',
    });
    expect(alertKey('abc123')).toEqual({ pk: 'ALERT#abc123', sk: 'ALERT' });
  });

  it('never collide between accounts, regions, repositories and kinds', () => {
    const keys = [
      tagItemKey('111111111111', 'us-east-1', 'a', 'CONFIG'),
      repositoryConfigKey('111111111111', 'us-east-1', 'a'),
      tagItemKey('111111111111', 'us-east-1', 'a/b', 'x'),
      tagItemKey('111111111111', 'us-east-2', 'a', 'x'),
      tagItemKey('222222222222', 'us-east-1', 'a', 'x'),
      tagItemKey('111111111111', 'us-east-1', 'a', 'x'),
      templateConfigKey('111111111111', 'us-east-1', 'a'),
      alertKey('a'),
    ].map((k) => `${k.pk}|${k.sk}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the table in dynalite, created from createTableInput', () => {
  let server: ReturnType<typeof dynalite>;
  let client: DynamoDBClient;
  const TableName = 'ledger-test';

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake' },
    });
    await client.send(new CreateTableCommand(createTableInput(TableName)));
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('has the key schema and on-demand billing of LEDGER_TABLE', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    expect(Table?.KeySchema).toEqual(LEDGER_TABLE.KeySchema);
    expect(Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
  });

  it("lists a repository's tags with one Query, apart from its configuration", async () => {
    const account = '123456789012';
    const region = 'eu-west-1';
    const put = (key: { pk: string; sk: string }, extra: Record<string, { S: string }> = {}) =>
      client.send(
        new PutItemCommand({ TableName, Item: { pk: { S: key.pk }, sk: { S: key.sk }, ...extra } }),
      );
    await put(tagItemKey(account, region, 'app', 'v1'), { digest: { S: 'sha256:1' } });
    await put(tagItemKey(account, region, 'app', 'latest'), { digest: { S: 'sha256:2' } });
    await put(repositoryConfigKey(account, region, 'app'), { mode: { S: 'IMMUTABLE' } });
    await put(tagItemKey(account, region, 'app-2', 'v1'), { digest: { S: 'sha256:3' } });

    const tags = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tag)',
        ExpressionAttributeValues: {
          ':pk': { S: repositoryPartition(account, region, 'app') },
          ':tag': { S: TAG_SORT_PREFIX },
        },
      }),
    );
    expect(tags.Items?.map((i) => i.sk?.S).sort()).toEqual(['TAG#latest', 'TAG#v1']);

    const partition = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: repositoryPartition(account, region, 'app') } },
      }),
    );
    expect(partition.Items?.map((i) => i.sk?.S).sort()).toEqual([
      CONFIG_SORT_KEY,
      'TAG#latest',
      'TAG#v1',
    ]);
  });
});
