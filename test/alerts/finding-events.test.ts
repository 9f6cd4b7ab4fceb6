/**
 * putFindingEvent with the real EventBridge client against the fake EventBridge: the finding as
 * one event on the auditor's bus, entries PutEvents failed retried when AWS documents their
 * error as retryable, and every other failure a FindingEventError (an AlertDeliveryError), never
 * a silent drop.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import {
  type FindingEventDeps,
  FindingEventError,
  putFindingEvent,
} from '../../lib/aws/finding-events.ts';
import {
  FINDING_EVENT_DETAIL_TYPE,
  FINDING_EVENT_SOURCE,
} from '../../lib/core/delivery/finding-event.ts';
import { BUS, BUS_NAME } from '../aws/support.ts';
import { eventBridgeClient } from '../fakes/clients.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { sampleFinding } from './findings.ts';

const events = new FakeEventBridge({ buses: [BUS_NAME] });
let server: StartedServer;
let deps: FindingEventDeps;

beforeAll(async () => {
  server = await events.start();
  deps = {
    events: eventBridgeClient(server, { maxAttempts: 3, retryDelayMs: 1 }),
    eventBusArn: BUS,
    entryRetryDelaysMs: [0, 0, 0],
  };
});
afterAll(() => server.close());
beforeEach(() => events.reset());

const finding = sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'evt-1' });
/** Fails the entry of the first `times` PutEvents requests with `code`. */
const failFirst = (times: number, code: string) => {
  events.entryFault = (_, n) => (n <= times ? { code, message: `injected ${code}` } : undefined);
};

describe('putFindingEvent', () => {
  it('puts the finding as one event: source, detail-type and the finding JSON as detail, on the bus', async () => {
    await putFindingEvent(finding, deps);
    expect(events.count('PutEvents')).toBe(1);
    expect(events.requests[0]?.body).toEqual({
      Entries: [
        {
          Source: 'ecr-tag-auditor',
          DetailType: 'ECR Tag Audit Finding',
          Detail: JSON.stringify(finding),
          EventBusName: BUS,
        },
      ],
    });
    expect(events.put).toEqual([
      {
        bus: BUS_NAME,
        event: expect.objectContaining({
          source: FINDING_EVENT_SOURCE,
          'detail-type': FINDING_EVENT_DETAIL_TYPE,
          detail: JSON.parse(JSON.stringify(finding)),
        }),
      },
    ]);
  });

  it.each(['ThrottlingException', 'InternalFailure'])(
    'puts an entry that failed with %s again, until it is accepted (FailedEntryCount is not success)',
    async (code) => {
      failFirst(3, code);
      await putFindingEvent(finding, deps);
      expect(events.count('PutEvents')).toBe(4);
      expect(events.put.map((p) => p.event.detail.id)).toEqual(['evt-1']);
    },
  );

  it('fails with FindingEventError, an AlertDeliveryError, once the retryable failures outlast its retries', async () => {
    failFirst(4, 'ThrottlingException');
    const put = putFindingEvent(finding, deps);
    await expect(put).rejects.toBeInstanceOf(FindingEventError);
    await expect(put).rejects.toBeInstanceOf(AlertDeliveryError);
    await expect(put).rejects.toThrow(
      'could not put evt-1 on the event bus: ThrottlingException: injected ThrottlingException',
    );
    await expect(put).rejects.toMatchObject({ cause: { code: 'ThrottlingException' } });
    expect(events.count('PutEvents')).toBe(4);
    expect(events.put).toEqual([]);
  });

  it.each([
    'AccessDeniedException',
    'NotAuthorizedForSourceException',
    'InvalidArgument',
    'MalformedDetail',
  ])('fails at once, without putting again, on %s', async (code) => {
    failFirst(1, code);
    await expect(putFindingEvent(finding, deps)).rejects.toThrow(`: ${code}: injected ${code}`);
    expect(events.count('PutEvents')).toBe(1);
    expect(events.put).toEqual([]);
  });

  it('fails when the bus does not exist (the entry is refused, not dropped)', async () => {
    const missing = { ...deps, eventBusArn: events.busArn('no-such-bus') };
    await expect(putFindingEvent(finding, missing)).rejects.toThrow('ResourceNotFoundException');
    expect(events.put).toEqual([]);
  });

  it('fails when the whole request fails beyond the SDK retries (throttling, 500), with the cause', async () => {
    events.inject('PutEvents', fault.throttle(), fault.throttle(), fault.throttle());
    const throttled = putFindingEvent(finding, deps);
    await expect(throttled).rejects.toBeInstanceOf(FindingEventError);
    await expect(throttled).rejects.toMatchObject({ cause: { name: 'ThrottlingException' } });
    events.inject('PutEvents', fault.internal(), fault.internal(), fault.internal());
    await expect(putFindingEvent(finding, deps)).rejects.toBeInstanceOf(FindingEventError);
    expect(events.count('PutEvents')).toBe(6);
    expect(events.put).toEqual([]);
    // The SDK's own retries ride out fewer.
    events.inject('PutEvents', fault.throttle(), fault.internal());
    await putFindingEvent(finding, deps);
    expect(events.put).toHaveLength(1);
  });
});
