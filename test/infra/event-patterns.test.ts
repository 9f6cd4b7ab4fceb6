import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_CALL_PATTERN,
  IMAGE_ACTION_PATTERN,
  SCAN_SCHEDULE,
} from '../../infra/event-patterns.ts';
import { eventBridgeMatches } from '../support/event-pattern.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

// The expectations below are written out from the documentation (docs/intake.md, the ECR
// EventBridge and CloudTrail pages), not read from the code: the patterns are derived from the
// intake's catalogue, so a test that took its list from there would pass for any list.

/** The audited ECR calls, as docs/intake.md lists them. */
const DOCUMENTED_AUDITED_CALLS = [
  'PutImage',
  'BatchDeleteImage',
  'CreateRepository',
  'DeleteRepository',
  'PutImageTagMutability',
  'CreateRepositoryCreationTemplate',
  'UpdateRepositoryCreationTemplate',
  'DeleteRepositoryCreationTemplate',
];

/** ECR calls that change neither tags nor tag-mutability settings: never routed. */
const UNAUDITED_ECR_CALLS = [
  'DescribeImages',
  'DescribeRepositories',
  'DescribeRepositoryCreationTemplates',
  'BatchGetImage',
  'BatchCheckLayerAvailability',
  'GetDownloadUrlForLayer',
  'GetAuthorizationToken',
  'ListImages',
  'ListTagsForResource',
  'InitiateLayerUpload',
  'UploadLayerPart',
  'CompleteLayerUpload',
  'SetRepositoryPolicy',
  'PutLifecyclePolicy',
  'PutImageScanningConfiguration',
  'TagResource',
];

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

const routed = (event: unknown) =>
  [
    ['IMAGE_ACTION_PATTERN', IMAGE_ACTION_PATTERN],
    ['API_CALL_PATTERN', API_CALL_PATTERN],
  ]
    .filter(([, pattern]) => eventBridgeMatches(pattern, event))
    .map(([name]) => name);

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
    // Act
    const functions = routed(event);

    // Assess
    expect(functions).toEqual(expected);
  });

  it('a raw CloudTrail record (no EventBridge envelope) matches nothing', () => {
    // Act / Assess
    expect(routed(putImageRecord)).toEqual([]);
    expect(routed(createRepositoryRecord)).toEqual([]);
  });

  it('routes a failed PutImage (the refused overwrite) to the API-call function', () => {
    // Prepare
    const refused = withDetail(putImageEvent, {
      errorCode: 'ImageTagAlreadyExistsException',
      errorMessage: "The image tag 'v1' already exists",
      responseElements: null,
    });

    // Act / Assess
    expect(routed(refused)).toEqual(['API_CALL_PATTERN']);
  });

  it.each(DOCUMENTED_AUDITED_CALLS)('routes the documented audited call %s', (eventName) => {
    // Prepare
    const event = withDetail(putImageEvent, { eventName });

    // Act / Assess
    expect(routed(event)).toEqual(['API_CALL_PATTERN']);
  });

  it('routes exactly the documented calls, no more', () => {
    // Prepare: every name anyone lists, the pattern's own included, so an extra one shows.
    const candidates = new Set([
      ...DOCUMENTED_AUDITED_CALLS,
      ...UNAUDITED_ECR_CALLS,
      ...API_CALL_PATTERN.detail.eventName,
    ]);

    // Act
    const routedCalls = [...candidates].filter(
      (eventName) => routed(withDetail(putImageEvent, { eventName })).length > 0,
    );

    // Assess
    expect(routedCalls.sort()).toEqual([...DOCUMENTED_AUDITED_CALLS].sort());
  });
});

describe('other events are rejected', () => {
  it.each([
    ['another source', with_(push, { source: 'aws.ecs' })],
    ['another detail-type (image scan)', with_(push, { 'detail-type': 'ECR Image Scan' })],
    ['another detail-type (replication)', with_(push, { 'detail-type': 'ECR Replication Action' })],
    [
      'another detail-type (pull through cache)',
      with_(push, { 'detail-type': 'ECR Pull Through Cache Action' }),
    ],
    ['a FAILURE push', withDetail(push, { result: 'FAILURE' })],
    ['a FAILURE delete', withDetail(del, { result: 'FAILURE' })],
    ['an unknown action-type', withDetail(push, { 'action-type': 'PULL' })],
    ['an image action without result', { ...push, detail: { 'action-type': 'PUSH' } }],
    ['an image action without detail', { source: 'aws.ecr', 'detail-type': 'ECR Image Action' }],
    [
      'a CloudTrail call from another service',
      withDetail(putImageEvent, { eventSource: 'ecs.amazonaws.com' }),
    ],
    ['an eventName in another case', withDetail(putImageEvent, { eventName: 'putimage' })],
    ['a CloudTrail event from another source', with_(putImageEvent, { source: 'aws.s3' })],
    [
      'an ECR call under the Image Action detail-type',
      with_(putImageEvent, { 'detail-type': 'ECR Image Action' }),
    ],
    ['detail that is a string', with_(push, { detail: 'SUCCESS' })],
    ['not an object', 'aws.ecr'],
    ['null', null],
  ])('%s', (_name, event) => {
    // Act / Assess
    expect(routed(event)).toEqual([]);
  });

  it.each(UNAUDITED_ECR_CALLS)('a call that is not audited (%s)', (eventName) => {
    // Prepare
    const event = withDetail(putImageEvent, { eventName });

    // Act / Assess
    expect(routed(event)).toEqual([]);
  });
});

describe("the test's EventBridge matcher follows EventBridge semantics", () => {
  it('matches when an array in the event holds one of the values', () => {
    expect(eventBridgeMatches({ resources: ['a', 'b'] }, { resources: ['x', 'b'] })).toBe(true);
    expect(eventBridgeMatches({ resources: ['a', 'b'] }, { resources: ['x', 'y'] })).toBe(false);
    expect(eventBridgeMatches({ resources: ['a'] }, { resources: [] })).toBe(false);
  });

  it('compares exactly: no prefix, no case folding, no type coercion', () => {
    expect(eventBridgeMatches({ a: ['PUSH'] }, { a: 'PUSHED' })).toBe(false);
    expect(eventBridgeMatches({ a: ['PUSH'] }, { a: 'push' })).toBe(false);
    expect(eventBridgeMatches({ a: ['1'] }, { a: 1 })).toBe(false);
    expect(eventBridgeMatches({ a: [1] }, { a: 1 })).toBe(true);
  });

  it('does not match a nested pattern against a scalar, nor a value list against an object', () => {
    expect(eventBridgeMatches({ detail: { a: ['x'] } }, { detail: 'x' })).toBe(false);
    expect(eventBridgeMatches({ detail: ['x'] }, { detail: { a: 'x' } })).toBe(false);
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
    const known = ['ECR Image Action', 'AWS API Call via CloudTrail'];
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
      fc.property(notIn(DOCUMENTED_AUDITED_CALLS), (eventName) => {
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
