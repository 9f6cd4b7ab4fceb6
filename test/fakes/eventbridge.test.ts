import {
  PutEventsCommand,
  type PutEventsRequestEntry,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeClient } from './clients.ts';
import {
  EVENTS_TARGET_PREFIX,
  entrySize,
  FakeEventBridge,
  MAX_REQUEST_BYTES,
} from './eventbridge.ts';
import { fault, type StartedServer } from './http.ts';

const events = new FakeEventBridge({ buses: ['auditor-events'] });
let server: StartedServer;

beforeAll(async () => {
  server = await events.start();
});
afterAll(() => server.close());
beforeEach(() => events.reset());

const BUS = events.busArn('auditor-events');
const entry = (n: number, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'test.source',
  DetailType: 'Test Event',
  Detail: JSON.stringify({ n }),
  EventBusName: BUS,
  ...extra,
});
/** Sends one PutEvents with the SDK's standard retries off (one attempt). */
const send = (entries: PutEventsRequestEntry[]) =>
  eventBridgeClient(server, { maxAttempts: 1 }).send(new PutEventsCommand({ Entries: entries }));

describe('fake EventBridge speaks AWS JSON 1.1 like the installed client', () => {
  it('accepts entries and keeps each as a rule on its bus receives it', async () => {
    // Prepare
    const time = new Date('2025-07-24T10:00:00Z');
    // Act
    const out = await send([entry(1, { Time: time, Resources: ['arn:aws:ecr:x'] }), entry(2)]);
    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.map((e) => e.EventId)).toEqual(events.put.map((p) => p.event.id));
    expect(events.put[0]).toEqual({
      bus: 'auditor-events',
      event: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Test Event',
        source: 'test.source',
        account: '123456789012',
        time: '2025-07-24T10:00:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:ecr:x'],
        detail: { n: 1 },
      },
    });
    const [request] = events.requests;
    expect(request?.headers['x-amz-target']).toBe(`${EVENTS_TARGET_PREFIX}PutEvents`);
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('takes a bus by name, and the default bus when none is named', async () => {
    await send([
      entry(1, { EventBusName: 'auditor-events' }),
      entry(2, { EventBusName: undefined }),
    ]);
    expect(events.put.map((p) => p.bus)).toEqual(['auditor-events', 'default']);
  });

  it('refuses more than 10 entries, and none, as a whole', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => entry(i));
    await expect(send(eleven)).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send(eleven)).rejects.toThrow('less than or equal to 10');
    await expect(send([])).rejects.toThrow('greater than or equal to 1');
    expect(await send(eleven.slice(0, 10))).toMatchObject({ FailedEntryCount: 0 });
    expect(events.put).toHaveLength(10);
  });

  it('counts the entries’ size as AWS documents it, and refuses a request over 256 KB as a whole', async () => {
    // Prepare: Time 14 bytes; Source, DetailType, Detail and each resource in UTF-8 bytes.
    const sized = { Source: 'ab', DetailType: 'cd', Detail: '{"é":1}', Resources: ['x', 'yz'] };
    expect(entrySize(sized)).toBe(2 + 2 + 8 + 1 + 2);
    expect(entrySize({ ...sized, Time: 1 })).toBe(14 + 15);
    const base = entrySize({ Source: 's', DetailType: 't', Detail: '{"p":""}' });
    const padded = (bytes: number) => ({
      Source: 's',
      DetailType: 't',
      Detail: JSON.stringify({ p: 'x'.repeat(bytes - base) }),
      EventBusName: BUS,
    });
    // Act, Assess: two entries of exactly half the limit pass; one byte more fails whole.
    const half = MAX_REQUEST_BYTES / 2;
    expect(await send([padded(half), padded(half)])).toMatchObject({ FailedEntryCount: 0 });
    const over = send([padded(half), padded(half + 1)]);
    await expect(over).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(over).rejects.toThrow(
      'Total size of the entries in the request is over the limit',
    );
    expect(events.put).toHaveLength(2);
  });

  it.each([
    ['no Source', { Source: undefined }, 'InvalidArgument', 'Source is a required argument'],
    ['no DetailType', { DetailType: undefined }, 'InvalidArgument', 'DetailType'],
    ['no Detail', { Detail: undefined }, 'InvalidArgument', 'Detail is a required argument'],
    ['a Detail that is not JSON', { Detail: '{"a":' }, 'MalformedDetail', 'Detail is malformed'],
    ['a Detail that is a JSON array', { Detail: '[1]' }, 'MalformedDetail', 'malformed'],
    ['a Detail that is a JSON string', { Detail: '"x"' }, 'MalformedDetail', 'malformed'],
    ['an unknown bus', { EventBusName: 'nope' }, 'ResourceNotFoundException', 'nope'],
    [
      'a bus of another account',
      { EventBusName: 'arn:aws:events:us-east-1:999999999999:event-bus/auditor-events' },
      'ResourceNotFoundException',
      'does not exist',
    ],
  ] as const)(
    'fails the entry with %s, and accepts the others',
    async (_, change, code, message) => {
      const out = await send([entry(1), entry(2, change), entry(3)]);
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.EventId).toBeDefined();
      expect(out.Entries?.[1]).toEqual({
        ErrorCode: code,
        ErrorMessage: expect.stringContaining(message),
      });
      expect(out.Entries?.[2]?.EventId).toBeDefined();
      expect(events.put.map((p) => p.event.detail)).toEqual([{ n: 1 }, { n: 3 }]);
    },
  );

  it('reports injected per-entry failures at their index, counting the requests', async () => {
    // Prepare: the second entry of the first request throttled, every entry of the second fails.
    events.entryFault = (e, n) =>
      n === 2 || JSON.parse(String(e.Detail)).n === 2
        ? { code: n === 2 ? 'InternalFailure' : 'ThrottlingException', message: 'injected' }
        : undefined;
    // Act
    const first = await send([entry(1), entry(2), entry(3)]);
    const second = await send([entry(4)]);
    // Assess
    expect(first.FailedEntryCount).toBe(1);
    expect(first.Entries?.[1]).toEqual({
      ErrorCode: 'ThrottlingException',
      ErrorMessage: 'injected',
    });
    expect(second).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'injected' }],
    });
    expect(events.put.map((p) => p.event.detail)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('throttles and fails whole requests when told, as ThrottlingException and 500', async () => {
    events.inject('PutEvents', fault.throttle());
    await expect(send([entry(1)])).rejects.toBeInstanceOf(ThrottlingException);
    events.inject('PutEvents', fault.internal());
    await expect(send([entry(1)])).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    // The SDK's own retries ride out both.
    events.inject('PutEvents', fault.throttle(), fault.internal());
    const retried = await eventBridgeClient(server, { retryDelayMs: 1 }).send(
      new PutEventsCommand({ Entries: [entry(5)] }),
    );
    expect(retried.FailedEntryCount).toBe(0);
    expect(events.put.map((p) => p.event.detail)).toEqual([{ n: 5 }]);
    expect(events.count('PutEvents')).toBe(5);
  });
});
