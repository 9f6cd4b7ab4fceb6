/**
 * The auditor (lib/core/engine/auditor.ts) on an in-memory ledger, where the other tests do not
 * reach in process: reconciling a scan's tag listing with the ledger, configuration
 * observations and creation-template events, pushes without a tag, and the inert-push
 * shortcuts the replay's fast paths rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Auditor, createAuditor } from '../../lib/core/engine/auditor.ts';
import { decideTag, type Provenance } from '../../lib/core/engine/decide.ts';
import { inertPushIgnoresEventId, isInertPush } from '../../lib/core/engine/inert-push.ts';
import { createMemoryLedger, type MemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import { recordedMoves, type TagObservation, tagState } from '../../lib/core/engine/tag-history.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';

const dg = digest;
const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

const IMMUTABLE: MutabilityConfig = config('IMMUTABLE');
const MUTABLE: MutabilityConfig = config('MUTABLE');
/** Immutable everywhere; `cache/**` ignored. */
const policy: Policy = { file: 'p.yml', default: IMMUTABLE, rules: [], ignore: ['cache/**'] };
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const WEB: RepositoryRef = { account: ACCOUNT, region: REGION, repository: 'web' };

const base = (s: number, eventId: string | null = `e${s}`) => ({
  account: ACCOUNT,
  region: REGION,
  time: t(s),
  eventId,
  actor: null,
  origin: 'image-action' as const,
});
const push = (tag: string | null, d: number, s: number): DomainEvent => ({
  ...base(s),
  type: 'push',
  repository: 'web',
  tag,
  digest: dg(d),
});

/**
 * Reconciles a scan's listing of `tags` in `ref` at `s` seconds with the ledger, rechecking moves
 * recorded from `recheckFrom` seconds on; the findings it reports.
 */
async function reconcile(
  auditor: Auditor,
  ref: RepositoryRef,
  tags: [string, number][],
  s: number,
  recheckFrom = s,
): Promise<Found[]> {
  const found: Found[] = [];
  await auditor.reconcileTags(ref, {
    tags: new Map(tags.map(([tag, d]) => [tag, dg(d)])),
    known: await auditor.knownTags(ref),
    at: { time: t(s), eventId: null, actor: null, detectedBy: 'scan' },
    recheckFrom: Date.parse(t(recheckFrom)),
    report: (f) => found.push(f),
  });
  return found;
}

/** What a tag points at and whether it is live, as the ledger holds it. */
const stateOf = (ledger: MemoryLedger, ref: RepositoryRef, tag: string) =>
  tagState(ledger.peekTag(ref, tag));
/** The moves the ledger recorded for a tag: [from, to] digests. */
const movesOf = (ledger: MemoryLedger, ref: RepositoryRef, tag: string) => {
  const record = ledger.peekTag(ref, tag);
  return record ? recordedMoves(record).map(({ from, move }) => [from, move.to]) : [];
};

describe('reconcileTags', () => {
  it('records the tags a scan lists and reports the moves it finds, the first time only', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    await auditor.apply(push('v2', 2, 10));
    // Act
    const first = await reconcile(
      auditor,
      WEB,
      [
        ['v1', 3],
        ['v2', 2],
        ['v3', 4],
      ],
      100,
    );
    const again = await reconcile(
      auditor,
      WEB,
      [
        ['v1', 3],
        ['v2', 2],
        ['v3', 4],
      ],
      200,
    );
    // Assess
    expect(first).toHaveLength(1);
    expect(first[0]?.finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      tag: 'v1',
      previousDigest: dg(1),
      digest: dg(3),
      detectedBy: 'scan',
      eventTime: t(100),
    });
    expect(again).toEqual([]);
    expect(stateOf(ledger, WEB, 'v1')).toEqual({ digest: dg(3), live: true });
    expect(movesOf(ledger, WEB, 'v1')).toEqual([[dg(1), dg(3)]]);
    expect(stateOf(ledger, WEB, 'v3')).toEqual({ digest: dg(4), live: true });
  });

  it('turns the tags a scan no longer lists into tombstones, then sees a later push as a move', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    await auditor.apply(push('v2', 2, 10));
    // Act
    const findings = await reconcile(auditor, WEB, [['v2', 2]], 100);
    const tombstone = stateOf(ledger, WEB, 'v1');
    const gone = await reconcile(auditor, WEB, [['v2', 2]], 150);
    const back = await reconcile(
      auditor,
      WEB,
      [
        ['v1', 5],
        ['v2', 2],
      ],
      200,
    );
    // Assess
    expect(findings).toEqual([]);
    expect(tombstone).toEqual({ digest: dg(1), live: false });
    expect(gone).toEqual([]);
    expect(stateOf(ledger, WEB, 'v1')).toEqual({ digest: dg(5), live: true });
    expect(movesOf(ledger, WEB, 'v1')).toEqual([[dg(1), dg(5)]]);
    expect(stateOf(ledger, WEB, 'v2')).toEqual({ digest: dg(2), live: true });
    expect(back).toHaveLength(1);
    expect(back[0]?.finding).toMatchObject({
      tag: 'v1',
      previousDigest: dg(1),
      digest: dg(5),
      viaDelete: true,
    });
  });

  it('reports again a move an earlier scan recorded since recheckFrom, marked as redelivered', async () => {
    // Prepare: a scan at 100 recorded the move of v1 (its alert may have been lost).
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    const [moved] = await reconcile(auditor, WEB, [['v1', 2]], 100);
    // Act
    const recheck = await reconcile(auditor, WEB, [['v1', 2]], 200, 100);
    const later = await reconcile(auditor, WEB, [['v1', 2]], 200, 101);
    // Assess
    expect(recheck).toHaveLength(1);
    expect(recheck[0]?.finding.id).toBe(moved?.finding.id);
    expect(recheck[0]?.delivery).toBe('redelivered');
    expect(later).toEqual([]);
  });

  it('does not report again a move an event recorded', async () => {
    const auditor = createAuditor(policy, createMemoryLedger());
    await auditor.apply(push('v1', 1, 10));
    await auditor.apply(push('v1', 2, 20));
    expect(await reconcile(auditor, WEB, [['v1', 2]], 200, 0)).toEqual([]);
  });

  it('reports nothing for tags of an ignored repository, but still records them', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    const cache = { ...WEB, repository: 'cache/x' };
    await reconcile(auditor, cache, [['v1', 1]], 10);
    // Act
    const findings = await reconcile(auditor, cache, [['v1', 2]], 20, 0);
    const recheck = await reconcile(auditor, cache, [['v1', 2]], 30, 0);
    // Assess
    expect(findings).toEqual([]);
    expect(recheck).toEqual([]);
    expect(stateOf(ledger, cache, 'v1')).toEqual({ digest: dg(2), live: true });
    expect(movesOf(ledger, cache, 'v1')).toEqual([[dg(1), dg(2)]]);
  });

  it('reconciles many tags, all of them (more than the write concurrency)', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    const tags = Array.from({ length: 40 }, (_, i): [string, number] => [`t${i}`, i + 1]);
    await reconcile(auditor, WEB, tags, 10);
    // Act
    const moved = await reconcile(
      auditor,
      WEB,
      tags.map(([tag, d]) => [tag, d + 100]),
      20,
    );
    // Assess
    expect(moved.map((f) => f.finding.tag).sort()).toEqual(tags.map(([tag]) => tag).sort());
  });
});

describe('apply and observeConfig', () => {
  it('ignores a push without a tag', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    // Act
    const findings = await auditor.apply(push(null, 1, 10));
    // Assess
    expect(findings).toEqual([]);
    expect(ledger.state.repositories.size).toBe(0);
  });

  it('judges a creation template, and starts over after the template is deleted', async () => {
    // Prepare
    const auditor = createAuditor(policy, createMemoryLedger());
    const template = (s: number): DomainEvent => ({
      ...base(s),
      type: 'template-config',
      templatePrefix: 'team',
      config: MUTABLE,
    });
    // Act
    const [drift] = await auditor.apply(template(10));
    const same = await auditor.apply(template(20));
    const deleted = await auditor.apply({
      ...base(30),
      type: 'template-deleted',
      templatePrefix: 'team',
    });
    const [reopened] = await auditor.apply(template(40));
    // Assess
    expect(drift?.finding).toMatchObject({
      kind: 'TEMPLATE_DRIFT',
      templatePrefix: 'team',
      repository: null,
    });
    expect(same).toEqual([]);
    expect(deleted).toEqual([]);
    expect(reopened?.finding.kind).toBe('TEMPLATE_DRIFT');
    expect(reopened?.finding.id).not.toBe(drift?.finding.id);
  });

  it('names the repository tags it knows first among the witnesses, unless told other tags', async () => {
    // Prepare
    const auditor = createAuditor(policy, createMemoryLedger());
    await auditor.apply(push('zz-known', 1, 10));
    const at = { time: t(20), eventId: 'c1', actor: null, detectedBy: 'event' as const };
    const target = { kind: 'repository' as const, ref: WEB };
    // Act
    const [fromLedger] = await auditor.observeConfig(target, MUTABLE, at);
    const [told] = await auditor.observeConfig(target, MUTABLE, { ...at, eventId: 'c2' }, ['told']);
    const [template] = await auditor.observeConfig(
      { kind: 'template', ref: { account: ACCOUNT, region: REGION, templatePrefix: 'web' } },
      MUTABLE,
      at,
    );
    // Assess
    expect(fromLedger?.finding.witnesses[0]).toBe('zz-known');
    expect(told).toBeUndefined();
    expect(template?.finding.witnesses).not.toContain('zz-known');
    expect(template?.finding.witnesses.length).toBeGreaterThan(0);
  });

  it('uses the tags it is told rather than the ledger', async () => {
    const auditor = createAuditor(policy, createMemoryLedger());
    await auditor.apply(push('zz-known', 1, 10));
    const at = { time: t(20), eventId: 'c1', actor: null, detectedBy: 'event' as const };
    const [f] = await auditor.observeConfig({ kind: 'repository', ref: WEB }, MUTABLE, at, [
      'told',
    ]);
    expect(f?.finding.witnesses[0]).toBe('told');
    expect(f?.finding.witnesses).not.toContain('zz-known');
  });
});

describe('inert pushes (the replay fast paths)', () => {
  /** `observation` of v1 in web, decided as the auditor decides it. */
  const decide = (prev: TagRecord | undefined, observation: TagObservation) => {
    const at: Provenance = {
      time: observation.time,
      eventId: observation.eventId,
      actor: null,
      detectedBy: observation.eventId === null ? 'scan' : 'event',
    };
    return decideTag(policy, WEB, 'v1', prev, observation, at);
  };
  const ids = fc.option(fc.constantFrom('a', 'b'), { nil: null });
  /** Records as the decisions leave them: pushes and deletes around t(100), in any order. */
  const recordArb: fc.Arbitrary<TagRecord | undefined> = fc
    .array(
      fc.record({
        kind: fc.constantFrom('push' as const, 'push' as const, 'delete' as const),
        digest: fc.constantFrom(dg(1), dg(2), dg(3)),
        s: fc.integer({ min: 100, max: 106 }),
        eventId: ids,
      }),
      { maxLength: 6 },
    )
    .map((steps) => {
      let record: TagRecord | undefined;
      for (const step of steps) {
        const { s, ...rest } = step;
        const next = decide(record, { ...rest, time: t(s) }).next;
        if (next) record = next;
      }
      return record;
    });

  it('calls a push inert only when it changes no record and yields no finding (model)', () => {
    let inert = 0;
    let applied = 0;
    fc.assert(
      fc.property(
        recordArb,
        fc.constantFrom(dg(1), dg(2)),
        fc.integer({ min: 100, max: 108 }),
        ids,
        (prev, digest, s, eventId) => {
          // Act: a push near the record's times, as redeliveries and duplicates come.
          const decision = decide(prev, { kind: 'push', digest, time: t(s), eventId });
          // Assess
          if (isInertPush(prev, digest, Date.parse(t(s)), eventId)) {
            inert++;
            expect(decision).toEqual({ next: null, found: [] });
          } else applied++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(inert).toBeGreaterThan(20);
    expect(applied).toBeGreaterThan(20);
  });

  it('says the event id does not matter only when no event id makes a push answer differently', () => {
    let live = 0;
    fc.assert(
      fc.property(recordArb, (prev) => {
        // Act: pushes of every digest stamped as the last entry, as duplicates come.
        const last = prev?.entries[prev.entries.length - 1];
        const timeMs = Date.parse(last?.time ?? t(100));
        const ignores = inertPushIgnoresEventId(prev);
        const same = [dg(1), dg(2), dg(3)].every(
          (digest) =>
            new Set(
              [null, 'a', 'b', 'c'].map((eventId) => isInertPush(prev, digest, timeMs, eventId)),
            ).size === 1,
        );
        // Assess: never wrong when it says so; and for a live tag (or none) exactly when.
        if (ignores) expect(same).toBe(true);
        if (prev === undefined || tagState(prev).live) {
          live++;
          expect(ignores).toBe(same);
        }
      }),
      { numRuns: 300 },
    );
    expect(live).toBeGreaterThan(50);
  });
});

describe('the scan recheck: every tag it knows, moved or gone since', () => {
  it('reports again a move an earlier scan recorded since recheckFrom even when the tag moved again since', async () => {
    // Prepare: a scan at 100 recorded 1→2 (its run failed after the write: the alert was lost).
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    const [moved] = await reconcile(auditor, WEB, [['v1', 2]], 100);
    // Act: before the next scan v1 moved to 3 with no event reaching us.
    const next = await reconcile(auditor, WEB, [['v1', 3]], 200, 100);
    // Assess: 2→3 fresh, and 1→2 again (redelivered) so that the lost alert is still sent.
    expect(
      next.map((f) => [f.finding.previousDigest, f.finding.digest, f.delivery]),
    ).toContainEqual([dg(2), dg(3), 'recurring']);
    expect(next.map((f) => f.finding.id)).toContain(moved?.finding.id);
  });

  it('reports again a move an earlier scan recorded since recheckFrom even when the tag is gone since', async () => {
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    const [moved] = await reconcile(auditor, WEB, [['v1', 2]], 100);
    // Act: v1 deleted before the next scan, no event reaching us.
    const next = await reconcile(auditor, WEB, [], 200, 100);
    // Assess
    expect(next.map((f) => f.finding.id)).toContain(moved?.finding.id);
  });
});

describe('a delete by digest (no tag) arriving before the push it deletes: a documented limit', () => {
  it('cannot tell which tag it deleted: the tag stays live until a scan, and the next move is a plain overwrite, alerted once', async () => {
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    // BatchDeleteImage by digest at 20 arrives first; the push at 10 of that digest to v1 arrives late.
    await auditor.apply({
      ...base(20, 'del'),
      type: 'delete',
      repository: 'web',
      tag: null,
      digest: dg(1),
    });
    await auditor.apply(push('v1', 1, 10));
    expect(stateOf(ledger, WEB, 'v1')).toEqual({ digest: dg(1), live: true });
    const found = await auditor.apply(push('v1', 2, 30));
    expect(
      found.map((f) => [f.finding.previousDigest, f.finding.digest, f.finding.viaDelete]),
    ).toEqual([[dg(1), dg(2), false]]);
  });
});
