/**
 * The intake's shortcuts for speed (bench/, row 4) answer exactly as the general path: the
 * hand-written tag and repository checks as their regular expressions, `awsTimeMs` as `TIME` and
 * `Date.parse`, normalizeEvent's Image Action fast path and `takeImageActionPush` as
 * `normalizeEventGenerally` — and they are taken: each test counts the inputs its shortcut
 * handled, so that a shortcut switched off fails here instead of passing unnoticed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../lib/cli/replay/run.ts';
import { takeImageActionPush } from '../../lib/cli/replay/take-push.ts';
import { REPOSITORY, TAG, TIME } from '../../lib/core/intake/fields.ts';
import {
  imageActionFastPath,
  normalizeEvent,
  normalizeEventGenerally,
} from '../../lib/core/intake/normalize.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import { awsTimeMs, canonicalTime } from '../../lib/core/model/time.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { referenceReplay } from '../support/reference-replay.ts';

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

/** Raw ECR Image Action events, mostly valid, else with fields absent, mistyped or invalid. */
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

describe('takeImageActionPush', () => {
  it('normalizeEvent gives what the general path gives, whatever the event', () => {
    fc.assert(
      fc.property(event, (raw) => {
        expect(normalizeEvent(raw)).toEqual(normalizeEventGenerally(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it("normalizeEvent's fast path answers the common events itself, as the general path does", () => {
    let answered = 0;
    fc.assert(
      fc.property(event, (raw) => {
        const fast = imageActionFastPath(raw);
        if (fast === undefined) return;
        answered++;
        expect(fast).toEqual(normalizeEventGenerally(raw));
      }),
      { numRuns: 20_000 },
    );
    // Valid pushes and deletes are most of the events generated: the fast path must answer them.
    expect(answered).toBeGreaterThan(5_000);
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

describe('replay takes its fast path', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-tag-auditor-fast-paths-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const policy = parsePolicy(
    'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["dev-*"]\n',
    'policy.yml',
  );

  /** Replay by the general path: every line through normalizeEventGenerally, sorted, applied. */
  async function generalReplay(lines: readonly unknown[]) {
    const events: DomainEvent[] = [];
    for (const raw of lines) {
      const result = normalizeEventGenerally(raw);
      if (result.kind === 'events') events.push(...result.events);
    }
    return referenceReplay(policy, events);
  }

  /** A valid ECR Image Action push of `tag` at second `second`: what the fast path takes. */
  const push = (tag: string, d: number, second: number, id: string) => ({
    version: '0',
    id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: '123456789012',
    time: new Date(Date.UTC(2025, 6, 24) + second * 1000).toISOString().replace('.000Z', 'Z'),
    region: 'eu-west-1',
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': 'web',
      'image-digest': `sha256:${String(d).padStart(64, '0')}`,
      'action-type': 'PUSH',
      'image-tag': tag,
    },
  });

  it('takes every tagged push straight from the input, and ends where the general path ends', async () => {
    let run = 0;
    let passedOver = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            {
              weight: 3,
              arbitrary: fc
                .record({
                  tag: fc.constantFrom('v1', 'dev-1'),
                  d: fc.integer({ min: 1, max: 2 }),
                  second: fc.integer({ min: 0, max: 5 }),
                  id: fc.constantFrom('a', 'b', 'c'),
                })
                .map(({ tag, d, second, id }) => push(tag, d, second, `${id}-${second}`)),
            },
            { weight: 1, arbitrary: event },
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (lines) => {
          const path = join(dir, `events-${run++}.ndjson`);
          await writeFile(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
          // What the fast path must take: the values takeImageActionPush takes (checked above
          // against the general path), counted here without it.
          const expectedTaken = lines.filter((raw) => {
            const result = normalizeEventGenerally(raw);
            const e = result.kind === 'events' ? result.events[0] : undefined;
            const time = (raw as { time?: unknown }).time;
            return (
              e?.type === 'push' &&
              e.tag !== null &&
              typeof time === 'string' &&
              /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(time)
            );
          }).length;
          const expected = await generalReplay(lines);
          const actual = await replay({ policy, inputs: [path] });
          expect(actual.fastPath.taken).toBe(expectedTaken);
          expect(actual.findings).toEqual(expected.findings);
          expect(actual.state).toEqual(expected.state);
          expect(actual.summary.applied).toBe(expected.applied);
          passedOver += actual.fastPath.passedOver;
        },
      ),
      { numRuns: 200 },
    );
    // Repeated pushes of a tag's digest are generated often: some must have been passed over.
    expect(passedOver).toBeGreaterThan(0);
  });
});
