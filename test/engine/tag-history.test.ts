/**
 * A tag's history and the overwrites it reveals (lib/core/engine/tag-history.ts, `decideTag` in
 * lib/core/engine/decide.ts; docs/ledger.md#tag-history): the findings of pushes and deletes in
 * any arrival order, copies from ECR and CloudTrail, redeliveries, repository deletes — and a
 * property over random histories against a model of what really moved.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Change, decideTag, type Provenance } from '../../lib/core/engine/decide.ts';
import {
  TAG_HISTORY_LIMIT,
  TAG_REPEATS_LIMIT,
  type TagRecord,
} from '../../lib/core/engine/records.ts';
import {
  forgetTagBefore,
  observeTag,
  recordedMoves,
  type TagObservation,
  tagState,
} from '../../lib/core/engine/tag-history.ts';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { config } from '../support/config.ts';
import { digest as dg } from '../support/digest.ts';

/** Canonical time `s` seconds after a fixed start. */
const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

const DEV_MUTABLE: MutabilityConfig = {
  imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
  imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
};
const policy: Policy = {
  file: 'policy.yml',
  default: DEV_MUTABLE,
  rules: [{ repositories: ['sandbox/**'], config: config('MUTABLE'), index: 0, line: 3 }],
  ignore: ['cache/**'],
};
const ref = (repository: string): RepositoryRef => ({
  account: '123456789012',
  region: 'eu-west-1',
  repository,
});
const WEB = ref('web');

type Step = {
  kind: 'push' | 'delete';
  digest: string | null;
  s: number;
  id?: string | null;
  by?: 'event' | 'scan';
};

function at(step: Step): Provenance & Change {
  const eventId = step.id === undefined ? `e-${step.kind}-${step.s}` : step.id;
  return {
    time: t(step.s),
    eventId: step.by === 'scan' ? null : eventId,
    actor: 'alice',
    detectedBy: step.by ?? 'event',
  };
}

/** Applies the steps in order to `prev`; the record and every finding, in order. */
function run(steps: readonly Step[], prev?: TagRecord, tag = 'v1', repo = WEB) {
  let record = prev;
  const found: Found[] = [];
  for (const step of steps) {
    const a = at(step);
    const observation: TagObservation = {
      kind: step.kind,
      digest: step.digest,
      time: a.time ?? '',
      eventId: a.eventId,
    };
    const decision = decideTag(policy, repo, tag, record, observation, a);
    if (decision.next) record = decision.next;
    found.push(...decision.found);
  }
  return { record, found };
}

const push = (n: number, s: number, extra: Partial<Step> = {}): Step => ({
  kind: 'push',
  digest: dg(n),
  s,
  ...extra,
});
const del = (n: number | null, s: number, extra: Partial<Step> = {}): Step => ({
  kind: 'delete',
  digest: n === null ? null : dg(n),
  s,
  ...extra,
});

/** What the findings say moved: [previous, next] digests. */
const moves = (found: readonly Found[]) =>
  found.map(({ finding }) => [finding.previousDigest, finding.digest]);

describe('decideTag: overwrites', () => {
  it('reports nothing for a first push, and an overwrite of an immutable tag as a HIGH violation', () => {
    // Act
    const { found } = run([push(1, 100), push(2, 200)]);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.delivery).toBe('fresh');
    expect(found[0]?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      severity: 'HIGH',
      repository: 'web',
      tag: 'v1',
      previousDigest: dg(1),
      digest: dg(2),
      viaDelete: false,
      expected: DEV_MUTABLE,
      actor: 'alice',
      eventId: 'e-push-200',
      eventTime: t(200),
      detectedBy: 'event',
    });
    expect(found[0]?.finding.message).toBe(
      'Tag v1 in web moved from sha256:000000000000 to sha256:000000000000; ' +
        'the policy makes it immutable (IMMUTABLE_WITH_EXCLUSION [dev-*]).',
    );
  });

  it('reports an allowed overwrite as INFO, and nothing in an ignored repository', () => {
    expect(run([push(1, 100), push(2, 200)], undefined, 'dev-1').found[0]?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_ALLOWED',
      severity: 'INFO',
    });
    expect(run([push(1, 100), push(2, 200)], undefined, 'v1', ref('cache/x')).found).toEqual([]);
  });

  it('shortens digests in messages to the algorithm and 12 characters', () => {
    const long = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const steps: Step[] = [
      { kind: 'push', digest: long, s: 1 },
      { kind: 'push', digest: '0123456789abcdef', s: 10 },
    ];
    expect(run(steps, undefined, 'dev-1').found[0]?.finding.message).toBe(
      'Tag dev-1 in web moved from sha256:0123456789ab to 0123456789ab; the policy allows it.',
    );
  });

  it('says when the tag was deleted and pushed again; the same content again is no move', () => {
    const { found } = run([push(1, 100), del(1, 150), push(2, 200)]);
    expect(found.map((f) => f.finding)).toMatchObject([{ viaDelete: true }]);
    expect(found[0]?.finding.message).toContain('(deleted and pushed again);');
    expect(run([push(1, 100), del(1, 150), push(1, 200)]).found).toEqual([]);
  });

  it('reports a move back to an earlier digest as a move', () => {
    expect(moves(run([push(1, 0), push(2, 10), push(1, 20)]).found)).toEqual([
      [dg(1), dg(2)],
      [dg(2), dg(1)],
    ]);
  });

  it('gives an overwrite an id from its facts only, the same whichever way it was found', () => {
    const inOrder = run([push(9, 50), push(1, 100)]).found;
    const late = run([push(1, 100), push(9, 50)]).found;
    expect(inOrder[0]?.finding.id).toMatch(/^tag-overwrite-violation-[0-9a-f]{20}$/);
    expect(late[0]?.finding.id).toBe(inOrder[0]?.finding.id);
    expect(late[0]?.finding).toMatchObject({ eventId: 'e-push-100', actor: null });
    const other = run([push(9, 50), push(1, 101)]).found;
    expect(other[0]?.finding.id).not.toBe(inOrder[0]?.finding.id);
  });
});

describe('decideTag: redeliveries and copies', () => {
  it('gives a redelivery of the event that moved the tag its finding again, as redelivered', () => {
    // Prepare
    const { record } = run([push(1, 100), push(2, 200)]);
    // Act
    const again = run([push(2, 200)], record);
    const otherCopy = run([push(2, 201, { id: 'cloudtrail-copy' })], record);
    // Assess
    expect(again.found.map((f) => f.delivery)).toEqual(['redelivered']);
    expect(moves(again.found)).toEqual([[dg(1), dg(2)]]);
    expect(otherCopy.found).toEqual([]);
    expect(again.record).toBe(record);
  });

  it('never takes two observations without event ids for the same event', () => {
    const { record } = run([push(1, 100), push(2, 200, { by: 'scan' })]);
    expect(run([push(2, 200, { by: 'scan' })], record).found).toEqual([]);
  });

  it('issue item 3a: A, then B and C in one second, then B redelivered — no move C→B', () => {
    // Act
    const { found, record } = run([
      push(1, 0),
      push(2, 1),
      push(3, 1),
      push(2, 1, { id: 'again' }),
    ]);
    // Assess
    expect(moves(found)).toEqual([
      [dg(1), dg(2)],
      [dg(2), dg(3)],
    ]);
    expect(tagState(record)).toEqual({ digest: dg(3), live: true });
  });

  it('issue item 3b: two pushes a second apart, CloudTrail copies a second later and arriving later — two alerts', () => {
    const steps = [
      push(1, 0, { id: 'ecr-a' }),
      push(2, 1, { id: 'ecr-b' }),
      push(1, 1, { id: 'ct-a' }),
      push(2, 2, { id: 'ct-b' }),
    ];
    expect(moves(run([push(9, -60), ...steps]).found)).toEqual([
      [dg(9), dg(1)],
      [dg(1), dg(2)],
    ]);
  });

  it('takes a CloudTrail copy stamped up to 2 s later for the same push, not 3 s', () => {
    expect(run([push(1, 0), push(2, 5), push(2, 7, { id: 'ct' })]).found).toHaveLength(1);
    expect(run([push(1, 0), push(2, 5), push(1, 2, { id: 'ct' })]).found).toHaveLength(1);
    expect(moves(run([push(1, 0), push(2, 1), push(1, 4, { id: 'later' })]).found)).toEqual([
      [dg(1), dg(2)],
      [dg(2), dg(1)],
    ]);
  });

  it('moves an entry to the earlier stamp of a copy, so that the order is the true one', () => {
    // CloudTrail's copy of 1 (stamped 2 s late) first, then 2, then ECR's copy of 1.
    const { record } = run([push(1, 2, { id: 'ct' }), push(2, 5), push(1, 0, { id: 'ecr' })]);
    expect(record?.entries.map((e) => e.time)).toEqual([t(0), t(5)]);
  });
});

describe('decideTag: deletes (issue item 1)', () => {
  it('alerts a move from a delete naming a digest never seen for the tag, once, whichever comes first', () => {
    const a = push(1, 0);
    const b = push(2, 5);
    const d = del(2, 10);
    const orders = [
      [a, b, d],
      [a, d, b],
      [b, a, d],
      [b, d, a],
      [d, a, b],
      [d, b, a],
    ];
    for (const order of orders) {
      expect(moves(run(order).found), JSON.stringify(order.map((o) => o.s))).toEqual([
        [dg(1), dg(2)],
      ]);
    }
  });

  it('alerts the move a delete reveals even when the push never arrives', () => {
    const { found, record } = run([push(1, 0), del(2, 10)]);
    expect(found[0]?.finding).toMatchObject({
      previousDigest: dg(1),
      digest: dg(2),
      eventTime: t(10),
      eventId: 'e-delete-10',
    });
    expect(tagState(record)).toEqual({ digest: dg(2), live: false });
  });

  it('a delete that names no digest, or the current one, reveals nothing', () => {
    expect(run([push(1, 0), del(null, 10), push(1, 20)]).found).toEqual([]);
    expect(run([push(1, 0), del(1, 10)]).found).toEqual([]);
  });

  it('a late push inside a deletion found by a scan is the move it was, not a move to the tombstone', () => {
    // 1 at 0, 2 at 5, deleted at 8; a scan at 9 finds the tag gone; 2's push arrives last.
    const { found } = run([push(1, 0), del(null, 9, { by: 'scan' }), push(2, 5)]);
    expect(moves(found)).toEqual([[dg(1), dg(2)]]);
  });

  it('a delete by digest applies only where the tag pointed at that digest then', () => {
    const record = run([push(1, 0), push(2, 10)]).record;
    const byDigest = (n: number, s: number) =>
      observeTag(record, {
        kind: 'delete',
        digest: dg(n),
        time: t(s),
        eventId: 'x',
        onlyIfAt: true,
      });
    expect(byDigest(1, 20)).toBeNull();
    expect(byDigest(1, 5)).not.toBeNull();
    expect(tagState(byDigest(2, 20) ?? undefined)).toEqual({ digest: dg(2), live: false });
  });
});

describe('a scan listing during pushes (issue item 4)', () => {
  it('a push from before the listing arriving after it never looks newer', () => {
    // 1 known; 2 at 5 and 3 at 8 pushed; the scan lists at 10 (sees 3); then the events arrive.
    const { found, record } = run([
      push(1, 0),
      push(3, 10, { by: 'scan' }),
      push(2, 5),
      push(3, 8),
    ]);
    expect(moves(found)).toEqual([
      [dg(1), dg(3)],
      [dg(2), dg(3)],
    ]);
    expect(tagState(record)).toEqual({ digest: dg(3), live: true });
  });
});

describe('forgetTagBefore (issue item 2)', () => {
  it('forgets what is older than a repository delete, keeps what is newer, and ignores late old events', () => {
    // Prepare: the re-created repository's push at 60 is known before the delete at 0 arrives.
    const { record } = run([push(7, -100), push(1, 60)]);
    // Act
    const forgotten = forgetTagBefore(record, t(0));
    const after = run([push(8, -50, { id: 'late-old' }), push(2, 120)], forgotten ?? undefined);
    // Assess
    expect(forgotten?.entries.map((e) => e.digest)).toEqual([dg(1)]);
    expect(moves(after.found)).toEqual([[dg(1), dg(2)]]);
    expect(forgetTagBefore(forgotten ?? undefined, t(0))).toBeNull();
  });
});

describe('a bounded history', () => {
  it(`keeps ${TAG_HISTORY_LIMIT} entries, raises the floor, and never reports a dropped version again`, () => {
    const steps = Array.from({ length: TAG_HISTORY_LIMIT + 5 }, (_, i) => push(i + 1, i * 10));
    const { record, found } = run(steps);
    expect(record?.entries).toHaveLength(TAG_HISTORY_LIMIT);
    expect(record?.floor).toBe(t(50));
    expect(found).toHaveLength(TAG_HISTORY_LIMIT + 4);
    // Old copies of every version, late: nothing new.
    const late = run(
      steps.map((s) => ({ ...s, id: `copy-${s.s}`, s: s.s + 1 })),
      record,
    );
    expect(late.found).toEqual([]);
    expect(recordedMoves(late.record as TagRecord)).toHaveLength(TAG_HISTORY_LIMIT - 1);
  });
});

describe('pushes of the content a tag already holds', () => {
  it('are all kept: a version arriving between two of them makes the second a move back', () => {
    // Prepare: A at 25, B at 47, A at 58, C at 82, A at 85; delivered A85, A58, A25, C, B.
    const order = [push(1, 85), push(1, 58), push(1, 25), push(3, 82), push(2, 47)];
    // Act
    const { found, record } = run(order);
    // Assess: the four superseded versions, once each — A@25 (alerted when C arrived, before B
    // did), C, then B and A@58 when B arrives.
    expect(moves(found)).toEqual([
      [dg(1), dg(3)],
      [dg(3), dg(1)],
      [dg(2), dg(1)],
      [dg(1), dg(3)],
    ]);
    expect(recordedMoves(record as TagRecord).map((m) => m.move.since)).toEqual([
      t(25),
      t(47),
      t(58),
      t(82),
    ]);
  });

  it('a delete naming the content a deleted tag held is kept: a version arriving before it reveals a move', () => {
    // Prepare: A at 12, deleted at 36, (A pushed again at 170: lost), deleted at 185 naming A;
    // B's push at 141 arrives last.
    const order = [push(1, 12), del(null, 36), del(1, 185), push(2, 141)];
    // Act
    const { found } = run(order);
    // Assess: A superseded by B, and B by A (seen only through the delete naming it).
    expect(moves(found)).toEqual([
      [dg(1), dg(2)],
      [dg(2), dg(1)],
    ]);
  });

  it(`a run keeps its last push and ${TAG_REPEATS_LIMIT} repeats before it; the floor stays`, () => {
    // Prepare: B, then A pushed 20 times, 10 s apart.
    const steps = [push(2, 0), ...Array.from({ length: 20 }, (_, i) => push(1, 10 + 10 * i))];
    // Act
    const { record } = run(steps);
    const before = run([push(3, 5, { id: 'late-before' })], record);
    const between = run([push(3, 185, { id: 'late-between' })], record);
    // Assess: B, the first A, the last repeats and the last push; late versions are placed.
    expect(record?.entries.map((e) => e.time)).toEqual([
      t(0),
      t(10),
      ...Array.from({ length: TAG_REPEATS_LIMIT }, (_, i) => t(200 - 10 * (TAG_REPEATS_LIMIT - i))),
      t(200),
    ]);
    expect(record?.floor).toBeNull();
    expect(moves(before.found)).toEqual([[dg(3), dg(1)]]);
    // A at 180 superseded by the late version at 185, which A at 190 superseded.
    expect(moves(between.found)).toEqual([
      [dg(1), dg(3)],
      [dg(3), dg(1)],
    ]);
  });

  it(`over ${TAG_HISTORY_LIMIT} entries, forgets the oldest repeat before the oldest entry`, () => {
    // Prepare: five contents, each pushed three times in a row (one repeat each), 15 entries.
    const steps = [1, 2, 3, 4, 5].flatMap((n) => [0, 1, 2].map((i) => push(n, 30 * n + 10 * i)));
    // Act
    const { record } = run(steps);
    // Assess: the repeats of the first three contents went; every version's first push stays,
    // and nothing older is ignored.
    expect(record?.entries.map((e) => e.time)).toEqual([
      t(30),
      t(50),
      t(60),
      t(80),
      t(90),
      t(110),
      t(120),
      t(130),
      t(140),
      t(150),
      t(160),
      t(170),
    ]);
    expect(record?.floor).toBeNull();
  });

  it(`a documented limit: two late versions around a forgotten repeat are merged`, () => {
    // Prepare: A pushed at 10, 20, 30, 40, 50 (the repeat at 20 is forgotten); B at 15 and C at 25
    // arrive late.
    const { record } = run([10, 20, 30, 40, 50].map((s) => push(1, s)));
    // Act
    const { found } = run([push(2, 15, { id: 'b' }), push(3, 25, { id: 'c' })], record);
    // Assess: A@10, B and C are alerted, each once; A@20's version (superseded by C) is lost,
    // merged with A@10's. Nothing is invented.
    expect(moves(found)).toEqual([
      [dg(1), dg(2)],
      [dg(2), dg(1)],
      [dg(3), dg(1)],
    ]);
  });
});

/**
 * A model of reality: a tag's real pushes and deletes, at least 3 s apart (ECR's and
 * CloudTrail's whole-second times up to 2 s apart cannot order closer ones). Each real version
 * that a later different content followed was superseded: exactly those must be alerted.
 */
const realHistory = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 3, max: 30 }),
      content: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(0)), // 0: a delete
    }),
    // At most 10 steps: with a scan's listing, within the bound, where the history is exact.
    { minLength: 1, maxLength: 10 },
  )
  .map((steps) => {
    let s = 0;
    let live: number | null = null;
    const real: { kind: 'push' | 'delete'; n: number; s: number }[] = [];
    for (const { gap, content } of steps) {
      s += gap;
      if (content === 0) {
        if (live === null) continue;
        real.push({ kind: 'delete', n: live, s });
        live = null;
      } else {
        real.push({ kind: 'push', n: content, s });
        live = content;
      }
    }
    return real;
  })
  .filter((real) => real.some((r) => r.kind === 'push'))
  // A run of one content keeps its first push, TAG_REPEATS_LIMIT repeats and its last: a content
  // pushed more often than that is a documented limit (`a documented limit: …` above).
  .filter((real) =>
    [1, 2, 3, 4].every(
      (n) => real.filter((r) => r.kind === 'push' && r.n === n).length <= TAG_REPEATS_LIMIT + 2,
    ),
  );

/**
 * The versions the evidence that arrived shows, in real time order: a push with a report, a
 * delete naming its digest (the tag held that content), what a scan listed. Consecutive reports of
 * one content are one version; each but the last was superseded.
 */
function supersededShown(shown: readonly { s: number; n: number }[]): number[] {
  const versions: number[] = [];
  for (const v of [...shown].sort((a, b) => a.s - b.s)) {
    if (versions.at(-1) !== v.n) versions.push(v.n);
  }
  return versions.slice(0, -1);
}

/** A real history, how each of its events is reported, a scan, and an arrival order. */
const evidenceCase = realHistory.chain((real) =>
  fc.record({
    real: fc.constant(real),
    copies: fc.array(
      fc.record({
        ecr: fc.boolean(),
        cloudTrail: fc.boolean(),
        skew: fc.integer({ min: 0, max: 2 }),
        // Reported twice with the same event id: a redelivery, whenever it arrives.
        twice: fc.boolean(),
        deleteNamesDigest: fc.boolean(),
      }),
      { minLength: real.length, maxLength: real.length },
    ),
    scanAfter: fc.option(fc.integer({ min: 0, max: real.length - 1 })),
    seed: fc.integer(),
  }),
);
type EvidenceCase = typeof evidenceCase extends fc.Arbitrary<infer T> ? T : never;

/**
 * The reports of `c` (ECR's at the real time, CloudTrail's up to 2 s later, a scan listing half a
 * second after real step `scanAfter`) in their arrival order, and the versions they show. With
 * `everyPush`, every push has at least one report.
 */
function reportsOf({ real, copies, scanAfter, seed }: EvidenceCase, everyPush: boolean) {
  const evidence: Step[] = [];
  const shown: { s: number; n: number }[] = [];
  real.forEach((r, i) => {
    const c = copies[i] as (typeof copies)[number];
    const ctDigest = r.kind === 'push' || c.deleteNamesDigest ? dg(r.n) : null;
    const reports: Step[] = [];
    if (c.ecr || (everyPush && r.kind === 'push' && !c.cloudTrail))
      reports.push({ kind: r.kind, digest: dg(r.n), s: r.s, id: `ecr-${i}` });
    if (c.cloudTrail)
      reports.push({ kind: r.kind, digest: ctDigest, s: r.s + c.skew, id: `ct-${i}` });
    for (const report of reports) evidence.push(...(c.twice ? [report, report] : [report]));
    if (reports.some((report) => report.digest !== null)) shown.push({ s: r.s, n: r.n });
  });
  if (scanAfter !== null) {
    const last = real.slice(0, scanAfter + 1).at(-1);
    const listedAt = (last?.s ?? 0) + 0.5;
    if (last?.kind === 'push') {
      evidence.push({ kind: 'push', digest: dg(last.n), s: listedAt, by: 'scan' });
      shown.push({ s: listedAt, n: last.n });
    } else evidence.push({ kind: 'delete', digest: null, s: listedAt, by: 'scan' });
  }
  const order = fc.sample(fc.shuffledSubarray(evidence, { minLength: evidence.length }), {
    seed,
    numRuns: 1,
  })[0] as Step[];
  return { order, shown };
}

/** The findings by id (as the alert log de-duplicates them). */
const distinctFindings = (found: readonly Found[]) => [
  ...new Map(found.map((f) => [f.finding.id, f.finding])).values(),
];

describe('property: any arrival order of any evidence of a real history', () => {
  it('alerts exactly the superseded versions, once each, and ends at the real content', () => {
    fc.assert(
      fc.property(evidenceCase, (c) => {
        // Prepare: every push is reported at least once.
        const { order, shown } = reportsOf(c, true);
        // Act
        const { found, record } = run(order);
        // Assess: each superseded version once.
        const findings = distinctFindings(found);
        const pushes = c.real.filter((r) => r.kind === 'push');
        expect(findings.map((f) => f.previousDigest).sort()).toEqual(
          supersededShown(pushes)
            .map((n) => dg(n))
            .sort(),
        );
        expect(supersededShown(shown)).toEqual(supersededShown(pushes));
        for (const f of findings) expect(f.digest).not.toBe(f.previousDigest);
        expect(tagState(record).digest).toBe(dg(pushes.at(-1)?.n ?? 0));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: any arrival order, some reports never arriving', () => {
  it('alerts exactly the superseded versions whose evidence arrived, once each', () => {
    fc.assert(
      fc.property(evidenceCase, (c) => {
        // Prepare: every report may be lost, a push's and a delete's alike.
        const { order, shown } = reportsOf(c, false);
        // Act
        const { found } = run(order);
        // Assess
        expect(
          distinctFindings(found)
            .map((f) => f.previousDigest)
            .sort(),
        ).toEqual(
          supersededShown(shown)
            .map((n) => dg(n))
            .sort(),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a version whose first entry is dropped keeps its recorded move', () => {
  it('bounded: a version whose first entry is dropped, with a delete naming no digest next, is not alerted again', () => {
    // A pushed, deleted (no digest named), pushed again, then B: one version of A, superseded once.
    const steps = [push(1, 0), del(null, 10), push(1, 20), push(2, 30)];
    // Then enough moves to drop the first entry (push 1 at 0) from the full history.
    for (let n = 3; n <= 11; n++) steps.push(push(n, 10 * (n + 1)));
    const { record, found } = run(steps);
    expect(record?.entries).toHaveLength(TAG_HISTORY_LIMIT);
    // 1→2, 2→3, …, 10→11: ten moves, each once.
    const pairs = moves(found).map(([a, b]) => `${a}>${b}`);
    expect(pairs.filter((p) => p === `${dg(1)}>${dg(2)}`)).toHaveLength(1);
    expect(found).toHaveLength(10);
  });

  it('forgetTagBefore: a version that began before the repository delete and was already alerted is not alerted again', () => {
    // The pushes at 20 and 30 (the re-created repository) arrive before the repository delete at 10.
    const { record, found } = run([push(1, 0), push(1, 20), push(2, 30)]);
    expect(moves(found)).toEqual([[dg(1), dg(2)]]);
    const forgotten = forgetTagBefore(record, t(10)) ?? record;
    // Any later observation of the tag records the moves the history implies.
    const after = run([push(3, 40)], forgotten);
    expect(moves(after.found)).toEqual([[dg(2), dg(3)]]);
  });
});

describe('a delete that names its digest completes a copy that did not', () => {
  it('CloudTrail delete without digest first, then ECR delete with the digest stamped earlier: one entry, naming the digest', () => {
    const { record } = run([push(1, 0), del(null, 11, { id: 'ct' }), del(1, 10, { id: 'ecr' })]);
    expect(record?.entries.map((e) => [e.kind, e.digest, e.time])).toEqual([
      ['push', dg(1), t(0)],
      ['delete', dg(1), t(10)],
    ]);
  });
});

describe('completing a digest-less delete', () => {
  it('a delete by digest only never completes a delete of other content', () => {
    // v1 held 2 and was deleted (no digest named) at 11; image 1, which v1 held before, deleted at 10.
    const { record } = run([push(1, 0), push(2, 5), del(null, 11)]);
    const next = observeTag(record, {
      kind: 'delete',
      digest: dg(1),
      time: t(10),
      eventId: 'by-digest',
      onlyIfAt: true,
    });
    expect(next).toBeNull();
  });
});
