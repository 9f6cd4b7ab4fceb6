/**
 * The shortcuts replay takes for speed (bench/, row 4) give exactly what the plain algorithm
 * gives: `isInertPush` agrees with `decideTag`; the memory ledger's index
 * agrees with its state; `canonicalTimeMs` with `Date.parse`; and `replay` (compact held events,
 * packed sort, inert pushes passed over) with sorting the domain events and applying every one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../lib/cli/replay/run.ts';
import { decideTag, type Provenance } from '../../lib/core/engine/decide.ts';
import { inertPushIgnoresEventId, isInertPush } from '../../lib/core/engine/inert-push.ts';
import { createMemoryLedger, emptyState, stateKey } from '../../lib/core/engine/memory-ledger.ts';
import { TAG_HISTORY_LIMIT, type TagRecord } from '../../lib/core/engine/records.ts';
import {
  forgetTagBefore,
  recordedMoves,
  type TagObservation,
  tagState,
} from '../../lib/core/engine/tag-history.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { canonicalTimeMs } from '../../lib/core/model/time.ts';
import { readInputs } from '../../lib/io/events/read.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { at, REGION } from '../support/events.ts';
import { referenceReplay } from '../support/reference-replay.ts';

const policy = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["cache/**"]
`,
  'policy.yml',
);

const ref = { account: ACCOUNT, region: REGION, repository: 'web' };

/** Canonical time `s` seconds after a fixed start (copies are stamped within 2 s). */
const sec = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

const digests = fc.integer({ min: 1, max: 3 }).map(digest);
const ids = fc.constantFrom(null, 'e1', 'e2', 'e3');
const seconds = fc.integer({ min: 0, max: 8 });

/** `observation` of `tag` decided as the auditor decides it (an event; a scan when no id). */
function decide(prev: TagRecord | undefined, tag: string, observation: TagObservation) {
  const at: Provenance = {
    time: observation.time,
    eventId: observation.eventId,
    actor: null,
    detectedBy: observation.eventId === null ? 'scan' : 'event',
  };
  return decideTag(policy, ref, tag, prev, observation, at);
}

/** Records as the decisions leave them: random pushes and deletes, in any order, copies, redeliveries. */
const records: fc.Arbitrary<TagRecord | undefined> = fc
  .array(
    fc.record({
      kind: fc.constantFrom('push' as const, 'push' as const, 'delete' as const),
      digest: fc.option(digests, { nil: null }),
      s: seconds,
      eventId: ids,
    }),
    { maxLength: 8 },
  )
  .map((steps) => {
    let record: TagRecord | undefined;
    for (const { kind, digest: d, s, eventId } of steps) {
      if (kind === 'push' && d === null) continue;
      const next = decide(record, 'v1', { kind, digest: d, time: sec(s), eventId }).next;
      if (next) record = next;
    }
    return record;
  });

describe('isInertPush', () => {
  it('holds only where decideTag changes nothing and finds nothing', () => {
    let inert = 0;
    fc.assert(
      fc.property(records, digests, ids, seconds, (prev, d, eventId, s) => {
        const time = sec(s);
        if (!isInertPush(prev, d, canonicalTimeMs(time), eventId)) return;
        inert++;
        const observation = { kind: 'push', digest: d, time, eventId } as const;
        // Both verdicts of the policy: an immutable tag and a mutable one.
        for (const tag of ['v1', 'dev-1']) {
          expect(decide(prev, tag, observation)).toEqual({ next: null, found: [] });
        }
      }),
      { numRuns: 5000 },
    );
    // The property was not vacuous.
    expect(inert).toBeGreaterThan(100);
  });

  it('passes over the common duplicate push, and never a push of other content', () => {
    const first = { kind: 'push', digest: digest(1), time: sec(1), eventId: 'e1' } as const;
    const prev = decide(undefined, 'v1', first).next as TagRecord;
    const ms = (s: number) => canonicalTimeMs(sec(s));
    expect(isInertPush(prev, digest(1), ms(1), 'e2')).toBe(true);
    // ECR's and CloudTrail's reports of one push: stamped up to 2 s apart, never earlier.
    expect(isInertPush(prev, digest(1), ms(3), 'e2')).toBe(true);
    expect(isInertPush(prev, digest(1), ms(4), 'e2')).toBe(false);
    expect(isInertPush(prev, digest(1), ms(0), 'e2')).toBe(false);
    expect(isInertPush(prev, digest(2), ms(1), 'e2')).toBe(false);
    const deleted = decide(prev, 'v1', { ...first, kind: 'delete', time: sec(2), eventId: 'd' })
      .next as TagRecord;
    expect(tagState(deleted)).toEqual({ digest: digest(1), live: false });
    expect(isInertPush(deleted, digest(1), ms(2), 'e2')).toBe(false);
    expect(isInertPush(undefined, digest(1), ms(1), 'e2')).toBe(false);
    // A redelivery of the event that moved the tag must be applied: it yields its finding again.
    const moved = decide(prev, 'v1', { ...first, digest: digest(2), time: sec(10), eventId: 'e3' });
    const record = moved.next as TagRecord;
    expect(moved.found).toHaveLength(1);
    expect(isInertPush(record, digest(2), ms(10), 'e3')).toBe(false);
    expect(isInertPush(record, digest(2), ms(10), 'e4')).toBe(true);
    const again = decide(record, 'v1', {
      ...first,
      digest: digest(2),
      time: sec(10),
      eventId: 'e3',
    });
    expect(again.next).toBeNull();
    expect(again.found.map((f) => [f.finding.id, f.delivery])).toEqual([
      [moved.found[0]?.finding.id, 'redelivered'],
    ]);
  });

  it('needs no event id where inertPushIgnoresEventId says so', () => {
    fc.assert(
      fc.property(records, digests, ids, seconds, (prev, d, eventId, s) => {
        const timeMs = canonicalTimeMs(sec(s));
        if (inertPushIgnoresEventId(prev)) {
          expect(isInertPush(prev, d, timeMs, eventId)).toBe(isInertPush(prev, d, timeMs, null));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('memory ledger index', () => {
  it('reads tags of a state loaded before it, and forgets a repository delete everywhere', async () => {
    const state = emptyState();
    const record = decide(undefined, 'v1', {
      kind: 'push',
      digest: digest(1),
      time: at(0),
      eventId: null,
    }).next as TagRecord;
    state.repositories.set(stateKey(ACCOUNT, REGION, 'web'), {
      ref,
      record: { config: null, configTime: null, drift: null, eventId: null, finding: null },
      tags: new Map([['v1', record]]),
    });
    const ledger = createMemoryLedger(state);
    // A different object for the same repository finds the same state.
    expect(ledger.peekTag({ ...ref }, 'v1')).toBe(record);
    expect(ledger.peekTag(ref, 'v1')).toBe(record);
    // The repository deleted (as the auditor does it): what is older is forgotten.
    await ledger.updateTag({ ...ref }, 'v1', (prev) => ({
      next: forgetTagBefore(prev, at(1)),
      found: [],
    }));
    expect(ledger.peekTag(ref, 'v1')).toEqual({ entries: [], floor: at(1) });
    expect(state.repositories.get(stateKey(ACCOUNT, REGION, 'web'))?.tags.get('v1')).toEqual({
      entries: [],
      floor: at(1),
    });
    const push = { kind: 'push', digest: digest(2), time: at(2), eventId: null } as const;
    await ledger.updateTag({ ...ref }, 'v2', (prev) => decide(prev, 'v2', push));
    expect(tagState(ledger.peekTag(ref, 'v2'))).toEqual({ digest: digest(2), live: true });
    expect(tagState(ledger.peekTag(ref, 'v1'))).toEqual({ digest: null, live: false });
    // A late push of the deleted repository changes nothing.
    const late = { ...push, digest: digest(3), time: at(0) };
    await ledger.updateTag({ ...ref }, 'v1', (prev) => decide(prev, 'v1', late));
    expect(tagState(ledger.peekTag(ref, 'v1'))).toEqual({ digest: null, live: false });
    expect([...(await ledger.tags(ref)).keys()].sort()).toEqual(['v1', 'v2']);
    expect(state.repositories.get(stateKey(ACCOUNT, REGION, 'web'))?.tags.has('v2')).toBe(true);
    expect(recordedMoves(ledger.peekTag(ref, 'v2') as TagRecord)).toEqual([]);
  });
});

describe('canonicalTimeMs', () => {
  it('is Date.parse for every canonical time, extended years included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(canonicalTimeMs(text)).toBe(Date.parse(text));
        expect(new Date(canonicalTimeMs(text)).toISOString()).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });
});

/** An ECR Image Action event as EventBridge delivers it. */
function imageAction(
  action: 'PUSH' | 'DELETE',
  repository: string,
  tag: string | null,
  d: number | null,
  second: number,
  id: string,
) {
  return {
    version: '0',
    id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: ACCOUNT,
    time: new Date(Date.UTC(2025, 6, 24) + second * 1000).toISOString().replace('.000Z', 'Z'),
    region: REGION,
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': repository,
      ...(d === null ? {} : { 'image-digest': digest(d) }),
      'action-type': action,
      ...(tag === null ? {} : { 'image-tag': tag }),
    },
  };
}

/** A CloudTrail DeleteRepository record (an event held as itself, which forgets tags). */
function deleteRepository(repository: string, second: number, id: string) {
  return {
    eventVersion: '1.08',
    eventSource: 'ecr.amazonaws.com',
    eventName: 'DeleteRepository',
    eventTime: new Date(Date.UTC(2025, 6, 24) + second * 1000).toISOString(),
    awsRegion: REGION,
    recipientAccountId: ACCOUNT,
    userIdentity: { arn: `arn:aws:iam::${ACCOUNT}:user/ops` },
    eventID: id,
    requestParameters: { repositoryName: repository, force: true },
    responseElements: { repository: { repositoryName: repository } },
  };
}

/** The replay algorithm without its shortcuts: every event held as is, sorted, applied. */
async function plainReplay(path: string): Promise<{ findings: Finding[]; state: unknown }> {
  const events: DomainEvent[] = [];
  for await (const item of readInputs([path])) {
    if (item.result.kind === 'events') events.push(...item.result.events);
  }
  const { findings, state } = await referenceReplay(policy, events);
  return { findings, state };
}

describe('replay', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-tag-auditor-replay-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const repositories = ['web', 'sandbox/a', 'cache/x'] as const;
  const tags = ['v1', 'dev-1', 'latest'] as const;
  const event = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        repository: fc.constantFrom(...repositories),
        tag: fc.constantFrom(...tags),
        d: fc.integer({ min: 1, max: 3 }),
        second: fc.integer({ min: 0, max: 6 }),
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('delete' as const),
        repository: fc.constantFrom(...repositories),
        tag: fc.option(fc.constantFrom(...tags), { nil: null }),
        d: fc.integer({ min: 1, max: 3 }),
        second: fc.integer({ min: 0, max: 6 }),
        id: fc.constantFrom('g', 'h'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('forget' as const),
        repository: fc.constantFrom(...repositories),
        second: fc.integer({ min: 0, max: 6 }),
        id: fc.constantFrom('i', 'j'),
      }),
    },
  );

  /** Replays `list` both ways; asserts they agree; returns how many pushes were passed over. */
  type Listed = typeof event extends fc.Arbitrary<infer T> ? T : never;
  let run = 0;
  const agreesWithPlain = async (list: readonly Listed[]) => {
    const lines = list.map((e) => {
      const id = `${e.id}-${e.second}`;
      if (e.kind === 'forget') return deleteRepository(e.repository, e.second, id);
      if (e.kind === 'push') return imageAction('PUSH', e.repository, e.tag, e.d, e.second, id);
      return imageAction('DELETE', e.repository, e.tag, e.d, e.second, id);
    });
    const path = join(dir, `events-${run++}.ndjson`);
    await writeFile(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const expected = await plainReplay(path);
    const actual = await replay({ policy, inputs: [path] });
    expect(actual.findings).toEqual(expected.findings);
    expect(actual.state).toEqual(expected.state);
    expect(actual.summary.applied).toBe(lines.length);
    // Every push generated is a valid tagged Image Action push: all of them were taken
    // straight from the input (the fast path), none went through an intake item.
    expect(actual.fastPath.taken).toBe(list.filter((e) => e.kind === 'push').length);
    return actual.fastPath.passedOver;
  };

  it('gives the findings and the state of the plain algorithm', async () => {
    let passedOver = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 40 }), async (list) => {
        passedOver += await agreesWithPlain(list);
      }),
      { numRuns: 300 },
    );
    // Repeated pushes of the same digest are common here: the inert ones must be passed over.
    expect(passedOver).toBeGreaterThan(0);
  });

  it('gives them where a tag is pushed the same content more often than its history holds', async () => {
    // Prepare: one tag, mostly one content, pushes seconds apart (runs longer than the bound).
    const push = fc.record({
      kind: fc.constant('push' as const),
      repository: fc.constant('web'),
      tag: fc.constant('v1'),
      d: fc.oneof(
        { weight: 8, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.constant(2) },
      ),
      second: fc.integer({ min: 0, max: 400 }),
      id: fc.constantFrom('a', 'b'),
    });
    const other = event.map((e) => ({ ...e, second: e.second * 60 }));
    let passedOver = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 12, arbitrary: push }, { weight: 1, arbitrary: other }), {
          minLength: TAG_HISTORY_LIMIT,
          maxLength: 4 * TAG_HISTORY_LIMIT,
        }),
        async (list) => {
          passedOver += await agreesWithPlain(list);
        },
      ),
      { numRuns: 400 },
    );
    expect(passedOver).toBeGreaterThan(0);
  });
});

describe('replay of a large file in parts (worker threads)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-tag-auditor-parts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A line of input: mostly pushes, some other events, blank, broken, CRLF-ended lines. */
  const line = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .record({
          repository: fc.constantFrom('web', 'sandbox/a', 'cache/x'),
          tag: fc.constantFrom('v1', 'dev-1', 'latest'),
          d: fc.integer({ min: 1, max: 3 }),
          second: fc.integer({ min: 0, max: 9 }),
          id: fc.constantFrom('a', 'b', 'c', 'd'),
          crlf: fc.boolean(),
        })
        .map(
          (e) =>
            `${JSON.stringify(imageAction('PUSH', e.repository, e.tag, e.d, e.second, `${e.id}-${e.second}`))}${e.crlf ? '\r' : ''}`,
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          tag: fc.option(fc.constantFrom('v1', 'dev-1'), { nil: null }),
          d: fc.integer({ min: 1, max: 3 }),
          second: fc.integer({ min: 0, max: 9 }),
        })
        .map((e) =>
          JSON.stringify(imageAction('DELETE', 'web', e.tag, e.d, e.second, `del-${e.second}`)),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: 9 })
        .map((second) => JSON.stringify(deleteRepository('web', second, `forget-${second}`))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '   ',
        '{"broken": ',
        'not json',
        '\uFEFF{"detail-type": "ECR Image Action"}',
        '[1, 2]',
        '{"source":"aws.s3","detail-type":"Object Created","detail":{}}',
      ),
    },
  );

  it('gives what reading the file whole gives: findings, state, counts, problems and their lines', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        async (lines, finalNewline) => {
          // The first line decides NDJSON: a push, so that the file may be read in parts.
          const first = JSON.stringify(imageAction('PUSH', 'web', 'v1', 1, 0, 'first'));
          const text = `${[first, ...lines].join('\n')}${finalNewline ? '\n' : ''}`;
          const path = join(dir, `parts-${run++}.ndjson`);
          await writeFile(path, text);
          const problems = (where: { location: string; reason: string }[]) => ({
            onProblem: (p: { location: string; reason: string }) => where.push(p),
          });
          const wholeProblems: { location: string; reason: string }[] = [];
          const partsProblems: { location: string; reason: string }[] = [];
          const whole = await replay({
            policy,
            inputs: [path],
            parallelMinBytes: Number.POSITIVE_INFINITY,
            ...problems(wholeProblems),
          });
          let split: readonly number[] = [];
          const parts = await replay({
            policy,
            inputs: [path],
            parallelMinBytes: 1,
            onParts: (_, bounds) => {
              split = bounds;
            },
            ...problems(partsProblems),
          });
          // With more than one core the file was read in parts (on worker threads), whenever a
          // line feed in its second half leaves a part after it.
          const bytes = Buffer.from(text);
          const feed = bytes.indexOf(0x0a, Math.floor(bytes.length / 2));
          if (availableParallelism() > 1 && feed >= 0 && feed < bytes.length - 1) {
            expect(split.length).toBeGreaterThan(2);
          }
          if (split.length > 2) {
            // The parts after the first went to worker threads, and every worker read its part
            // (a worker that fails is replaced by a read here, which would hide a broken worker).
            expect(parts.fastPath.workerParts).toBe(split.length - 2);
            expect(parts.fastPath.workerFailures).toBe(0);
          }
          expect(whole.fastPath.workerParts).toBe(0);
          expect(parts.fastPath.taken).toBe(whole.fastPath.taken);
          expect(parts.fastPath.passedOver).toBe(whole.fastPath.passedOver);
          expect(parts.findings).toEqual(whole.findings);
          expect(parts.state).toEqual(whole.state);
          expect(parts.summary).toEqual(whole.summary);
          expect(parts.problems).toEqual(whole.problems);
          expect(partsProblems).toEqual(wholeProblems);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
