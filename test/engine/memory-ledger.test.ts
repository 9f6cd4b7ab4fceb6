/**
 * The in-memory ledger (lib/core/engine/memory-ledger.ts) against a plain model: one map of tag
 * records per (account, region, repository), changed by the decisions of decide.ts and
 * tag-history.ts (`decideTag`, `forgetTagBefore`, `forgetConfigBefore`), and one config record per
 * repository and template. Its lookup caches (by name, by ref object) must never make it answer
 * differently from the model — whether callers pass the same ref object each time or a fresh
 * copy, and across repository deletes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConfigTarget,
  decideTag,
  forgetConfigBefore,
  type Provenance,
  type TagDecision,
} from '../../lib/core/engine/decide.ts';
import {
  createMemoryLedger,
  emptyState,
  type LedgerState,
  stateKey,
} from '../../lib/core/engine/memory-ledger.ts';
import {
  type ConfigRecord,
  EMPTY_CONFIG_RECORD,
  type TagRecord,
} from '../../lib/core/engine/records.ts';
import {
  forgetTagBefore,
  recordedMoves,
  type TagObservation,
  tagState,
} from '../../lib/core/engine/tag-history.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { config } from '../support/config.ts';

const dg = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

/** Repositories that differ in one part only, so that a key mixing parts up shows. */
const REFS: RepositoryRef[] = [
  { account: '111111111111', region: 'eu-west-1', repository: 'web' },
  { account: '222222222222', region: 'eu-west-1', repository: 'web' },
  { account: '111111111111', region: 'us-east-1', repository: 'web' },
  { account: '111111111111', region: 'eu-west-1', repository: 'api' },
];
const TAGS = ['v1', 'v2', 'latest'];
/** `latest` is mutable: overwrites of it are INFO findings, of the others HIGH ones. */
const POLICY: Policy = {
  file: 'policy.yml',
  default: config('IMMUTABLE_WITH_EXCLUSION', 'latest'),
  rules: [],
  ignore: [],
};

/** The decision of `observation` of `tag` in `ref`, made as the auditor makes it. */
const decision =
  (ref: RepositoryRef, tag: string, observation: TagObservation) =>
  (prev: TagRecord | undefined): TagDecision => {
    const at: Provenance = {
      time: observation.time,
      eventId: observation.eventId,
      actor: null,
      detectedBy: 'event',
    };
    return decideTag(POLICY, ref, tag, prev, observation, at);
  };

type Op =
  | { op: 'push'; repo: number; tag: number; digest: number; fresh: boolean }
  | { op: 'delete'; repo: number; tag: number | null; digest: number | null; fresh: boolean }
  | { op: 'forget'; repo: number; fresh: boolean }
  | { op: 'config'; repo: number; template: boolean; mark: number }
  | { op: 'forgetTemplate'; repo: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('push' as const),
      repo: fc.nat(3),
      tag: fc.nat(2),
      digest: fc.integer({ min: 1, max: 4 }),
      fresh: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      repo: fc.nat(3),
      tag: fc.option(fc.nat(2)),
      digest: fc.option(fc.integer({ min: 1, max: 4 })),
      fresh: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('forget' as const),
      repo: fc.nat(3),
      fresh: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('config' as const),
      repo: fc.nat(3),
      template: fc.boolean(),
      mark: fc.nat(9),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('forgetTemplate' as const), repo: fc.nat(3) }),
  },
);

/** A config record that tells which observation wrote it. */
const marked = (mark: number): ConfigRecord => ({ ...EMPTY_CONFIG_RECORD, eventId: `m${mark}` });

function targetOf(repo: number, template: boolean): ConfigTarget {
  const r = REFS[repo] as RepositoryRef;
  return template
    ? {
        kind: 'template',
        ref: { account: r.account, region: r.region, templatePrefix: r.repository },
      }
    : { kind: 'repository', ref: r };
}

describe('createMemoryLedger', () => {
  it('behaves as a map of records changed by the decisions (model), with shared or fresh refs', async () => {
    let findings = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        // Prepare
        const ledger = createMemoryLedger();
        const tags = new Map<string, Map<string, TagRecord>>();
        const configs = new Map<string, ConfigRecord>();
        const key = (r: RepositoryRef) => JSON.stringify([r.account, r.region, r.repository]);
        const cKey = (tg: ConfigTarget) =>
          JSON.stringify([
            tg.kind,
            tg.ref.account,
            tg.ref.region,
            'repository' in tg.ref ? tg.ref.repository : tg.ref.templatePrefix,
          ]);
        const refOf = (repo: number, fresh: boolean) =>
          fresh ? { ...(REFS[repo] as RepositoryRef) } : (REFS[repo] as RepositoryRef);
        // Act / Assess, one operation at a time
        for (const [i, o] of ops.entries()) {
          // Mostly in time order, some late: the decisions place them.
          const change = { time: t(3 * i - (i % 4 === 3 ? 7 : 0)), eventId: `e${i}` };
          /** Applies `decide` to the model's record of `tag`, and through the ledger: same findings. */
          const update = async (
            ref: RepositoryRef,
            model: Map<string, TagRecord>,
            tag: string,
            decide: (prev: TagRecord | undefined) => TagDecision,
          ) => {
            const prev = model.get(tag);
            const expected = decide(prev);
            if (expected.next) model.set(tag, expected.next);
            let seen: TagRecord | undefined;
            const found = await ledger.updateTag(ref, tag, (p) => {
              seen = p;
              return decide(p);
            });
            expect(seen).toEqual(prev);
            expect(found).toEqual(expected.found);
            findings += found.length;
          };
          const modelOf = (ref: RepositoryRef) => {
            const model = tags.get(key(ref)) ?? new Map<string, TagRecord>();
            tags.set(key(ref), model);
            return model;
          };
          if (o.op === 'push') {
            const ref = refOf(o.repo, o.fresh);
            const tag = TAGS[o.tag] as string;
            const observation = { kind: 'push', digest: dg(o.digest), ...change } as const;
            await update(ref, modelOf(ref), tag, decision(ref, tag, observation));
          } else if (o.op === 'delete') {
            const ref = refOf(o.repo, o.fresh);
            const tag = o.tag === null ? null : (TAGS[o.tag] as string);
            const digest = o.digest === null ? null : dg(o.digest);
            const model = modelOf(ref);
            if (tag !== null) {
              const observation = { kind: 'delete', digest, ...change } as const;
              await update(ref, model, tag, decision(ref, tag, observation));
            } else if (digest !== null) {
              // A delete by digest: every tag whose history names it; the decision checks.
              const observation = { kind: 'delete', digest, ...change, onlyIfAt: true } as const;
              for (const [k, r] of [...model]) {
                if (r.entries.some((e) => e.digest === digest))
                  await update(ref, model, k, decision(ref, k, observation));
              }
            }
          } else if (o.op === 'forget') {
            // A repository delete: what is older is forgotten (the auditor's forgetRepository).
            const ref = refOf(o.repo, o.fresh);
            const model = modelOf(ref);
            for (const k of [...model.keys()]) {
              await update(ref, model, k, (prev) => ({
                next: forgetTagBefore(prev, change.time),
                found: [],
              }));
            }
            const target: ConfigTarget = { kind: 'repository', ref };
            const prev = configs.get(cKey(target)) ?? EMPTY_CONFIG_RECORD;
            const next = forgetConfigBefore(prev, change).next;
            if (next) configs.set(cKey(target), next);
            await ledger.updateConfig(target, (p) => forgetConfigBefore(p, change));
          } else if (o.op === 'config') {
            const target = targetOf(o.repo, o.template);
            const prev = configs.get(cKey(target)) ?? EMPTY_CONFIG_RECORD;
            let seen: ConfigRecord | undefined;
            const found = await ledger.updateConfig(target, (p) => {
              seen = p;
              return { next: o.mark === 0 ? null : marked(o.mark), found: null };
            });
            expect(seen).toEqual(prev);
            expect(found).toBeNull();
            if (o.mark !== 0) configs.set(cKey(target), marked(o.mark));
          } else {
            const target = targetOf(o.repo, true);
            const prev = configs.get(cKey(target)) ?? EMPTY_CONFIG_RECORD;
            const next = forgetConfigBefore(prev, change).next;
            if (next) configs.set(cKey(target), next);
            let seen: ConfigRecord | undefined;
            await ledger.updateConfig(target, (p) => {
              seen = p;
              return forgetConfigBefore(p, change);
            });
            expect(seen).toEqual(prev);
          }
          // Every repository reads as the model says, through both lookups.
          for (const [r, ref] of REFS.entries()) {
            const model = tags.get(key(ref)) ?? new Map();
            expect(new Map(await ledger.tags({ ...ref }))).toEqual(model);
            for (const tag of TAGS) {
              expect(ledger.peekTag(REFS[r] as RepositoryRef, tag)).toEqual(model.get(tag));
              expect(ledger.peekTag({ ...ref }, tag)).toEqual(model.get(tag));
            }
          }
        }
      }),
      { numRuns: 150 },
    );
    // The runs compared overwrites, not only records.
    expect(findings).toBeGreaterThan(0);
  });

  it('reads a state it was given, and writes into it', async () => {
    // Prepare
    const ref = REFS[0] as RepositoryRef;
    const rec = decision(ref, 'v1', { kind: 'push', digest: dg(1), time: t(1), eventId: 'e1' })(
      undefined,
    ).next as TagRecord;
    const state: LedgerState = emptyState();
    state.repositories.set(stateKey(ref.account, ref.region, ref.repository), {
      ref,
      record: EMPTY_CONFIG_RECORD,
      tags: new Map([['v1', rec]]),
    });
    const ledger = createMemoryLedger(state);
    // Act
    const peeked = ledger.peekTag({ ...ref }, 'v1');
    let prev: TagRecord | undefined;
    const found = await ledger.updateTag({ ...ref }, 'v1', (p) => {
      prev = p;
      return decision(ref, 'v1', { kind: 'push', digest: dg(2), time: t(2), eventId: 'e2' })(p);
    });
    const other = REFS[1] as RepositoryRef;
    await ledger.updateTag(
      other,
      'v9',
      decision(other, 'v9', { kind: 'push', digest: dg(3), time: t(3), eventId: 'e3' }),
    );
    await ledger.updateConfig({ kind: 'template', ref: { ...ref, templatePrefix: 'p' } }, () => ({
      next: marked(1),
      found: null,
    }));
    // Assess
    expect(peeked).toEqual(rec);
    expect(prev).toEqual(rec);
    expect(ledger.state).toBe(state);
    expect(state.repositories.size).toBe(2);
    expect(state.templates.get(stateKey(ref.account, ref.region, 'p'))?.record).toEqual(marked(1));
    expect(state.templates.get(stateKey(ref.account, ref.region, 'p'))?.ref).toEqual({
      account: ref.account,
      region: ref.region,
      templatePrefix: 'p',
    });
    const stored = state.repositories.get(stateKey(ref.account, ref.region, 'web'))?.tags.get('v1');
    expect(tagState(stored)).toEqual({ digest: dg(2), live: true });
    expect(stored && recordedMoves(stored)).toMatchObject([
      { from: dg(1), move: { to: dg(2), eventId: 'e2', by: 'e2' } },
    ]);
    expect(found.map(({ finding }) => [finding.previousDigest, finding.digest])).toEqual([
      [dg(1), dg(2)],
    ]);
  });

  it('returns the finding of a config decision, and stores its record with the ref it was given', async () => {
    // Prepare
    const ledger = createMemoryLedger();
    const ref = REFS[2] as RepositoryRef;
    const found: Found = { finding: { id: 'f' } as never, delivery: 'fresh' };
    // Act
    const got = await ledger.updateConfig({ kind: 'repository', ref }, () => ({
      next: marked(3),
      found,
    }));
    // Assess
    expect(got).toBe(found);
    const entry = ledger.state.repositories.get(stateKey(ref.account, ref.region, ref.repository));
    expect(entry?.ref).toEqual(ref);
    expect(entry?.record).toEqual(marked(3));
  });

  it('keeps state keys of different parts apart', () => {
    expect(stateKey('a', 'bc', 'd')).not.toBe(stateKey('ab', 'c', 'd'));
    expect(stateKey('a', 'b', 'cd')).not.toBe(stateKey('a', 'bc', 'd'));
  });
});
