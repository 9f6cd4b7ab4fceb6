/**
 * The failure queue's wrappers (lib/io/events/failure-queue.ts; docs/intake.md, "The failure
 * queue"): what one message of `aws sqs receive-message` holds.
 */
import { describe, expect, it } from 'vitest';
import { isDestinationRecord, messageEvent } from '../../lib/io/events/failure-queue.ts';
import { sample } from '../support/fixtures.ts';

const event = sample('ecr-image-action-push');
const record = {
  version: '1.0',
  timestamp: '2019-11-14T18:16:05.568Z',
  requestContext: { requestId: 'r1', functionArn: 'arn:…', condition: 'RetriesExhausted' },
  requestPayload: event,
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  responsePayload: { errorMessage: 'boom' },
};

describe('isDestinationRecord', () => {
  it('needs a requestContext object and a requestPayload', () => {
    expect(isDestinationRecord(record)).toBe(true);
    expect(isDestinationRecord({ ...record, requestContext: 'x' })).toBe(false);
    expect(isDestinationRecord({ requestContext: {} })).toBe(false);
    expect(isDestinationRecord(event)).toBe(false);
  });
});

describe('messageEvent', () => {
  it('a Body holding a destination record gives its requestPayload', () => {
    expect(messageEvent({ MessageId: 'm', Body: JSON.stringify(record) })).toEqual({
      ok: true,
      event,
      path: 'Body.requestPayload',
    });
  });

  it('a Body holding a bare EventBridge event gives the event', () => {
    expect(messageEvent({ Body: JSON.stringify(event) })).toEqual({
      ok: true,
      event,
      path: 'Body',
    });
  });

  it.each([
    ['a message that is not an object', 'm1', 'not an SQS message (not an object)'],
    ['a message without Body', { MessageId: 'm' }, 'Body is missing'],
    ['a Body that is not a string', { Body: record }, 'Body is not a string'],
    [
      'a Body that is other JSON',
      { Body: '{"Records": []}' },
      'Body: neither a Lambda destination record nor an EventBridge event',
    ],
  ])('%s is refused, naming why', (_, message, reason) => {
    expect(messageEvent(message)).toEqual({ ok: false, reason });
  });

  it('a Body that is not JSON is refused with a short parser message', () => {
    const found = messageEvent({ Body: `{${'x'.repeat(500)}` });
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.reason).toMatch(/^Body: not JSON: /);
      expect(found.reason.length).toBeLessThan(140);
    }
  });
});
