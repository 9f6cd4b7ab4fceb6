import { describe, expect, it } from 'vitest';
import {
  blockedFinding,
  type Change,
  type ConfigTarget,
  decideConfig,
  forgetConfigBefore,
  type Provenance,
} from '../../lib/core/engine/decide.ts';
import { type ConfigRecord, EMPTY_CONFIG_RECORD } from '../../lib/core/engine/records.ts';
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

function at(s: number, over: Partial<Provenance & Change> = {}): Provenance & Change {
  return { time: t(s), eventId: `e-${s}`, actor: 'alice', detectedBy: 'event', ...over };
}

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

describe('forgetConfigBefore (reliability issue, item 2)', () => {
  const seen: ConfigRecord = { ...EMPTY_CONFIG_RECORD, config: MUTABLE, configTime: t(100) };

  it('forgets a configuration reported before the delete and keeps the delete time', () => {
    const { next, found } = forgetConfigBefore(seen, { time: t(200), eventId: 'del' });
    expect(next).toEqual({ ...EMPTY_CONFIG_RECORD, configTime: t(200), eventId: 'del' });
    expect(found).toBeNull();
  });

  it('keeps one reported at or after the delete: it belongs to the repository created again', () => {
    expect(forgetConfigBefore(seen, { time: t(100), eventId: 'del' }).next).toBeNull();
    expect(forgetConfigBefore(seen, { time: t(50), eventId: 'del' }).next).toBeNull();
  });

  it('then ignores a late configuration of the deleted repository, not a newer one', () => {
    const forgotten = forgetConfigBefore(seen, { time: t(200), eventId: 'del' })
      .next as ConfigRecord;
    const target: ConfigTarget = { kind: 'repository', ref: ref('web') };
    expect(decideConfig(policy, target, forgotten, MUTABLE, [], at(150)).next).toBeNull();
    expect(decideConfig(policy, target, forgotten, MUTABLE, [], at(250)).next).not.toBeNull();
  });
});
