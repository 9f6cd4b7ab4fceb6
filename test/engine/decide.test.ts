/**
 * The pure decisions of lib/core/engine/decide.ts, tested directly (docs/ledger.md,
 * docs/findings.md): the ledger transitions of pushes and deletes, the findings they yield and
 * the configuration drift episodes. The auditor tests see them only through a ledger.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockedFinding,
  type Change,
  type ConfigTarget,
  decideConfig,
  deleteTransition,
  lastMoveFinding,
  type Provenance,
  predatesPrevious,
  pushFinding,
  pushTransition,
} from '../../lib/core/engine/decide.ts';
import {
  type ConfigRecord,
  EMPTY_CONFIG_RECORD,
  RECENT_DIGESTS,
  type TagRecord,
} from '../../lib/core/engine/records.ts';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';

const dg = digest;
/** ISO time `s` seconds after a fixed start; lexical order is time order. */
const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

const IMMUTABLE: MutabilityConfig = config('IMMUTABLE');
const MUTABLE: MutabilityConfig = config('MUTABLE');
const DEV_MUTABLE: MutabilityConfig = {
  imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
  imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
};
const REL_MUTABLE: MutabilityConfig = {
  imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
  imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'rel-*' }],
};

/** Default: immutable but `dev-*`; `payments` immutable; `sandbox/**` mutable; `cache/**` ignored. */
const policy: Policy = {
  file: 'policy.yml',
  default: DEV_MUTABLE,
  rules: [
    { repositories: ['payments'], config: IMMUTABLE, index: 0, line: 5 },
    { repositories: ['sandbox/**'], config: MUTABLE, index: 1, line: 7 },
  ],
  ignore: ['cache/**'],
};

const ref = (repository: string): RepositoryRef => ({
  account: '123456789012',
  region: 'eu-west-1',
  repository,
});
const WEB = ref('web');

function record(over: Partial<TagRecord> = {}): TagRecord {
  return {
    digest: dg(1),
    deleted: false,
    time: t(100),
    recent: [],
    eventId: 'e-prev',
    movedFrom: null,
    viaDelete: false,
    prevTime: null,
    ...over,
  };
}

function at(s: number, over: Partial<Provenance & Change> = {}): Provenance & Change {
  return { time: t(s), eventId: `e-${s}`, actor: 'alice', detectedBy: 'event', ...over };
}

/** `count` distinct digests, numbered from `from`. */
const digests = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => dg(from + i));

/** The shortened form of `dg(n)` for a small `n`, as finding messages show it. */
const SHORT_DG = 'sha256:000000000000';

/** The message of the overwrite of tag `dev-1` in `web` from `from` to `to`: both shortened. */
const moveMessage = (from: string, to: string) =>
  pushFinding(policy, WEB, record({ digest: from }), 'dev-1', to, at(200))?.finding.message;

describe('short digests in messages', () => {
  it('keeps the algorithm and the first 12 hex digits', () => {
    expect(moveMessage(`sha256:${'0123456789abcdef'.repeat(4)}`, dg(2))).toBe(
      `Tag dev-1 in web moved from sha256:0123456789ab to ${SHORT_DG}; the policy allows it.`,
    );
    expect(moveMessage(dg(2), 'sha512:abcdefabcdefabcdef')).toBe(
      `Tag dev-1 in web moved from ${SHORT_DG} to sha512:abcdefabcdef; the policy allows it.`,
    );
  });

  it('keeps the first 12 characters of a digest without an algorithm', () => {
    expect(moveMessage('0123456789abcdef', dg(2))).toBe(
      `Tag dev-1 in web moved from 0123456789ab to ${SHORT_DG}; the policy allows it.`,
    );
  });
});

describe('predatesPrevious', () => {
  const full = digests(10, RECENT_DIGESTS);

  it('is true only when the recent digests are full and the push is not after the previous version', () => {
    // Prepare
    const prev = record({ recent: full, prevTime: t(50) });
    // Act / Assess
    expect(predatesPrevious(prev, t(49))).toBe(true);
    expect(predatesPrevious(prev, t(50))).toBe(true);
    expect(predatesPrevious(prev, t(51))).toBe(false);
  });

  it('is false while fewer than RECENT_DIGESTS digests are remembered', () => {
    const prev = record({ recent: full.slice(1), prevTime: t(50) });
    expect(predatesPrevious(prev, t(10))).toBe(false);
  });

  it('is false when no previous version is known', () => {
    const prev = record({ recent: full, prevTime: null });
    expect(predatesPrevious(prev, t(10))).toBe(false);
  });
});

describe('pushTransition', () => {
  it('records a first push with nothing remembered', () => {
    expect(pushTransition(undefined, dg(1), { time: t(5), eventId: 'e1' })).toEqual({
      digest: dg(1),
      deleted: false,
      time: t(5),
      recent: [],
      eventId: 'e1',
      movedFrom: null,
      viaDelete: false,
      prevTime: null,
    });
  });

  it('leaves the record alone for the same digest pushed again, later or at the same time', () => {
    const prev = record();
    expect(pushTransition(prev, prev.digest, { time: t(200), eventId: 'x' })).toBeNull();
    expect(pushTransition(prev, prev.digest, { time: prev.time, eventId: 'x' })).toBeNull();
  });

  it('moves the tag on a later push of other content and remembers where it came from', () => {
    // Prepare
    const prev = record({ recent: [dg(7)], prevTime: t(40) });
    // Act
    const next = pushTransition(prev, dg(2), { time: t(200), eventId: 'e2' });
    // Assess
    expect(next).toEqual({
      digest: dg(2),
      deleted: false,
      time: t(200),
      recent: [dg(1), dg(7)],
      eventId: 'e2',
      movedFrom: dg(1),
      viaDelete: false,
      prevTime: t(100),
    });
  });

  it('treats a push at exactly the stored time as current, not late', () => {
    const next = pushTransition(record(), dg(2), { time: t(100), eventId: 'e2' });
    expect(next).toMatchObject({ digest: dg(2), movedFrom: dg(1), time: t(100) });
  });

  it('marks a move after a delete as via delete', () => {
    const prev = record({ deleted: true });
    const next = pushTransition(prev, dg(2), { time: t(200), eventId: 'e2' });
    expect(next).toMatchObject({
      digest: dg(2),
      deleted: false,
      movedFrom: dg(1),
      viaDelete: true,
    });
  });

  it('revives a tombstone pushed again with the same content without a move', () => {
    const prev = record({ deleted: true, recent: [dg(3)] });
    const next = pushTransition(prev, dg(1), { time: t(200), eventId: 'e2' });
    expect(next).toEqual({
      digest: dg(1),
      deleted: false,
      time: t(200),
      recent: [dg(1), dg(3)],
      eventId: 'e2',
      movedFrom: null,
      viaDelete: false,
      prevTime: t(100),
    });
  });

  it('ignores a late push of the current digest or of one it remembers', () => {
    const prev = record({ recent: [dg(5)] });
    expect(pushTransition(prev, dg(1), { time: t(50), eventId: 'x' })).toBeNull();
    expect(pushTransition(prev, dg(5), { time: t(50), eventId: 'x' })).toBeNull();
  });

  it('only adds an unseen late digest to the recent ones, without moving the tag', () => {
    // Prepare
    const prev = record({ recent: [dg(5)], movedFrom: dg(5), prevTime: t(60) });
    // Act
    const next = pushTransition(prev, dg(9), { time: t(50), eventId: 'late' });
    // Assess
    expect(next).toEqual({ ...prev, recent: [dg(9), dg(5)] });
  });

  it('ignores a late unseen push that predates the previous version once digests were dropped', () => {
    const prev = record({ recent: digests(10, RECENT_DIGESTS), prevTime: t(60) });
    expect(pushTransition(prev, dg(99), { time: t(60), eventId: 'x' })).toBeNull();
    expect(pushTransition(prev, dg(99), { time: t(61), eventId: 'x' })).toMatchObject({
      digest: dg(1),
      recent: [dg(99), ...digests(10, RECENT_DIGESTS - 1)],
    });
  });

  it('keeps at most RECENT_DIGESTS distinct recent digests, newest first (model)', () => {
    // A model of the recent list: every digest the tag pointed at before, newest first, once.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 40 }), (pushes) => {
        // Prepare
        let rec: TagRecord | undefined;
        const history: number[] = [];
        // Act
        pushes.forEach((d, i) => {
          rec = pushTransition(rec, dg(d), { time: t(i), eventId: `e${i}` }) ?? rec;
          if (history.at(-1) !== d) history.push(d);
        });
        // Assess
        const before = [...new Set(history.slice(0, -1).reverse())].slice(0, RECENT_DIGESTS);
        expect(rec?.recent ?? []).toEqual(before.map(dg));
        expect(rec?.digest).toBe(pushes.length ? dg(pushes.at(-1) as number) : undefined);
      }),
    );
  });
});

describe('deleteTransition', () => {
  it('ignores a delete older than the record', () => {
    expect(deleteTransition(record(), dg(1), { time: t(99), eventId: 'x' })).toBeNull();
  });

  it('ignores a delete of an unknown tag that names no digest', () => {
    expect(deleteTransition(undefined, null, { time: t(1), eventId: 'x' })).toBeNull();
  });

  it('records a tombstone for a delete of an unknown tag with a digest', () => {
    expect(deleteTransition(undefined, dg(4), { time: t(1), eventId: 'd' })).toEqual({
      digest: dg(4),
      deleted: true,
      time: t(1),
      recent: [],
      eventId: 'd',
      movedFrom: null,
      viaDelete: false,
      prevTime: null,
    });
  });

  it('turns the record into a tombstone that keeps its digest (delete at the same time included)', () => {
    // Prepare
    const prev = record({ recent: [dg(3)], movedFrom: dg(3), viaDelete: true });
    // Act
    const next = deleteTransition(prev, null, { time: t(100), eventId: 'd' });
    // Assess
    expect(next).toEqual({
      digest: dg(1),
      deleted: true,
      time: t(100),
      recent: [dg(3)],
      eventId: 'd',
      movedFrom: null,
      viaDelete: false,
      prevTime: t(100),
    });
  });

  it('ignores a second delete of the same digest', () => {
    const prev = record({ deleted: true });
    expect(deleteTransition(prev, dg(1), { time: t(200), eventId: 'd' })).toBeNull();
    expect(deleteTransition(prev, null, { time: t(200), eventId: 'd' })).toBeNull();
  });

  it('remembers the current digest when the delete names another one', () => {
    const prev = record({ deleted: true, recent: [dg(3)] });
    const next = deleteTransition(prev, dg(2), { time: t(200), eventId: 'd' });
    expect(next).toMatchObject({ digest: dg(2), deleted: true, recent: [dg(1), dg(3)] });
  });
});

describe('pushFinding', () => {
  it('reports nothing for a first push', () => {
    expect(pushFinding(policy, WEB, undefined, 'v1', dg(1), at(5))).toBeNull();
  });

  it('reports an overwrite of an immutable tag as a HIGH violation', () => {
    // Act
    const f = pushFinding(policy, WEB, record(), 'v1', dg(2), at(200));
    // Assess
    expect(f?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      severity: 'HIGH',
      account: WEB.account,
      region: WEB.region,
      repository: 'web',
      tag: 'v1',
      previousDigest: dg(1),
      digest: dg(2),
      viaDelete: false,
      expected: DEV_MUTABLE,
      actor: 'alice',
      eventId: 'e-200',
      eventTime: t(200),
      detectedBy: 'event',
    });
    expect(f?.finding.message).toBe(
      `Tag v1 in web moved from ${SHORT_DG} to ${SHORT_DG}; ` +
        'the policy makes it immutable (IMMUTABLE_WITH_EXCLUSION [dev-*]).',
    );
    expect(f?.delivery).not.toBe('late');
    expect(f?.delivery).not.toBe('redelivered');
  });

  it('reports an overwrite the policy allows as INFO and says so', () => {
    const f = pushFinding(policy, WEB, record(), 'dev-1', dg(2), at(200));
    expect(f?.finding).toMatchObject({ kind: 'TAG_OVERWRITE_ALLOWED', severity: 'INFO' });
    expect(f?.finding.message).toMatch(/; the policy allows it\.$/);
  });

  it('says when the tag was deleted and pushed again', () => {
    const f = pushFinding(policy, WEB, record({ deleted: true }), 'v1', dg(2), at(200));
    expect(f?.finding).toMatchObject({ viaDelete: true, previousDigest: dg(1), digest: dg(2) });
    expect(f?.finding.message).toContain(`to ${SHORT_DG} (deleted and pushed again);`);
  });

  it('reports nothing in an ignored repository', () => {
    expect(pushFinding(policy, ref('cache/x'), record(), 'v1', dg(2), at(200))).toBeNull();
  });

  it('reports nothing for the same digest, unless it is a redelivery of the event that moved it', () => {
    // Prepare
    const moved = record({ movedFrom: dg(0), eventId: 'e-100' });
    // Act
    const other = pushFinding(policy, WEB, moved, 'v1', dg(1), at(200));
    const again = pushFinding(policy, WEB, moved, 'v1', dg(1), at(100));
    // Assess
    expect(other).toBeNull();
    expect(again?.finding).toMatchObject({
      previousDigest: dg(0),
      digest: dg(1),
      eventTime: t(100),
    });
    expect(again?.delivery).toBe('redelivered');
  });

  it('does not take two events without ids for the same event', () => {
    const moved = record({ movedFrom: dg(0), eventId: null });
    expect(pushFinding(policy, WEB, moved, 'v1', dg(1), at(100, { eventId: null }))).toBeNull();
  });

  it('reports nothing for a push of the tombstone digest', () => {
    const prev = record({ deleted: true, movedFrom: dg(0), eventId: 'e-200' });
    expect(pushFinding(policy, WEB, prev, 'v1', dg(1), at(200))).toBeNull();
  });

  it('reveals the move from an unseen late digest to the stored one, as in-order processing would', () => {
    // Prepare
    const prev = record({ eventId: 'e-stored', prevTime: t(10) });
    // Act
    const f = pushFinding(policy, WEB, prev, 'v1', dg(9), at(50, { detectedBy: 'scan' }));
    // Assess
    expect(f?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      previousDigest: dg(9),
      digest: dg(1),
      viaDelete: false,
      eventTime: t(100),
      eventId: 'e-stored',
      actor: null,
      detectedBy: 'scan',
    });
    expect(f?.delivery).toBe('late');
  });

  it('has the same id for the late reveal and the in-order overwrite', () => {
    // Prepare: in order, 9 at t(50) then 1 at t(100) (event e-100).
    const inOrder = pushFinding(policy, WEB, record({ digest: dg(9), time: t(50) }), 'v1', dg(1), {
      ...at(100),
    });
    // Act: 1 at t(100) first, then the late 9 at t(50).
    const late = pushFinding(policy, WEB, record({ eventId: 'e-100' }), 'v1', dg(9), at(50));
    // Assess
    expect(late?.finding.id).toBeDefined();
    expect(late?.finding.id).toBe(inOrder?.finding.id);
  });

  it('reports nothing for a late push of a tombstone, of the current digest or of a remembered one', () => {
    const prev = record({ recent: [dg(5)] });
    expect(pushFinding(policy, WEB, record({ deleted: true }), 'v1', dg(9), at(50))).toBeNull();
    expect(pushFinding(policy, WEB, prev, 'v1', dg(1), at(50))).toBeNull();
    expect(pushFinding(policy, WEB, prev, 'v1', dg(5), at(50))).toBeNull();
  });

  it('reports nothing for a late push that predates the previous version once digests were dropped', () => {
    const prev = record({ recent: digests(10, RECENT_DIGESTS), prevTime: t(60) });
    expect(pushFinding(policy, WEB, prev, 'v1', dg(99), at(60))).toBeNull();
    expect(pushFinding(policy, WEB, prev, 'v1', dg(99), at(61))).not.toBeNull();
  });

  it('judges a push at exactly the stored time as current', () => {
    const f = pushFinding(policy, WEB, record(), 'v1', dg(2), at(100));
    expect(f?.finding).toMatchObject({ previousDigest: dg(1), digest: dg(2), eventTime: t(100) });
  });

  it('gives an overwrite an id from its facts only, not from how it was detected', () => {
    // Prepare
    const base = pushFinding(policy, WEB, record(), 'v1', dg(2), at(200))?.finding.id;
    const variants: [string, string | undefined][] = [
      [
        'source',
        pushFinding(policy, WEB, record(), 'v1', dg(2), {
          ...at(200),
          eventId: 'other',
          actor: 'bob',
          detectedBy: 'scan',
        })?.finding.id,
      ],
    ];
    const changes: (string | undefined)[] = [
      pushFinding(policy, { ...WEB, account: '999999999999' }, record(), 'v1', dg(2), at(200))
        ?.finding.id,
      pushFinding(policy, { ...WEB, region: 'us-east-1' }, record(), 'v1', dg(2), at(200))?.finding
        .id,
      pushFinding(policy, ref('api'), record(), 'v1', dg(2), at(200))?.finding.id,
      pushFinding(policy, WEB, record(), 'v2', dg(2), at(200))?.finding.id,
      pushFinding(policy, WEB, record({ digest: dg(3) }), 'v1', dg(2), at(200))?.finding.id,
      pushFinding(policy, WEB, record(), 'v1', dg(4), at(200))?.finding.id,
      pushFinding(policy, WEB, record(), 'v1', dg(2), at(201))?.finding.id,
    ];
    // Assess
    expect(base).toMatch(/^tag-overwrite-violation-[0-9a-f]{20}$/);
    for (const [, id] of variants) expect(id).toBe(base);
    expect(new Set([base, ...changes]).size).toBe(changes.length + 1);
  });
});

describe('lastMoveFinding', () => {
  it('reports the move a record holds, at its time, marked as redelivered', () => {
    // Prepare
    const rec = record({ movedFrom: dg(0), viaDelete: true, time: t(100) });
    // Act
    const f = lastMoveFinding(policy, WEB, 'v1', rec, {
      time: t(500),
      eventId: 'scan-1',
      actor: null,
      detectedBy: 'scan',
    });
    // Assess
    expect(f?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      previousDigest: dg(0),
      digest: dg(1),
      viaDelete: true,
      eventTime: t(100),
      eventId: 'scan-1',
      detectedBy: 'scan',
    });
    expect(f?.delivery).toBe('redelivered');
  });

  it('reports nothing for a tombstone or a record whose last change was no move', () => {
    const p = at(500);
    expect(
      lastMoveFinding(policy, WEB, 'v1', record({ movedFrom: dg(0), deleted: true }), p),
    ).toBeNull();
    expect(lastMoveFinding(policy, WEB, 'v1', record({ movedFrom: null }), p)).toBeNull();
  });
});

describe('blockedFinding', () => {
  it('is LOW when ECR refused to move a tag the policy wants immutable', () => {
    const f = blockedFinding(policy, ref('payments'), 'v1', dg(2), at(10));
    expect(f?.finding).toMatchObject({
      kind: 'OVERWRITE_BLOCKED',
      severity: 'LOW',
      repository: 'payments',
      tag: 'v1',
      digest: dg(2),
      expected: IMMUTABLE,
      actor: 'alice',
      eventId: 'e-10',
      eventTime: t(10),
      detectedBy: 'event',
    });
    expect(f?.finding.message).toBe(
      'ECR refused to overwrite immutable tag v1 in payments, as the policy intends.',
    );
  });

  it('is MEDIUM when the policy wants the tag mutable', () => {
    const f = blockedFinding(policy, ref('sandbox/a'), 'v1', null, at(10));
    expect(f?.finding).toMatchObject({ severity: 'MEDIUM', digest: null });
    expect(f?.finding.message).toBe(
      'ECR refused to overwrite tag v1 in sandbox/a, but the policy says it should be mutable (MUTABLE).',
    );
  });

  it('reports nothing in an ignored repository', () => {
    expect(blockedFinding(policy, ref('cache/a'), 'v1', dg(2), at(10))).toBeNull();
  });

  it('takes its id from the event id, or from the time when there is none', () => {
    // Act
    const id = (s: number, eventId: string | null, tag = 'v1', r = WEB) =>
      blockedFinding(policy, r, tag, dg(2), at(s, { eventId }))?.finding.id;
    // Assess
    expect(id(10, 'e')).toBe(id(20, 'e'));
    expect(id(10, 'e')).not.toBe(id(10, 'f'));
    expect(id(10, null)).not.toBe(id(20, null));
    expect(id(10, null)).toBe(id(10, null));
    const ids = [
      id(10, 'e'),
      id(10, 'e', 'v2'),
      id(10, 'e', 'v1', ref('api')),
      id(10, 'e', 'v1', { ...WEB, region: 'us-east-1' }),
      id(10, 'e', 'v1', { ...WEB, account: '999999999999' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^overwrite-blocked-[0-9a-f]{20}$/);
  });
});

describe('decideConfig', () => {
  const repo = (name: string): ConfigTarget => ({ kind: 'repository', ref: ref(name) });
  const template = (prefix: string): ConfigTarget => ({
    kind: 'template',
    ref: { account: '123456789012', region: 'eu-west-1', templatePrefix: prefix },
  });
  const ev = (s: number, over: Partial<Provenance> = {}): Provenance => ({ ...at(s), ...over });

  /** Runs observations in order from an empty record; returns each decision's finding. */
  function episode(target: ConfigTarget, steps: [MutabilityConfig, Provenance][]) {
    let rec: ConfigRecord = EMPTY_CONFIG_RECORD;
    return steps.map(([actual, p]) => {
      const d = decideConfig(policy, target, rec, actual, [], p);
      rec = d.next ?? rec;
      return d.found?.finding ?? null;
    });
  }

  it('records a configuration equal to the policy without a finding', () => {
    const d = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, IMMUTABLE, [], ev(10));
    expect(d).toEqual({
      next: { config: IMMUTABLE, configTime: t(10), drift: null, eventId: 'e-10', finding: null },
      found: null,
    });
  });

  it('opens a drift episode with a HIGH finding when the configuration loosens', () => {
    // Act
    const d = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    // Assess
    expect(d.next?.drift).toEqual({
      actualKey: expect.any(String),
      expectedKey: expect.any(String),
      since: t(10),
      changes: 0,
    });
    expect(d.next?.drift?.actualKey).not.toBe(d.next?.drift?.expectedKey);
    expect(d.next?.finding).toBe(d.found?.finding);
    expect(d.found?.finding).toMatchObject({
      kind: 'CONFIG_DRIFT',
      severity: 'HIGH',
      repository: 'payments',
      templatePrefix: null,
      expected: IMMUTABLE,
      actual: MUTABLE,
      direction: 'LOOSENED',
      actor: 'alice',
      eventId: 'e-10',
      eventTime: t(10),
      detectedBy: 'event',
    });
    expect(d.found?.finding.witnesses.length).toBeGreaterThan(0);
    expect(d.found?.finding.message).toBe(
      `Repository payments is loosened: MUTABLE instead of IMMUTABLE; now mutable: ${d.found?.finding.witnesses.join(', ')}.`,
    );
  });

  it('reports tightening as LOW and lists the tags now immutable', () => {
    const d = decideConfig(policy, repo('sandbox/a'), EMPTY_CONFIG_RECORD, IMMUTABLE, [], ev(10));
    expect(d.found?.finding).toMatchObject({ direction: 'TIGHTENED', severity: 'LOW' });
    expect(d.found?.finding.message).toContain(
      'is tightened: IMMUTABLE instead of MUTABLE; now immutable: ',
    );
  });

  it('reports a change that is neither as HIGH, known tags first among the witnesses', () => {
    // Prepare: expected immutable but dev-*; actual immutable but rel-*. v1 is immutable in both.
    // Act
    const d = decideConfig(
      policy,
      repo('web'),
      EMPTY_CONFIG_RECORD,
      REL_MUTABLE,
      ['v1', 'rel-1', 'dev-1'],
      ev(10),
    );
    // Assess
    expect(d.found?.finding).toMatchObject({ direction: 'CHANGED', severity: 'HIGH' });
    expect(d.found?.finding.witnesses.slice(0, 2)).toEqual(['rel-1', 'dev-1']);
    expect(d.found?.finding.message).toContain(
      'is changed: IMMUTABLE_WITH_EXCLUSION [rel-*] instead of IMMUTABLE_WITH_EXCLUSION [dev-*]; mutability differs for: rel-1, dev-1',
    );
  });

  it('reports a drift seen by events once, and again with a new id when the drift changes', () => {
    // Act
    const [first, same, changed, back] = episode(repo('payments'), [
      [MUTABLE, ev(10)],
      [MUTABLE, ev(20)],
      [DEV_MUTABLE, ev(30)],
      [MUTABLE, ev(40)],
    ]);
    // Assess
    expect(first?.kind).toBe('CONFIG_DRIFT');
    expect(same).toBeNull();
    expect(changed?.kind).toBe('CONFIG_DRIFT');
    expect(back?.kind).toBe('CONFIG_DRIFT');
    expect(new Set([first?.id, changed?.id, back?.id]).size).toBe(3);
  });

  it('reports a drift every time a scan or snapshot sees it, with the id of its episode', () => {
    // Act
    const [first, again, resolved, reopened] = episode(repo('payments'), [
      [MUTABLE, ev(10, { detectedBy: 'scan' })],
      [MUTABLE, ev(20, { detectedBy: 'snapshot' })],
      [IMMUTABLE, ev(30)],
      [MUTABLE, ev(40, { detectedBy: 'scan' })],
    ]);
    // Assess
    expect(again?.id).toBe(first?.id);
    expect(again?.detectedBy).toBe('snapshot');
    expect(resolved).toMatchObject({
      kind: 'CONFIG_DRIFT_RESOLVED',
      severity: 'INFO',
      direction: 'EQUAL',
      actual: IMMUTABLE,
      witnesses: [],
    });
    expect(resolved?.message).toBe('Repository payments matches the policy again (IMMUTABLE).');
    expect(reopened?.id).not.toBe(first?.id);
  });

  it('keeps the episode start and counts changes within it', () => {
    // Prepare
    let rec: ConfigRecord = EMPTY_CONFIG_RECORD;
    const seen: (number | undefined)[] = [];
    // Act
    for (const [actual, s] of [
      [MUTABLE, 10],
      [MUTABLE, 20],
      [DEV_MUTABLE, 30],
      [MUTABLE, 40],
    ] as const) {
      rec = decideConfig(policy, repo('payments'), rec, actual, [], ev(s)).next ?? rec;
      seen.push(rec.drift?.changes);
      expect(rec.drift?.since).toBe(t(10));
    }
    // Assess
    expect(seen).toEqual([0, 0, 1, 2]);
  });

  it('starts an episode already in a starting snapshot with no time', () => {
    const snap = ev(0, { time: null, eventId: null, detectedBy: 'snapshot' });
    const d = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, MUTABLE, [], snap);
    expect(d.next?.drift?.since).toBeNull();
    expect(d.next?.configTime).toBeNull();
    expect(d.found?.finding).toMatchObject({
      eventTime: null,
      eventId: null,
      detectedBy: 'snapshot',
    });
  });

  it('gives a drift id from its facts: account, region, repository, configurations', () => {
    const id = (target: ConfigTarget, actual = MUTABLE) =>
      decideConfig(policy, target, EMPTY_CONFIG_RECORD, actual, [], ev(10)).found?.finding.id;
    const other = (over: Partial<RepositoryRef>): ConfigTarget => ({
      kind: 'repository',
      ref: { ...ref('payments'), ...over },
    });
    const ids = [
      id(repo('payments')),
      id(repo('payments'), DEV_MUTABLE),
      id(other({ account: '999999999999' })),
      id(other({ region: 'us-east-1' })),
      id(repo('web')),
      id(repo('sandbox/a'), IMMUTABLE),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^config-drift-[0-9a-f]{20}$/);
    expect(id(repo('payments'))).toBe(ids[0]);
  });

  it('judges creation templates by their prefix, never reporting a resolved drift', () => {
    // Prepare: the template `payments` is judged as a repository `payments/`: the default.
    // Act
    const [drift, resolved] = episode(template('payments'), [
      [MUTABLE, ev(10)],
      [DEV_MUTABLE, ev(20)],
    ]);
    // Assess
    expect(drift).toMatchObject({
      kind: 'TEMPLATE_DRIFT',
      repository: null,
      templatePrefix: 'payments',
      direction: 'LOOSENED',
    });
    expect(drift?.id).toMatch(/^template-drift-/);
    expect(drift?.message).toMatch(/^Creation template payments is loosened: /);
    expect(resolved).toBeNull();
  });

  it('gives templates of different prefixes different drift ids', () => {
    // Prepare: both templates are judged by the default.
    const drift = (prefix: string) =>
      decideConfig(policy, template(prefix), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    // Act
    const a = drift('team-a');
    const b = drift('team-b');
    // Assess
    expect(a.next?.drift).toEqual(b.next?.drift);
    expect(a.found?.finding.id).not.toBe(b.found?.finding.id);
  });

  it('records but never judges an ignored repository or template', () => {
    const d = decideConfig(policy, repo('cache/a'), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    expect(d).toEqual({
      next: { config: MUTABLE, configTime: t(10), drift: null, eventId: 'e-10', finding: null },
      found: null,
    });
    const tp = decideConfig(policy, template('cache/x'), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    expect(tp.found).toBeNull();
  });

  it('returns the stored finding again for a redelivery of the same event, storing nothing', () => {
    // Prepare
    const first = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    const rec = first.next as ConfigRecord;
    // Act
    const again = decideConfig(policy, repo('payments'), rec, MUTABLE, [], ev(10));
    // Assess
    expect(again.next).toBeNull();
    expect(again.found?.finding).toBe(first.found?.finding);
    expect(again.found?.delivery).toBe('redelivered');
  });

  it('does not take observations without event ids for a redelivery', () => {
    const snap = ev(10, { eventId: null, detectedBy: 'scan' });
    const rec = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, MUTABLE, [], snap)
      .next as ConfigRecord;
    const d = decideConfig(policy, repo('payments'), rec, MUTABLE, [], ev(20, { eventId: null }));
    expect(d.next).not.toBeNull();
  });

  it('ignores an observation older than the configuration it knows, not one at the same time', () => {
    // Prepare
    const rec = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, IMMUTABLE, [], ev(10))
      .next as ConfigRecord;
    // Act / Assess
    expect(decideConfig(policy, repo('payments'), rec, MUTABLE, [], ev(9))).toEqual({
      next: null,
      found: null,
    });
    expect(
      decideConfig(policy, repo('payments'), rec, MUTABLE, [], ev(10, { eventId: 'x' })).next,
    ).not.toBeNull();
  });

  it('keeps the known time when an observation has none', () => {
    const rec = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, IMMUTABLE, [], ev(10))
      .next as ConfigRecord;
    const snap = ev(0, { time: null, eventId: null, detectedBy: 'snapshot' });
    const d = decideConfig(policy, repo('payments'), rec, MUTABLE, [], snap);
    expect(d.next?.configTime).toBe(t(10));
    expect(d.next?.config).toEqual(MUTABLE);
  });

  it('returns no finding again for a redelivery of an event that had none', () => {
    // Prepare
    const rec = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, IMMUTABLE, [], ev(10))
      .next as ConfigRecord;
    // Act / Assess
    expect(decideConfig(policy, repo('payments'), rec, IMMUTABLE, [], ev(10))).toEqual({
      next: null,
      found: null,
    });
  });

  it('reports the drift again when the policy changes within an episode, even by events', () => {
    // Prepare: the policy now wants `payments` immutable but dev-*; it stays MUTABLE.
    const stricter: Policy = {
      ...policy,
      rules: [{ repositories: ['payments'], config: DEV_MUTABLE, index: 0, line: 5 }],
    };
    const first = decideConfig(policy, repo('payments'), EMPTY_CONFIG_RECORD, MUTABLE, [], ev(10));
    // Act
    const next = decideConfig(
      stricter,
      repo('payments'),
      first.next as ConfigRecord,
      MUTABLE,
      [],
      ev(20),
    );
    // Assess
    expect(next.found?.finding).toMatchObject({ kind: 'CONFIG_DRIFT', expected: DEV_MUTABLE });
    expect(next.found?.finding.id).not.toBe(first.found?.finding.id);
    expect(next.next?.drift).toMatchObject({ since: t(10), changes: 1 });
  });

  it('gives a resolved drift an id of its episode: same episode same id, another one another', () => {
    // Prepare
    const resolvedAfter = (target: ConfigTarget, s: number) => {
      const open = decideConfig(policy, target, EMPTY_CONFIG_RECORD, MUTABLE, [], ev(s));
      return decideConfig(policy, target, open.next as ConfigRecord, IMMUTABLE, [], ev(s + 5)).found
        ?.finding;
    };
    // Act
    const a = resolvedAfter(repo('payments'), 10);
    const ids = [
      a?.id,
      resolvedAfter(repo('payments'), 11)?.id,
      resolvedAfter({ kind: 'repository', ref: { ...ref('payments'), region: 'us-east-1' } }, 10)
        ?.id,
      resolvedAfter(
        { kind: 'repository', ref: { ...ref('payments'), account: '999999999999' } },
        10,
      )?.id,
    ];
    // Assess
    expect(a?.kind).toBe('CONFIG_DRIFT_RESOLVED');
    expect(a?.id).toMatch(/^config-drift-resolved-[0-9a-f]{20}$/);
    expect(resolvedAfter(repo('payments'), 10)?.id).toBe(a?.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('findings in an ignored repository', () => {
  it('reports no late push there', () => {
    const prev = record({ eventId: 'e-stored' });
    expect(pushFinding(policy, ref('cache/x'), prev, 'v1', dg(9), at(50))).toBeNull();
  });

  it('reports no redelivered move there', () => {
    const moved = record({ movedFrom: dg(0), eventId: 'e-100' });
    expect(pushFinding(policy, ref('cache/x'), moved, 'v1', dg(1), at(100))).toBeNull();
    expect(lastMoveFinding(policy, ref('cache/x'), 'v1', moved, at(100))).toBeNull();
  });
});
