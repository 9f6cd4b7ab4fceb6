/**
 * The intake's shortcuts for speed (bench/, row 4) answer exactly as the general path: the
 * hand-written tag and repository checks as their regular expressions, `awsTimeMs` as `TIME` and
 * `Date.parse`, and `takeImageActionPush` as `normalizeEvent`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPOSITORY, TAG, TIME } from '../../lib/core/intake/fields.ts';
import {
  normalizeEvent,
  normalizeEventGenerally,
  takeImageActionPush,
} from '../../lib/core/intake/normalize.ts';
import { awsTimeMs, canonicalTime } from '../../lib/core/model/time.ts';

const chars = fc.constantFrom(...'abcxyzAZ0189._-/_:*+=é \u0000~!\u007f'.split(''));
const strings = fc.string({ unit: chars, maxLength: 140 });

describe('hand-written checks', () => {
  it('TAG accepts exactly what its pattern accepts', () => {
    fc.assert(
      fc.property(strings, (s) => {
        expect(TAG.test(s)).toBe(TAG.pattern.test(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['a', '_', 'A.b-c_d', '.a', '-a', 'a'.repeat(128), 'a'.repeat(129), '']) {
      expect(TAG.test(s)).toBe(TAG.pattern.test(s));
    }
  });

  it('REPOSITORY accepts exactly what its pattern accepts', () => {
    fc.assert(
      fc.property(strings, (s) => {
        expect(REPOSITORY.test(s)).toBe(REPOSITORY.pattern.test(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['a', 'a/b', 'a//b', 'a/', '/a', 'a-_b', 'a__b', 'a.b-c_d/e0', 'A', '']) {
      expect(REPOSITORY.test(s)).toBe(REPOSITORY.pattern.test(s));
    }
  });
});

describe('awsTimeMs', () => {
  it('is Date.parse for every valid time in AWS form, and NaN for every invalid one', () => {
    const digits = (n: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const shaped = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2))
      .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    const real = fc
      .integer({ min: -62_167_219_200_000, max: 253_402_300_799_000 })
      .map((ms) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(fc.oneof(shaped, real, strings), (s) => {
        const ms = awsTimeMs(s);
        if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(s) && TIME.test(s)) {
          expect(ms).toBe(Date.parse(canonicalTime(s)));
        } else {
          expect(ms).toBeNaN();
        }
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('takeImageActionPush', () => {
  // Mostly valid fields, so that many pushes are taken; otherwise absent, mistyped or invalid.
  const ABSENT = Symbol('absent');
  const field = <T>(valid: fc.Arbitrary<T>, invalid: readonly unknown[]) =>
    fc.oneof(
      { weight: 40, arbitrary: valid as fc.Arbitrary<unknown> },
      { weight: 1, arbitrary: fc.constantFrom(ABSENT, undefined, null, 42, '', {}, ...invalid) },
    );
  const withoutAbsent = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ABSENT));
  const event = fc
    .record({
      id: field(fc.constantFrom('13cde686-328b-6117-af20-0e5566167482', 'x'), ['a b']),
      'detail-type': field(fc.constant('ECR Image Action'), ['AWS API Call via CloudTrail']),
      source: field(fc.constant('aws.ecr'), ['aws.s3']),
      account: field(fc.constant('123456789012'), ['12345']),
      time: field(fc.constantFrom('2019-11-16T01:54:34Z', '2020-02-29T23:59:59Z'), [
        '2019-11-16T01:54:34.5Z',
        '2019-11-16T01:54:34+02:00',
        '2019-02-30T01:54:34Z',
        '2019-11-16 01:54:34Z',
        '2019-11-16T24:00:00Z',
      ]),
      region: field(fc.constantFrom('us-west-2', 'eu-central-1'), ['Mars']),
      detail: field(
        fc
          .record({
            result: field(fc.constant('SUCCESS'), ['FAILURE']),
            'repository-name': field(fc.constantFrom('my-repository-name', 'team/app'), [
              'Bad',
              'a//b',
            ]),
            'image-digest': field(
              fc.constant('sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234'),
              ['nope'],
            ),
            'action-type': field(fc.constantFrom('PUSH', 'PUSH', 'DELETE'), ['SCAN']),
            'image-tag': field(fc.constantFrom('latest', 'v1.2.3'), ['-bad']),
          })
          .map(withoutAbsent),
        [[]],
      ),
    })
    .map(withoutAbsent);

  it('normalizeEvent gives what the general path gives, whatever the event', () => {
    fc.assert(
      fc.property(event, (raw) => {
        expect(normalizeEvent(raw)).toEqual(normalizeEventGenerally(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes exactly the tagged pushes that normalizeEvent accepts, with the same fields', () => {
    let accepted = 0;
    fc.assert(
      fc.property(event, (raw) => {
        const taken: unknown[][] = [];
        const ok = takeImageActionPush(raw, { push: (...args) => taken.push(args) });
        const result = normalizeEventGenerally(raw);
        const push =
          result.kind === 'events' && result.events.length === 1 ? result.events[0] : undefined;
        const awsForm =
          typeof raw.time === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(raw.time);
        if (push?.type === 'push' && push.tag !== null && awsForm) {
          accepted++;
          expect(ok).toBe(true);
          expect(taken).toEqual([
            [
              push.account,
              push.region,
              push.repository,
              push.tag,
              push.digest,
              Date.parse(push.time),
              push.eventId,
            ],
          ]);
          expect(push.origin).toBe('image-action');
          expect(push.actor).toBeNull();
        } else {
          expect(ok).toBe(false);
          expect(taken).toEqual([]);
        }
      }),
      { numRuns: 20_000 },
    );
    // The property means something only if pushes are taken too.
    expect(accepted).toBeGreaterThan(100);
  });
});
