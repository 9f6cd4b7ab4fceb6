/**
 * The auditor (lib/core/engine/auditor.ts) on an in-memory ledger, where the other tests do not
 * reach in process: reconciling a scan's tag listing with the ledger, configuration
 * observations and creation-template events, pushes without a tag, and the inert-push
 * shortcuts the replay's fast paths rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Auditor, createAuditor } from '../../lib/core/engine/auditor.ts';
import { pushFinding, pushTransition } from '../../lib/core/engine/decide.ts';
import { inertPushIgnoresEventId, isInertPush } from '../../lib/core/engine/inert-push.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { TagRecord } from '../../lib/core/engine/records.ts';
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
    expect(ledger.peekTag(WEB, 'v1')).toMatchObject({ digest: dg(3), movedFrom: dg(1) });
    expect(ledger.peekTag(WEB, 'v3')).toMatchObject({ digest: dg(4), deleted: false });
  });

  it('turns the tags a scan no longer lists into tombstones, then sees a later push as a move', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const auditor = createAuditor(policy, ledger);
    await auditor.apply(push('v1', 1, 10));
    await auditor.apply(push('v2', 2, 10));
    // Act
    const findings = await reconcile(auditor, WEB, [['v2', 2]], 100);
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
    expect(gone).toEqual([]);
    expect(ledger.peekTag(WEB, 'v1')).toMatchObject({ digest: dg(5), movedFrom: dg(1) });
    expect(ledger.peekTag(WEB, 'v2')).toMatchObject({ digest: dg(2), deleted: false });
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
    expect(ledger.peekTag(cache, 'v1')).toMatchObject({ digest: dg(2), movedFrom: dg(1) });
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
  const recordArb: fc.Arbitrary<TagRecord | undefined> = fc.option(
    fc.record({
      digest: fc.constantFrom(dg(1), dg(2)),
      deleted: fc.boolean(),
      time: fc.constant(t(100)),
      recent: fc.constant([]),
      eventId: fc.option(fc.constantFrom('a', 'b')),
      movedFrom: fc.option(fc.constant(dg(3))),
      viaDelete: fc.boolean(),
      prevTime: fc.constant(null),
    }),
    { nil: undefined },
  );

  it('calls a push inert exactly when it changes no record and yields no finding (model)', () => {
    fc.assert(
      fc.property(
        recordArb,
        fc.constantFrom(dg(1), dg(2)),
        fc.option(fc.constantFrom('a', 'b')),
        (prev, digest, eventId) => {
          // Act: a push at the record's time, as redeliveries and duplicates come.
          const at = { time: t(100), eventId, actor: null, detectedBy: 'event' as const };
          const changes = pushTransition(prev, digest, at) !== null;
          const finding = pushFinding(policy, WEB, prev, 'v1', digest, at) !== null;
          // Assess
          expect(isInertPush(prev, digest, eventId)).toBe(!changes && !finding);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says the event id does not matter only when no event id makes a push answer differently', () => {
    fc.assert(
      fc.property(recordArb, (prev) => {
        // Act
        const ignores = inertPushIgnoresEventId(prev);
        const same = [dg(1), dg(2)].every(
          (digest) =>
            new Set([null, 'a', 'b', 'c'].map((eventId) => isInertPush(prev, digest, eventId)))
              .size === 1,
        );
        // Assess: never wrong when it says so; and for a live tag (or none) exactly when.
        if (ignores) expect(same).toBe(true);
        if (prev === undefined || !prev.deleted) expect(ignores).toBe(same);
      }),
      { numRuns: 300 },
    );
  });
});
