import {
  BatchEntryIdsNotDistinctException,
  InvalidParameterException,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  type PublishCommandInput,
  TooManyEntriesInBatchRequestException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snsClient } from './clients.ts';
import { AwsError, fault, type StartedServer } from './http.ts';
import { FakeSns, SNS_MAX_MESSAGE_BYTES } from './sns.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecr-tag-auditor-alerts';
const sns = new FakeSns({ topics: [TOPIC] });
let server: StartedServer;

beforeAll(async () => {
  server = await sns.start();
});
afterAll(() => server.close());
beforeEach(() => sns.reset());

const body = JSON.stringify({
  default: 'Tag v1 of payments was overwritten',
  https: JSON.stringify({ version: '1.0', source: 'custom', content: { title: 'é ✓' } }),
});

describe('fake SNS speaks awsQuery like the installed client', () => {
  it('decodes a Publish with subject, JSON structure and message attributes exactly; subscribers get no attributes', async () => {
    const out = await snsClient(server).send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'HIGH: TAG_OVERWRITE_VIOLATION payments:v1 & more',
        Message: body,
        MessageStructure: 'json',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'HIGH' },
          kind: { DataType: 'String', StringValue: 'TAG_OVERWRITE_VIOLATION' },
          count: { DataType: 'Number', StringValue: '3' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 255]) },
        },
      }),
    );
    expect(sns.published).toEqual([
      {
        messageId: out.MessageId,
        topicArn: TOPIC,
        subject: 'HIGH: TAG_OVERWRITE_VIOLATION payments:v1 & more',
        message: body,
        messageStructure: 'json',
        // SNS sends message attributes only when the message structure is String, not JSON.
        messageAttributes: {},
        sentAttributes: {
          severity: { dataType: 'String', stringValue: 'HIGH' },
          kind: { dataType: 'String', stringValue: 'TAG_OVERWRITE_VIOLATION' },
          count: { dataType: 'Number', stringValue: '3' },
          raw: { dataType: 'Binary', binaryValue: Buffer.from([0, 1, 255]) },
        },
      },
    ]);
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const [request] = sns.requests;
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.body).toMatchObject({
      Action: 'Publish',
      Version: '2010-03-31',
      'MessageAttributes.entry.1.Name': 'severity',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'HIGH',
    });
  });

  it('records subject and structure as undefined when absent', async () => {
    await snsClient(server).send(new PublishCommand({ TopicArn: TOPIC, Message: 'plain' }));
    expect(sns.published[0]).toMatchObject({
      subject: undefined,
      messageStructure: undefined,
      messageAttributes: {},
    });
    expect(sns.published[0]).toHaveProperty('subject');
  });

  const base: PublishCommandInput = { TopicArn: TOPIC, Message: 'hello' };
  /** A message of `length` bytes with one attribute of 18 bytes ('severity', 'String', 'HIGH'). */
  const withSeverity = (length: number): PublishCommandInput => ({
    ...base,
    Message: 'x'.repeat(length),
    MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } },
  });
  const invalid: [string, PublishCommandInput, string][] = [
    [
      'a subject with a line break',
      { ...base, Subject: 'two\nlines' },
      'Invalid parameter: Subject',
    ],
    [
      'a 101-character subject',
      { ...base, Subject: 'x'.repeat(101) },
      'Invalid parameter: Subject',
    ],
    ['a non-ASCII subject', { ...base, Subject: 'café' }, 'Invalid parameter: Subject'],
    ['an empty subject', { ...base, Subject: '' }, 'Invalid parameter: Subject'],
    [
      'a message over 256 KB',
      { ...base, Message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES + 1) },
      'Invalid parameter: Message too long',
    ],
    [
      'a message one byte over the limit with its attribute (name, type and value count)',
      withSeverity(SNS_MAX_MESSAGE_BYTES - 17),
      'Invalid parameter: Message too long',
    ],
    [
      'JSON structure without default',
      { ...base, MessageStructure: 'json', Message: '{"email":"x"}' },
      'No default entry in JSON message body',
    ],
    [
      'JSON structure that is not JSON',
      { ...base, MessageStructure: 'json', Message: 'not json' },
      'JSON message body failed to parse',
    ],
    [
      '11 message attributes',
      {
        ...base,
        MessageAttributes: Object.fromEntries(
          Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
        ),
      },
      'Number of message attributes [11] exceeds the allowed maximum [10]',
    ],
    [
      'an attribute without a value',
      { ...base, MessageAttributes: { severity: { DataType: 'String', StringValue: '' } } },
      "must contain non-empty message attribute value for message attribute type 'String'",
    ],
  ];
  it.each(invalid)('rejects %s with InvalidParameterException', async (_, input, message) => {
    const sent = snsClient(server).send(new PublishCommand(input));
    await expect(sent).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(sent).rejects.toThrow(message);
    expect(sns.published).toEqual([]);
    expect(sns.count('Publish')).toBe(1);
  });

  it('accepts a message of exactly 256 KB including its attribute', async () => {
    await snsClient(server).send(new PublishCommand(withSeverity(SNS_MAX_MESSAGE_BYTES - 18)));
    expect(sns.published[0]?.message).toHaveLength(SNS_MAX_MESSAGE_BYTES - 18);
  });

  it('accepts a subject of exactly 100 printable characters and 10 attributes', async () => {
    await snsClient(server).send(
      new PublishCommand({
        ...base,
        Subject: `${'x'.repeat(99)}~`,
        MessageAttributes: Object.fromEntries(
          Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
        ),
      }),
    );
    expect(sns.published).toHaveLength(1);
  });

  it('answers an unknown topic with NotFoundException (404)', async () => {
    const sent = snsClient(server).send(
      new PublishCommand({ ...base, TopicArn: 'arn:aws:sns:us-east-1:123456789012:missing' }),
    );
    await expect(sent).rejects.toBeInstanceOf(NotFoundException);
    await expect(sent).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('publishes a batch, reporting invalid and injected entry failures in Failed', async () => {
    sns.entryFault = (entry) =>
      entry.id === 'boom' ? new AwsError('InternalError', 'injected', 500) : undefined;
    const out = await snsClient(server).send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: [
          {
            Id: 'ok-1',
            Message: 'one',
            Subject: 'first',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'CONFIG_DRIFT' } },
          },
          { Id: 'bad', Message: 'two', Subject: 'bad\r\nsubject' },
          { Id: 'boom', Message: 'three' },
          { Id: 'ok_2', Message: body, MessageStructure: 'json' },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toEqual(['ok-1', 'ok_2']);
    expect(out.Failed).toEqual([
      {
        Id: 'bad',
        Code: 'InvalidParameter',
        Message: 'Invalid parameter: Subject',
        SenderFault: true,
      },
      { Id: 'boom', Code: 'InternalError', Message: 'injected', SenderFault: false },
    ]);
    expect(sns.published).toEqual([
      {
        messageId: out.Successful?.[0]?.MessageId,
        topicArn: TOPIC,
        subject: 'first',
        message: 'one',
        messageStructure: undefined,
        messageAttributes: { kind: { dataType: 'String', stringValue: 'CONFIG_DRIFT' } },
        sentAttributes: { kind: { dataType: 'String', stringValue: 'CONFIG_DRIFT' } },
      },
      expect.objectContaining({ messageId: out.Successful?.[1]?.MessageId, message: body }),
    ]);
  });

  it('rejects batches of more than 10 entries or with duplicate ids', async () => {
    const client = snsClient(server);
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, Message: 'm' }));
    await expect(
      client.send(
        new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequestException);
    await expect(
      client.send(
        new PublishBatchCommand({
          TopicArn: TOPIC,
          PublishBatchRequestEntries: [
            { Id: 'same', Message: 'a' },
            { Id: 'same', Message: 'b' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinctException);
    expect(sns.published).toEqual([]);
  });

  it('retries Throttled (429) and InternalError (500), then publishes once', async () => {
    sns.inject('Publish', fault.throttle(), fault.error('InternalError', 500));
    const out = await snsClient(server, { retryDelayMs: 1 }).send(new PublishCommand(base));
    expect(out.$metadata.attempts).toBe(3);
    expect(sns.count('Publish')).toBe(3);
    expect(sns.published.map((p) => p.messageId)).toEqual([out.MessageId]);
  });

  it('gives up on Throttled with the typed error when attempts run out', async () => {
    sns.inject('Publish', fault.throttle());
    const sent = snsClient(server, { maxAttempts: 1 }).send(new PublishCommand(base));
    await expect(sent).rejects.toMatchObject({
      name: 'ThrottledException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(sns.published).toEqual([]);
  });
});
