import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_CALL_PATTERN,
  type EventPattern,
  IMAGE_ACTION_PATTERN,
  matchesPattern,
  SCAN_SCHEDULE,
} from '../../infra/event-patterns.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

/** A raw CloudTrail record as EventBridge delivers it (the envelope of "AWS API Call via CloudTrail"). */
function viaEventBridge(record: Json): Json {
  return {
    version: '0',
    id: '11111111-2222-3333-4444-555555555555',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

const push = sample('ecr-image-action-push');
const del = sample('ecr-image-action-delete');
const putImageEvent = sample('eventbridge-cloudtrail-put-image');
const putImageRecord = sample('cloudtrail-record-put-image');
const createRepositoryRecord = sample('cloudtrail-record-create-repository');

const with_ = (event: Json, patch: Json): Json => ({ ...event, ...patch });
const withDetail = (event: Json, patch: Json): Json => ({
  ...event,
  detail: { ...(event.detail as Json), ...patch },
});

const PATTERNS: readonly [string, EventPattern][] = [
  ['IMAGE_ACTION_PATTERN', IMAGE_ACTION_PATTERN],
  ['API_CALL_PATTERN', API_CALL_PATTERN],
];
const routed = (event: unknown) =>
  PATTERNS.filter(([, p]) => matchesPattern(p, event)).map(([n]) => n);

describe('the AWS documentation samples are routed to exactly one function', () => {
  it.each([
    ['ECR Image Action PUSH', push, ['IMAGE_ACTION_PATTERN']],
    ['ECR Image Action DELETE', del, ['IMAGE_ACTION_PATTERN']],
    ['CloudTrail PutImage via EventBridge', putImageEvent, ['API_CALL_PATTERN']],
    ['CloudTrail PutImage record, enveloped', viaEventBridge(putImageRecord), ['API_CALL_PATTERN']],
    [
      'CloudTrail CreateRepository record, enveloped',
      viaEventBridge(createRepositoryRecord),
      ['API_CALL_PATTERN'],
    ],
  ])('%s', (_name, event, expected) => {
    expect(routed(event)).toEqual(expected);
  });

  it('a raw CloudTrail record (no EventBridge envelope) matches nothing', () => {
    expect(routed(putImageRecord)).toEqual([]);
    expect(routed(createRepositoryRecord)).toEqual([]);
  });

  it('routes a failed PutImage (the refused overwrite) to the API-call function', () => {
    const refused = withDetail(putImageEvent, {
      errorCode: 'ImageTagAlreadyExistsException',
      errorMessage: "The image tag 'v1' already exists",
      responseElements: null,
    });
    expect(routed(refused)).toEqual(['API_CALL_PATTERN']);
  });

  it.each(API_CALL_PATTERN.detail.eventName)('routes CloudTrail %s', (eventName) => {
    expect(routed(withDetail(putImageEvent, { eventName }))).toEqual(['API_CALL_PATTERN']);
  });
});

describe('other events are rejected', () => {
  it.each([
    ['another source', with_(push, { source: 'aws.ecs' })],
    ['another detail-type (image scan)', with_(push, { 'detail-type': 'ECR Image Scan' })],
    ['another detail-type (replication)', with_(push, { 'detail-type': 'ECR Replication Action' })],
    ['a FAILURE push', withDetail(push, { result: 'FAILURE' })],
    ['a FAILURE delete', withDetail(del, { result: 'FAILURE' })],
    ['an unknown action-type', withDetail(push, { 'action-type': 'PULL' })],
    ['an image action without result', { ...push, detail: { 'action-type': 'PUSH' } }],
    ['an image action without detail', { source: 'aws.ecr', 'detail-type': 'ECR Image Action' }],
    [
      'a CloudTrail call from another service',
      withDetail(putImageEvent, { eventSource: 'ecs.amazonaws.com' }),
    ],
    [
      'a read-only call (DescribeRepositories)',
      withDetail(putImageEvent, { eventName: 'DescribeRepositories' }),
    ],
    ['a read-only call (BatchGetImage)', withDetail(putImageEvent, { eventName: 'BatchGetImage' })],
    [
      'an unrelated write (SetRepositoryPolicy)',
      withDetail(putImageEvent, { eventName: 'SetRepositoryPolicy' }),
    ],
    ['an eventName in another case', withDetail(putImageEvent, { eventName: 'putimage' })],
    ['a CloudTrail event from another source', with_(putImageEvent, { source: 'aws.s3' })],
    ['detail that is a string', with_(push, { detail: 'SUCCESS' })],
    ['not an object', 'aws.ecr'],
    ['null', null],
  ])('%s', (_name, event) => {
    expect(routed(event)).toEqual([]);
  });
});

describe('matchesPattern follows EventBridge semantics', () => {
  it('matches when an array in the event holds one of the values', () => {
    expect(matchesPattern({ resources: ['a', 'b'] }, { resources: ['x', 'b'] })).toBe(true);
    expect(matchesPattern({ resources: ['a', 'b'] }, { resources: ['x', 'y'] })).toBe(false);
    expect(matchesPattern({ resources: ['a'] }, { resources: [] })).toBe(false);
  });

  it('compares exactly: no prefix, no case folding, no type coercion', () => {
    expect(matchesPattern({ a: ['PUSH'] }, { a: 'PUSHED' })).toBe(false);
    expect(matchesPattern({ a: ['PUSH'] }, { a: 'push' })).toBe(false);
    expect(matchesPattern({ a: ['1'] }, { a: 1 })).toBe(false);
    expect(matchesPattern({ a: [1] }, { a: 1 })).toBe(true);
  });

  it('does not match a nested pattern against a scalar, nor a value list against an object', () => {
    expect(matchesPattern({ detail: { a: ['x'] } }, { detail: 'x' })).toBe(false);
    expect(matchesPattern({ detail: ['x'] }, { detail: { a: 'x' } })).toBe(false);
  });

  const field = fc.string({ minLength: 1, maxLength: 12 });
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );

  it('ignores event fields the pattern does not name (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(push, del, putImageEvent),
        fc.dictionary(field, value),
        (event, extra) => {
          const named = new Set(['source', 'detail-type', 'detail']);
          const added = Object.fromEntries(Object.entries(extra).filter(([k]) => !named.has(k)));
          expect(routed({ ...added, ...event })).toEqual(routed(event));
        },
      ),
    );
  });

  it('never matches when a field the pattern names is absent (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(push, del, putImageEvent),
        fc.constantFrom('source', 'detail-type', 'detail'),
        (event, missing) => {
          const { [missing]: _dropped, ...rest } = event;
          expect(routed(rest)).toEqual([]);
        },
      ),
    );
  });
});

describe('non-ECR events never match (property)', () => {
  const notIn = (values: readonly string[]) =>
    fc.string({ maxLength: 40 }).filter((s) => !values.includes(s));

  it('a random source', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(push, del, putImageEvent),
        notIn(['aws.ecr']),
        (event, source) => {
          expect(routed(with_(event, { source }))).toEqual([]);
        },
      ),
    );
  });

  it('a random detail-type', () => {
    const known = [...IMAGE_ACTION_PATTERN['detail-type'], ...API_CALL_PATTERN['detail-type']];
    fc.assert(
      fc.property(fc.constantFrom(push, del, putImageEvent), notIn(known), (event, detailType) => {
        expect(routed(with_(event, { 'detail-type': detailType }))).toEqual([]);
      }),
    );
  });

  it('a random CloudTrail eventSource', () => {
    fc.assert(
      fc.property(notIn(['ecr.amazonaws.com']), (eventSource) => {
        expect(routed(withDetail(putImageEvent, { eventSource }))).toEqual([]);
      }),
    );
  });

  it('a random CloudTrail eventName', () => {
    fc.assert(
      fc.property(notIn(API_CALL_PATTERN.detail.eventName), (eventName) => {
        expect(routed(withDetail(putImageEvent, { eventName }))).toEqual([]);
      }),
    );
  });

  it('a random image-action result or action-type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(push, del),
        fc.constantFrom('result', 'action-type'),
        notIn(['SUCCESS', 'PUSH', 'DELETE']),
        (event, key, replacement) => {
          expect(routed(withDetail(event, { [key]: replacement }))).toEqual([]);
        },
      ),
    );
  });
});

describe('SCAN_SCHEDULE', () => {
  it('is an EventBridge rate expression of whole hours, between 1 and 24', () => {
    const match = /^rate\((\d+) hours?\)$/.exec(SCAN_SCHEDULE);
    expect(match).not.toBeNull();
    const hours = Number(match?.[1]);
    expect(hours).toBeGreaterThanOrEqual(1);
    expect(hours).toBeLessThanOrEqual(24);
    // EventBridge requires the singular unit for 1 and the plural otherwise.
    expect(SCAN_SCHEDULE.endsWith(hours === 1 ? 'hour)' : 'hours)')).toBe(true);
  });
});
