import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../lib/core/intake/normalize.ts';
import type { DomainEvent, NormalizeResult } from '../../lib/core/intake/types.ts';
import { digest } from '../support/digest.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import {
  batchDeleteImage,
  blockedPutImage,
  deleteRepository,
  deleteTemplate,
  ecrRecord,
  failedPush,
  identicalRePush,
  pushByDigest,
  putImageTagMutability,
  putTemplate,
  s3Record,
} from './samples.ts';

const SAMPLE_DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const PUT_IMAGE_DIGEST = 'sha256:98c8b060c21d9adbb6b8c41b916e95e6307102786973ab93a41e8b86d1fc6d3e';
const ACTOR = 'arn:aws:sts::123456789012:user/Mary_Major';

/** The events of a result, failing the test with the reason otherwise. */
function eventsOf(result: NormalizeResult): readonly DomainEvent[] {
  if (result.kind !== 'events')
    throw new Error(`expected events, got ${result.kind}: ${result.reason}`);
  return result.events;
}

function reasonOf(result: NormalizeResult, kind: 'skipped' | 'malformed'): string {
  if (result.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(result)}`);
  return result.reason;
}

/** Sets `value` at a dotted path of a JSON object (creating nothing). */
function set(event: Json, path: string, value: unknown): Json {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node: Json = event;
  for (const key of keys) node = node[key] as Json;
  node[last] = value;
  return event;
}

describe('ECR Image Action', () => {
  it('maps the AWS push sample to a push', () => {
    expect(normalizeEvent(sample('ecr-image-action-push'))).toEqual({
      kind: 'events',
      events: [
        {
          type: 'push',
          account: '123456789012',
          region: 'us-west-2',
          time: '2019-11-16T01:54:34.000Z',
          eventId: '13cde686-328b-6117-af20-0e5566167482',
          actor: null,
          origin: 'image-action',
          repository: 'my-repository-name',
          tag: 'latest',
          digest: SAMPLE_DIGEST,
        },
      ],
    });
  });

  it('maps the AWS delete sample to a delete', () => {
    const [event] = eventsOf(normalizeEvent(sample('ecr-image-action-delete')));
    expect(event).toMatchObject({
      type: 'delete',
      repository: 'my-repository-name',
      tag: 'latest',
      digest: SAMPLE_DIGEST,
      time: '2019-11-16T02:01:05.000Z',
      eventId: 'dd3b46cb-2c74-f49e-393b-28286b67279d',
    });
  });

  it('maps a push by digest (no image-tag) to a push with a null tag', () => {
    const [event] = eventsOf(normalizeEvent(pushByDigest()));
    expect(event).toMatchObject({ type: 'push', tag: null, digest: SAMPLE_DIGEST });
  });

  it('maps a delete by digest only', () => {
    const event = sample('ecr-image-action-delete');
    delete (event.detail as Json)['image-tag'];
    expect(eventsOf(normalizeEvent(event))).toMatchObject([
      { type: 'delete', tag: null, digest: SAMPLE_DIGEST },
    ]);
  });

  it('skips a FAILURE result', () => {
    expect(reasonOf(normalizeEvent(failedPush()), 'skipped')).toBe(
      'ECR Image Action PUSH with result "FAILURE"',
    );
  });

  it('skips other action types and sources', () => {
    const replicate = set(sample('ecr-image-action-push'), 'detail.action-type', 'REPLICATE');
    expect(normalizeEvent(replicate).kind).toBe('skipped');
    const spoofed = set(sample('ecr-image-action-push'), 'source', 'my.app');
    expect(reasonOf(normalizeEvent(spoofed), 'skipped')).toContain('"my.app"');
  });

  it('copies only the needed fields', () => {
    const event = sample('ecr-image-action-push');
    set(event, 'detail.manifest-media-type', 'application/vnd.oci.image.manifest.v1+json');
    const [domain] = eventsOf(normalizeEvent(event));
    expect(Object.keys(domain ?? {}).sort()).toEqual([
      'account',
      'actor',
      'digest',
      'eventId',
      'origin',
      'region',
      'repository',
      'tag',
      'time',
      'type',
    ]);
  });

  it.each([
    ['detail.image-digest', undefined, 'ECR Image Action PUSH: detail.image-digest is missing'],
    [
      'detail.image-digest',
      42,
      'ECR Image Action PUSH: detail.image-digest is not a string (got number)',
    ],
    [
      'detail.image-digest',
      'latest',
      'ECR Image Action PUSH: detail.image-digest is not a valid image digest: "latest"',
    ],
    [
      'detail.image-tag',
      'bad tag',
      'ECR Image Action PUSH: detail.image-tag is not a valid image tag: "bad tag"',
    ],
    [
      'detail.image-tag',
      '.hidden',
      'ECR Image Action PUSH: detail.image-tag is not a valid image tag: ".hidden"',
    ],
    [
      'detail.repository-name',
      'My/Repo',
      'ECR Image Action PUSH: detail.repository-name is not a valid repository name: "My/Repo"',
    ],
    ['detail.action-type', 7, 'ECR Image Action: detail.action-type is not a string (got number)'],
    ['detail', 'x', 'ECR Image Action: detail is not an object (got string)'],
    ['account', 'me', 'ECR Image Action PUSH: account is not a valid AWS account id: "me"'],
    ['region', null, 'ECR Image Action PUSH: region is missing'],
    [
      'time',
      '2019-02-30T00:00:00Z',
      'ECR Image Action PUSH: time is not an ISO-8601 time: "2019-02-30T00:00:00Z"',
    ],
    ['id', [], 'ECR Image Action PUSH: id is not a string (got array)'],
  ])('reports %s = %j as malformed', (path, value, reason) => {
    // Prepare
    const event = set(sample('ecr-image-action-push'), path, value);
    if (value === undefined) set(event, path, undefined);
    // Act
    const result = normalizeEvent(JSON.parse(JSON.stringify(event)));
    // Assess
    expect(result).toEqual({ kind: 'malformed', reason });
  });

  it('accepts tags at the edges of the OCI grammar', () => {
    for (const tag of ['_', 'a', 'A'.repeat(128), 'v1.2.3-rc_1']) {
      const event = set(sample('ecr-image-action-push'), 'detail.image-tag', tag);
      expect(eventsOf(normalizeEvent(event))[0]).toMatchObject({ tag });
    }
    const tooLong = set(sample('ecr-image-action-push'), 'detail.image-tag', 'A'.repeat(129));
    expect(normalizeEvent(tooLong).kind).toBe('malformed');
  });

  it('reports a delete naming neither tag nor digest', () => {
    const event = sample('ecr-image-action-delete');
    delete (event.detail as Json)['image-tag'];
    delete (event.detail as Json)['image-digest'];
    expect(reasonOf(normalizeEvent(event), 'malformed')).toBe(
      'ECR Image Action DELETE: detail.image-digest and detail.image-tag are both missing',
    );
  });

  it('writes every time in one UTC form so that times order as strings', () => {
    const withOffset = set(sample('ecr-image-action-push'), 'time', '2019-11-16T03:54:34.5+02:00');
    expect(eventsOf(normalizeEvent(withOffset))[0]).toMatchObject({
      time: '2019-11-16T01:54:34.500Z',
    });
  });
});

describe('CloudTrail PutImage', () => {
  it('maps the AWS raw record to a push with the actor', () => {
    expect(normalizeEvent(sample('cloudtrail-record-put-image'))).toEqual({
      kind: 'events',
      events: [
        {
          type: 'push',
          account: '123456789012',
          region: 'us-east-2',
          time: '2019-04-15T16:45:00.000Z',
          eventId: '2bfd4ee2-2178-4a82-a27d-b12939923f0f',
          actor: ACTOR,
          origin: 'cloudtrail',
          repository: 'testrepo',
          tag: 'latest',
          digest: PUT_IMAGE_DIGEST,
        },
      ],
    });
  });

  it('maps the AWS EventBridge-forwarded record, taking account and region from the envelope', () => {
    const event = sample('eventbridge-cloudtrail-put-image');
    set(event, 'region', 'eu-central-1');
    const [push] = eventsOf(normalizeEvent(event));
    expect(push).toEqual({
      type: 'push',
      account: '123456789012',
      region: 'eu-central-1',
      time: '2018-03-18T00:00:00.000Z',
      eventId: '04caef66-e52b-4c4d-bbb5-547b85fec1f8',
      actor: null,
      origin: 'cloudtrail',
      repository: 'busybox',
      tag: 'v1',
      digest: 'sha256:eaa261b73dcc87f1a1880a6320a06867fcb6db77b4bb6139cf9b9059c9af95eb',
    });
  });

  it('falls back to userIdentity.accountId and to the envelope time', () => {
    const record = sample('cloudtrail-record-put-image');
    delete record.recipientAccountId;
    set(record, 'userIdentity.accountId', '210987654321');
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({ account: '210987654321' });

    const forwarded = sample('eventbridge-cloudtrail-put-image');
    delete (forwarded.detail as Json).eventTime;
    set(forwarded, 'time', '2018-03-18T00:00:09Z');
    expect(eventsOf(normalizeEvent(forwarded))[0]).toMatchObject({
      time: '2018-03-18T00:00:09.000Z',
    });
  });

  it('takes the tag from the request when the response has none', () => {
    const record = sample('cloudtrail-record-put-image');
    delete (((record.responseElements as Json).image as Json).imageId as Json).imageTag;
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({ tag: 'latest' });
  });

  it('maps a blocked overwrite (ImageTagAlreadyExistsException, responseElements null)', () => {
    expect(eventsOf(normalizeEvent(blockedPutImage()))).toEqual([
      {
        type: 'overwrite-blocked',
        account: '123456789012',
        region: 'us-east-2',
        time: '2019-04-15T16:45:00.000Z',
        eventId: '2bfd4ee2-2178-4a82-a27d-b12939923f0f',
        actor: ACTOR,
        origin: 'cloudtrail',
        repository: 'testrepo',
        tag: 'v1',
        digest: digest(2),
      },
    ]);
  });

  it('gives a blocked overwrite without imageDigest a null digest', () => {
    const record = blockedPutImage();
    delete (record.requestParameters as Json).imageDigest;
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({ tag: 'v1', digest: null });
  });

  it('reports a blocked overwrite without imageTag as malformed', () => {
    const record = blockedPutImage();
    delete (record.requestParameters as Json).imageTag;
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail PutImage: requestParameters.imageTag is missing',
    );
  });

  it('skips an identical re-push (ImageAlreadyExistsException) and other failures', () => {
    expect(reasonOf(normalizeEvent(identicalRePush()), 'skipped')).toBe(
      'CloudTrail PutImage failed with "ImageAlreadyExistsException"',
    );
    const denied = { ...blockedPutImage(), errorCode: 'AccessDenied' };
    expect(normalizeEvent(denied).kind).toBe('skipped');
  });

  it('reports a successful PutImage without a digest, naming the field', () => {
    const record = sample('cloudtrail-record-put-image');
    record.responseElements = null;
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail PutImage: responseElements.image.imageId.imageDigest is missing',
    );
    const forwarded = sample('eventbridge-cloudtrail-put-image');
    set(forwarded, 'detail.responseElements', null);
    expect(reasonOf(normalizeEvent(forwarded), 'malformed')).toBe(
      'CloudTrail PutImage: detail.responseElements.image.imageId.imageDigest is missing',
    );
  });

  it('never copies the manifest, the access key or other record fields', () => {
    const text = JSON.stringify(normalizeEvent(sample('cloudtrail-record-put-image')));
    expect(text).not.toContain('schemaVersion');
    expect(text).not.toContain('AKIA');
    expect(text).not.toContain('203.0.113.12');
  });
});

describe('CloudTrail BatchDeleteImage', () => {
  it('yields one delete per deleted image from responseElements, ignoring failures', () => {
    const events = eventsOf(normalizeEvent(batchDeleteImage()));
    expect(events.map((e) => e.type === 'delete' && [e.repository, e.tag, e.digest])).toEqual([
      ['testrepo', 'latest', digest(1)],
      ['testrepo', null, digest(7)],
    ]);
    expect(events[0]).toMatchObject({
      actor: ACTOR,
      origin: 'cloudtrail',
      eventId: '2bfd4ee2-2178-4a82-a27d-b12939923f0f',
    });
  });

  it('falls back to requestParameters.imageIds when responseElements has none', () => {
    const record = batchDeleteImage();
    record.responseElements = null;
    const events = eventsOf(normalizeEvent(record));
    expect(events.map((e) => e.type === 'delete' && [e.tag, e.digest])).toEqual([
      ['latest', null],
      [null, digest(7)],
      ['gone', null],
    ]);
  });

  it('yields no events when nothing was deleted', () => {
    const record = batchDeleteImage();
    set(record, 'responseElements.imageIds', []);
    expect(normalizeEvent(record)).toEqual({ kind: 'events', events: [] });
  });

  it('reports a bad entry by its index', () => {
    const record = batchDeleteImage();
    set(record, 'responseElements.imageIds', [{ imageDigest: digest(1) }, {}]);
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail BatchDeleteImage: responseElements.imageIds[1] has neither imageTag nor imageDigest',
    );
    set(record, 'responseElements.imageIds', [{ imageDigest: 'nope' }]);
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail BatchDeleteImage: responseElements.imageIds[0].imageDigest is not a valid image digest: "nope"',
    );
    set(record, 'responseElements.imageIds', 'all');
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail BatchDeleteImage: responseElements.imageIds is not a list (got string)',
    );
  });
});

describe('CloudTrail repository configuration', () => {
  it('reads CreateRepository without imageTagMutability as MUTABLE with no filters (AWS sample)', () => {
    expect(eventsOf(normalizeEvent(sample('cloudtrail-record-create-repository')))).toEqual([
      {
        type: 'repository-config',
        account: '123456789012',
        region: 'us-east-2',
        time: '2018-07-11T22:17:43.000Z',
        // The sample's eventID is a placeholder, not a UUID: dropped (docs/intake.md).
        eventId: null,
        actor: ACTOR,
        origin: 'cloudtrail',
        repository: 'testrepo',
        config: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
      },
    ]);
  });

  it('reads CreateRepository settings from the response, else from the request', () => {
    const record = sample('cloudtrail-record-create-repository');
    set(record, 'requestParameters.imageTagMutability', 'IMMUTABLE');
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({
      config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
    });
    set(record, 'responseElements.repository.imageTagMutability', 'MUTABLE_WITH_EXCLUSION');
    set(record, 'responseElements.repository.imageTagMutabilityExclusionFilters', [
      { filterType: 'WILDCARD', filter: 'latest' },
    ]);
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({
      config: {
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
      },
    });
  });

  it('maps PutImageTagMutability with IMMUTABLE_WITH_EXCLUSION filters', () => {
    expect(eventsOf(normalizeEvent(putImageTagMutability()))).toMatchObject([
      {
        type: 'repository-config',
        repository: 'testrepo',
        config: {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [
            { filterType: 'WILDCARD', filter: 'dev-*' },
            { filterType: 'WILDCARD', filter: 'sha256-*' },
          ],
        },
      },
    ]);
  });

  it('reads PutImageTagMutability from the request when the response lacks the settings', () => {
    const record = putImageTagMutability();
    record.responseElements = null;
    set(record, 'requestParameters.imageTagMutability', 'IMMUTABLE');
    delete (record.requestParameters as Json).imageTagMutabilityExclusionFilters;
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({
      config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
    });
  });

  it('reports PutImageTagMutability without a mode, or with an invalid one', () => {
    const record = putImageTagMutability();
    record.responseElements = null;
    delete (record.requestParameters as Json).imageTagMutability;
    delete (record.requestParameters as Json).imageTagMutabilityExclusionFilters;
    expect(reasonOf(normalizeEvent(record), 'malformed')).toBe(
      'CloudTrail PutImageTagMutability: requestParameters.imageTagMutability is missing',
    );
    const invalid = set(
      putImageTagMutability(),
      'responseElements.imageTagMutability',
      'SOMETIMES',
    );
    expect(reasonOf(normalizeEvent(invalid), 'malformed')).toMatch(
      /^CloudTrail PutImageTagMutability: responseElements\.imageTagMutability .*"SOMETIMES"$/,
    );
    const badFilters = set(
      putImageTagMutability(),
      'responseElements.imageTagMutabilityExclusionFilters',
      5,
    );
    expect(reasonOf(normalizeEvent(badFilters), 'malformed')).toMatch(
      /^CloudTrail PutImageTagMutability: responseElements\.imageTagMutabilityExclusionFilters /,
    );
    const hugeMode = set(
      putImageTagMutability(),
      'responseElements.imageTagMutability',
      'X'.repeat(1e6),
    );
    expect(reasonOf(normalizeEvent(hugeMode), 'malformed').length).toBeLessThan(300);
  });

  it('maps DeleteRepository', () => {
    expect(eventsOf(normalizeEvent(deleteRepository()))).toMatchObject([
      { type: 'repository-deleted', repository: 'testrepo', actor: ACTOR },
    ]);
  });

  it('skips a failed CreateRepository', () => {
    const record = {
      ...sample('cloudtrail-record-create-repository'),
      errorCode: 'RepositoryAlreadyExistsException',
    };
    expect(reasonOf(normalizeEvent(record), 'skipped')).toBe(
      'CloudTrail CreateRepository failed with "RepositoryAlreadyExistsException"',
    );
  });
});

describe('CloudTrail repository creation templates', () => {
  it.each([false, true])('maps Create/Update (update: %s) to template-config', (update) => {
    expect(eventsOf(normalizeEvent(putTemplate(update)))).toMatchObject([
      {
        type: 'template-config',
        templatePrefix: 'prod',
        config: {
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
        },
      },
    ]);
  });

  it('reads the request when the response lacks the template', () => {
    const record = putTemplate();
    record.responseElements = null;
    expect(eventsOf(normalizeEvent(record))[0]).toMatchObject({
      type: 'template-config',
      templatePrefix: 'prod',
    });
  });

  it('accepts ROOT and rejects an invalid prefix', () => {
    const root = set(putTemplate(), 'requestParameters.prefix', 'ROOT');
    expect(eventsOf(normalizeEvent(root))[0]).toMatchObject({ templatePrefix: 'ROOT' });
    const bad = set(putTemplate(), 'requestParameters.prefix', 'Prod//x');
    expect(reasonOf(normalizeEvent(bad), 'malformed')).toBe(
      'CloudTrail CreateRepositoryCreationTemplate: requestParameters.prefix is not a valid repository creation template prefix: "Prod//x"',
    );
  });

  it('maps DeleteRepositoryCreationTemplate', () => {
    expect(eventsOf(normalizeEvent(deleteTemplate()))).toMatchObject([
      { type: 'template-deleted', templatePrefix: 'prod', origin: 'cloudtrail' },
    ]);
  });
});

describe('irrelevant and unrecognizable items', () => {
  it.each<[string, unknown]>([
    ['another service', s3Record()],
    ['a read-only ECR call', ecrRecord('DescribeRepositories', { repositoryNames: ['x'] }, null)],
    ['an eventName inherited from Object.prototype', ecrRecord('constructor', null, null)],
    [
      'another EventBridge detail-type',
      { ...sample('ecr-image-action-push'), 'detail-type': 'ECR Scan Resource Change' },
    ],
    [
      'an EventBridge-forwarded S3 call',
      { ...sample('eventbridge-cloudtrail-put-image'), source: 'aws.s3', detail: s3Record() },
    ],
    ['an object that is no event', { hello: 'world' }],
    ['a CloudTrail log file given as one item', { Records: [] }],
  ])('skips %s', (_, item) => {
    expect(normalizeEvent(item).kind).toBe('skipped');
  });

  it.each<[unknown, string]>([
    [null, 'not a JSON object (got null)'],
    [42, 'not a JSON object (got number)'],
    [[sample('ecr-image-action-push')], 'not a JSON object (got array)'],
    [{ eventSource: 7 }, 'CloudTrail record: eventSource is not a string (got number)'],
    [{ eventSource: 'ecr.amazonaws.com' }, 'CloudTrail record: eventName is missing'],
    [
      { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ecr' },
      'CloudTrail record: detail is missing',
    ],
  ])('reports %j as malformed', (item, reason) => {
    expect(normalizeEvent(item)).toEqual({ kind: 'malformed', reason });
  });

  it('treats __proto__ and constructor keys as data, never as inherited fields', () => {
    // Prepare: JSON.parse makes `__proto__` an own property, as untrusted input would.
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const polluting = JSON.parse(
      '{"detail-type":"ECR Image Action","source":"aws.ecr","detail":{"__proto__":{"action-type":"PUSH","result":"SUCCESS"}}}',
    );
    // Act
    const result = normalizeEvent(polluting);
    // Assess
    expect(result).toEqual({
      kind: 'malformed',
      reason: 'ECR Image Action: detail.action-type is missing',
    });
    expect(
      normalizeEvent(JSON.parse('{"__proto__":{"detail-type":"ECR Image Action"}}')).kind,
    ).toBe('skipped');
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Json)['action-type']).toBeUndefined();
  });

  it('ignores fields inherited from a polluted Object.prototype', () => {
    // Prepare: someone else in the process polluted the prototype.
    const proto = Object.prototype as Json;
    const event = sample('ecr-image-action-push');
    delete (event.detail as Json)['image-digest'];
    proto['image-digest'] = SAMPLE_DIGEST;
    try {
      // Act
      const result = normalizeEvent(event);
      // Assess
      expect(result).toEqual({
        kind: 'malformed',
        reason: 'ECR Image Action PUSH: detail.image-digest is missing',
      });
    } finally {
      delete proto['image-digest'];
    }
  });

  it('keeps reasons short for megabyte strings', () => {
    const huge = 'a'.repeat(1_000_000);
    for (const path of [
      'detail.image-tag',
      'detail.repository-name',
      'detail.action-type',
      'account',
    ]) {
      const result = normalizeEvent(set(sample('ecr-image-action-push'), path, huge));
      expect(result.kind).not.toBe('events');
      expect(result.kind === 'events' ? 0 : result.reason.length).toBeLessThan(200);
    }
    const named = normalizeEvent(ecrRecord(huge, null, null));
    expect(named.kind === 'skipped' && named.reason.length).toBeLessThan(200);
  });
});
