/**
 * The loopback fakes of test/fakes/, started once in the benchmark's own process (the measured
 * code always runs in a child, so the fakes never share its event loop), and the environment a
 * child needs to reach them as a Lambda function would: the SDK's own endpoint variables, dummy
 * credentials, no instance metadata, no shared config files.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../infra/table.ts';
import { dynamoDbClient } from '../../test/fakes/clients.ts';
import { FakeDynamoDb } from '../../test/fakes/dynamodb.ts';
import { FakeEcr } from '../../test/fakes/ecr.ts';
import { FakeEventBridge } from '../../test/fakes/eventbridge.ts';
import type { FakeHttpServer, StartedServer } from '../../test/fakes/http.ts';
import { FakeSns } from '../../test/fakes/sns.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ecr-tag-auditor-alerts`;
/** The auditor's event bus, every finding put on it. */
const BUS_NAME = 'ecr-tag-auditor-events';
/** The handlers' table, and a second one for the baselines (so neither sees the other's items). */
export const TABLE = 'bench-ledger';
export const BASELINE_TABLE = 'bench-baseline';

/** The running fakes. */
export interface Fakes {
  readonly dynamo: FakeDynamoDb;
  readonly sns: FakeSns;
  readonly events: FakeEventBridge;
  readonly ecr: FakeEcr;
  readonly endpoints: { dynamodb: string; sns: string; eventbridge: string; ecr: string };
  /** A client of the benchmark itself, for set-up. */
  readonly client: DynamoDBClient;
  /** Forgets what every fake recorded (their request logs grow with every call). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts SNS, EventBridge, DynamoDB (dynalite) with both tables, and an empty ECR on 127.0.0.1. */
export async function startFakes(): Promise<Fakes> {
  const dynamo = new FakeDynamoDb();
  const sns = new FakeSns({ topics: [TOPIC] });
  const events = new FakeEventBridge({ account: ACCOUNT, region: REGION, buses: [BUS_NAME] });
  const ecr = new FakeEcr({ accountId: ACCOUNT, region: REGION });
  const servers: StartedServer[] = [];
  const [d, s, b, e] = await Promise.all([
    dynamo.start(),
    sns.start(),
    events.start(),
    ecr.start(),
  ]);
  servers.push(d, s, b, e);
  const client = dynamoDbClient(d);
  for (const table of [TABLE, BASELINE_TABLE]) {
    await client.send(new CreateTableCommand(createTableInput(table)));
  }
  const all: FakeHttpServer[] = [dynamo, sns, events, ecr];
  return {
    dynamo,
    sns,
    events,
    ecr,
    endpoints: { dynamodb: d.endpoint, sns: s.endpoint, eventbridge: b.endpoint, ecr: e.endpoint },
    client,
    reset: () => {
      for (const fake of all) fake.reset();
    },
    close: async () => {
      client.destroy();
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

/** Requests a fake received, by operation (requests the rate limiter refused are left out). */
export function callsByOperation(fake: FakeHttpServer): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of fake.requests) {
    if (r.fault === 'rate-limit' || r.fault === 'throttle') continue;
    counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  }
  return counts;
}

/** The environment of a child that plays a Lambda function against the fakes. */
export function lambdaEnv(
  fakes: Fakes,
  work: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  mkdirSync(work, { recursive: true });
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    TZ: 'UTC',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
    AWS_ENDPOINT_URL_DYNAMODB: fakes.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: fakes.endpoints.sns,
    AWS_ENDPOINT_URL_EVENTBRIDGE: fakes.endpoints.eventbridge,
    AWS_ENDPOINT_URL_ECR: fakes.endpoints.ecr,
    LEDGER_TABLE_NAME: TABLE,
    ALERTS_TOPIC_ARN: TOPIC,
    FINDINGS_BUS_ARN: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS_NAME}`,
    ALERT_MIN_SEVERITY: 'LOW',
    POWERTOOLS_SERVICE_NAME: 'ecr-tag-auditor',
    POWERTOOLS_METRICS_NAMESPACE: 'ecr-tag-auditor',
    ...extra,
  };
}

/** A Lambda context for `functionName`, as the runtime passes it. */
export function lambdaContext(functionName: string) {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/07/24/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
  };
}

/** `sha256:` and 64 hex digits made from a number. */
export function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}

/** An ECR Image Action event as EventBridge delivers it. */
export function imagePush(options: {
  id: string;
  repository: string;
  tag: string;
  digest: string;
  time?: string;
  action?: 'PUSH' | 'DELETE';
}): Record<string, unknown> {
  return {
    version: '0',
    id: options.id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: ACCOUNT,
    time: options.time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': options.repository,
      'image-digest': options.digest,
      'action-type': options.action ?? 'PUSH',
      'image-tag': options.tag,
    },
  };
}

/** An `AWS API Call via CloudTrail` PutImage event (what the api-call function receives). */
export function cloudTrailPutImage(options: {
  id: string;
  repository: string;
  tag: string;
  digest: string;
}): Record<string, unknown> {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    version: '0',
    id: `envelope-${options.id}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci/build`,
        accountId: ACCOUNT,
      },
      eventTime: time,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutImage',
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'docker/27.0',
      requestParameters: {
        repositoryName: options.repository,
        imageTag: options.tag,
        registryId: ACCOUNT,
        imageManifest: '{}',
      },
      responseElements: {
        image: {
          repositoryName: options.repository,
          registryId: ACCOUNT,
          imageManifest: '{}',
          imageId: { imageDigest: options.digest, imageTag: options.tag },
        },
      },
      requestID: `req-${options.id}`,
      eventID: options.id,
      eventType: 'AwsApiCall',
      recipientAccountId: ACCOUNT,
    },
  };
}
