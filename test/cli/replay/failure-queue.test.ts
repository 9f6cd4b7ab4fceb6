/**
 * `replay` of the failure queue's records (README "Failed events", docs/intake.md "The failure
 * queue"; reliability issue, item 12): Lambda's on-failure destination records, and the output of
 * `aws sqs receive-message` whose bodies hold them, give the findings of the bare events.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import type { Json } from '../../support/json.ts';
import {
  cloudTrailPush,
  linesOf,
  ndjson,
  reEscape,
  specPolicy,
  tempDir,
  viaEventBridge,
  write,
} from '../support.ts';
import { push, replayJson } from './support.ts';

/**
 * The record Lambda sends to an SQS on-failure destination after the retries of an asynchronous
 * invocation (AWS Lambda Developer Guide, "Capturing records of Lambda asynchronous
 * invocations"): the event is its `requestPayload`.
 */
function destinationRecord(event: Json, fn: string): Json {
  return {
    version: '1.0',
    timestamp: '2025-07-24T00:09:41.772Z',
    requestContext: {
      requestId: 'c9a5b6d1-54d3-4b1e-9a50-3f1c0e2d7a11',
      functionArn: `arn:aws:lambda:us-east-2:123456789012:function:ecr-tag-auditor-prod-${fn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: 'AlertDeliveryError',
      errorMessage: 'SNS Publish failed: ThrottlingException',
      trace: ['AlertDeliveryError: SNS Publish failed', '    at publishAlerts (…)'],
    },
  };
}

/** What `aws sqs receive-message --max-number-of-messages 10` prints (4-space indent). */
function receiveMessageOutput(bodies: readonly string[]): string {
  const messages = bodies.map((body, i) => ({
    MessageId: `5fea7756-0ea4-451a-a703-a558b933e27${i}`,
    ReceiptHandle: `AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq…${i}`,
    MD5OfBody: createHash('md5').update(body).digest('hex'),
    Body: body,
  }));
  return `${JSON.stringify({ Messages: messages }, null, 4)}\n`;
}

/** An ECR Image Action push, then the CloudTrail PutImage that overwrites it (via EventBridge). */
function overwrite(): { imageAction: Json; apiCall: Json } {
  return {
    imageAction: push('web', 'v1', 1, 0),
    apiCall: viaEventBridge(
      cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 }),
    ),
  };
}

describe('replay of the failure queue', () => {
  it('destination records give the findings of the bare events (NDJSON and pretty files)', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const { imageAction, apiCall } = overwrite();
    const bare = write(dir, 'bare.ndjson', ndjson([imageAction, apiCall]));
    const records = [
      destinationRecord(imageAction, 'imageAction'),
      destinationRecord(apiCall, 'apiCall'),
    ];
    const asNdjson = write(dir, 'records.ndjson', ndjson(records));
    const first = write(dir, 'record-1.json', JSON.stringify(records[0], null, 2));
    const second = write(dir, 'record-2.json', JSON.stringify(records[1], null, 2));
    // Act
    const expected = await replayJson(policy, [bare]);
    const fromNdjson = await replayJson(policy, [asNdjson]);
    const fromFiles = await replayJson(policy, [first, second]);
    // Assess
    expect(expected.findings).toMatchObject([{ kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1' }]);
    expect(fromNdjson.findings).toEqual(expected.findings);
    expect(fromNdjson.code).toBe(0);
    expect(fromFiles.findings).toEqual(expected.findings);
    expect(fromFiles.code).toBe(0);
  });

  it('the output of aws sqs receive-message gives the findings of the bare events', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const { imageAction, apiCall } = overwrite();
    const bare = write(dir, 'bare.ndjson', ndjson([imageAction, apiCall]));
    const messages = write(
      dir,
      'messages.json',
      receiveMessageOutput([
        JSON.stringify(destinationRecord(imageAction, 'imageAction')),
        JSON.stringify(destinationRecord(apiCall, 'apiCall')),
      ]),
    );
    // Act
    const expected = await replayJson(policy, [bare]);
    const run = await replayJson(policy, [messages]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toEqual(expected.findings);
    expect(run.findings).toHaveLength(1);
  });

  it('an event EventBridge could not deliver (its bare event as the Body) is replayed too', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const { imageAction, apiCall } = overwrite();
    const messages = write(
      dir,
      'messages.json',
      receiveMessageOutput([
        JSON.stringify(imageAction),
        JSON.stringify(destinationRecord(apiCall, 'apiCall')),
      ]),
    );
    const run = await replayJson(policy, [messages]);
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([{ kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1' }]);
  });

  it('a Body that holds neither is reported as file:line: Messages[N].Body, the others used', async () => {
    // Prepare: message 1 is not JSON, message 2 is some other JSON, message 3 a broken event
    const dir = tempDir();
    const policy = specPolicy(dir);
    const { imageAction, apiCall } = overwrite();
    const broken = push('web', 'v2', 3, 6);
    delete (broken.detail as Json)['image-digest'];
    const text = receiveMessageOutput([
      JSON.stringify(destinationRecord(imageAction, 'imageAction')),
      'not json',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(destinationRecord(broken, 'imageAction')),
      JSON.stringify(destinationRecord(apiCall, 'apiCall')),
    ]);
    const messages = write(dir, 'messages.json', text);
    const lineOf = (n: number) =>
      text
        .split('\n')
        .findIndex((l) => l.includes(`"MessageId": "5fea7756-0ea4-451a-a703-a558b933e27${n}"`));
    // Act
    const run = await replayJson(policy, [messages]);
    // Assess: each reported on the line where its message begins (the line above its MessageId)
    expect(run.code).toBe(3);
    const at = (n: number) => `${reEscape(messages)}:${lineOf(n)}: Messages\\[${n}\\]\\.Body`;
    expect(linesOf(run.stderr).slice(0, 3)).toEqual([
      expect.stringMatching(new RegExp(`^${at(1)}: not JSON: `)),
      expect.stringMatching(
        new RegExp(`^${at(2)}: neither a Lambda destination record nor an EventBridge event$`),
      ),
      expect.stringMatching(
        new RegExp(
          `^${at(3)}\\.requestPayload: ECR Image Action PUSH: detail\\.image-digest is missing$`,
        ),
      ),
    ]);
    expect(run.findings).toMatchObject([{ kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1' }]);
  });
});
