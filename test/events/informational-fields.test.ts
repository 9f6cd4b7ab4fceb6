/**
 * The actor and the event id only describe an event: each must be of its documented form (an
 * ARN by the one ARN grammar, a UUID), or it is dropped — the event is still audited, and nothing
 * of the bad value reaches a finding (docs/intake.md, reliability issue 10, item 14).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../lib/core/intake/normalize.ts';
import type { DomainEvent, NormalizeResult } from '../../lib/core/intake/types.ts';
import { isArn, partitionOf } from '../../lib/core/model/arn.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

/** The events of a result, failing the test with the reason otherwise. */
function eventsOf(result: NormalizeResult): readonly DomainEvent[] {
  if (result.kind !== 'events') {
    throw new Error(`expected events, got ${result.kind}: ${result.reason}`);
  }
  return result.events;
}

/** The AWS CloudTrail PutImage record with `arn` as the actor and `id` as its eventID. */
function putImage(arn: unknown, id: unknown = '2bfd4ee2-2178-4a82-a27d-b12939923f0f'): Json {
  const record = sample('cloudtrail-record-put-image');
  (record.userIdentity as Json).arn = arn;
  record.eventID = id;
  return record;
}

/** The AWS ECR Image Action PUSH sample with `id` as its envelope id. */
function imagePushWithId(id: unknown): Json {
  const event = sample('ecr-image-action-push');
  event.id = id;
  return event;
}

const HOSTILE_ACTORS = [
  '<!channel>',
  'arn:aws:iam::123456789012:user/<!channel>',
  'arn:aws:iam::123456789012:user/<https://evil.example|click>',
  'arn:aws:iam::123456789012:user/a&lt;b',
  'arn:aws:iam::123456789012:user/dev\u200b',
  'arn:aws:iam::123456789012:user/dev\u2060ops',
  'arn:aws:iam::123456789012:user/dev\u00ad',
  'arn:aws:iam::123456789012:user/dev\u{e0041}',
  'arn:aws:iam::123456789012:user/dev ops',
  'arn:evil:iam::123456789012:user/dev',
  'arn:aws:iam::12345:user/dev',
  `arn:aws:iam::123456789012:user/${'a'.repeat(2048)}`,
];

describe('the actor: an ARN by the one ARN grammar, else dropped', () => {
  it.each([
    'arn:aws:sts::123456789012:assumed-role/ci/build-7',
    'arn:aws:iam::123456789012:user/Mary_Major',
    'arn:aws:iam::123456789012:root',
    'arn:aws-cn:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1/jane@example.com',
    'arn:aws-us-gov:iam::123456789012:user/path/to/x+y=z,w',
    'arn:aws-iso-b:sts::123456789012:federated-user/bob',
  ])('keeps %s', (arn) => {
    // Act
    const [event] = eventsOf(normalizeEvent(putImage(arn)));
    // Assess
    expect(event?.actor).toBe(arn);
  });

  it.each(HOSTILE_ACTORS.map((arn) => [arn.slice(0, 60), arn]))(
    'drops %j, and the push is still audited',
    (_label, arn) => {
      // Act
      const events = eventsOf(normalizeEvent(putImage(arn)));
      // Assess
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'push', actor: null, repository: 'testrepo' });
    },
  );

  it('property: an actor is kept exactly when it is an ARN, and then contains no < > & or Cf', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `arn:aws:iam::123456789012:user/${s}`),
          fc.constantFrom(...HOSTILE_ACTORS),
        ),
        (arn) => {
          const [event] = eventsOf(normalizeEvent(putImage(arn)));
          expect(event?.actor).toBe(isArn(arn) ? arn : null);
          expect(event?.actor ?? '').not.toMatch(/[<>&\s\p{Cf}\p{Cc}]/u);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('still makes an actor of another type malformed, naming the field', () => {
    // Act
    const result = normalizeEvent(putImage(42));
    // Assess
    expect(result).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining('userIdentity.arn is not a string'),
    });
  });
});

describe('the event id: a UUID, else dropped', () => {
  it('keeps the UUIDs of the AWS samples, in either case', () => {
    expect(
      eventsOf(normalizeEvent(putImage(null, '2BFD4EE2-2178-4A82-A27D-B12939923F0F')))[0],
    ).toMatchObject({ eventId: '2BFD4EE2-2178-4A82-A27D-B12939923F0F' });
    expect(eventsOf(normalizeEvent(sample('ecr-image-action-push')))[0]?.eventId).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it.each([
    '<!channel>',
    '<https://evil.example|click>',
    '&lt;',
    'push-1',
    '2bfd4ee2-2178-4a82-a27d-b12939923f0f\u200b',
    '2bfd4ee2-2178-4a82-a27d-b12939923f0',
  ])('drops %j from CloudTrail and from ECR Image Action, and the event is still audited', (id) => {
    // Act
    const fromCloudTrail = eventsOf(normalizeEvent(putImage(null, id)));
    const fromImageAction = eventsOf(normalizeEvent(imagePushWithId(id)));
    // Assess
    expect(fromCloudTrail.map((e) => [e.type, e.eventId])).toEqual([['push', null]]);
    expect(fromImageAction.map((e) => [e.type, e.eventId])).toEqual([['push', null]]);
  });
});

describe('partitionOf', () => {
  it('names the partition of every kind of region', () => {
    expect(
      [
        'eu-west-1',
        'cn-north-1',
        'us-gov-west-1',
        'us-iso-east-1',
        'us-isob-east-1',
        'eu-isoe-west-1',
      ].map(partitionOf),
    ).toEqual(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e']);
  });
});
