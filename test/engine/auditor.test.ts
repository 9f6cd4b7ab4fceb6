import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import { findingsOf } from '../../lib/core/model/delivery.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';
import { blocked, configChange, del, push } from '../support/events.ts';

const policy = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["payments"]
    imageTagMutability: IMMUTABLE
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["cache/**"]
`,
  'policy.yml',
);

/** Applies `events` in order to a fresh in-memory ledger; returns the findings. */
async function run(events: DomainEvent[]): Promise<Finding[]> {
  const auditor = createAuditor(policy, createMemoryLedger());
  const findings: Finding[] = [];
  for (const event of events) findings.push(...findingsOf(await auditor.apply(event)));
  return findings;
}

/** The distinct finding ids, in order of first appearance. */
const distinctIds = (findings: Finding[]) => [...new Set(findings.map((f) => f.id))];

describe('overwrites (docs/ledger.md)', () => {
  it('records a first push and a same-digest re-push without a finding', async () => {
    expect(
      await run([push('web', 'v1', 1, 0), push('web', 'v1', 1, 1), push('web', 'v1', 1, 2)]),
    ).toEqual([]);
  });

  it('reports an overwrite of an immutable tag as a HIGH violation with both digests', async () => {
    // Act
    const [finding, ...rest] = await run([push('web', 'v1', 1, 0), push('web', 'v1', 2, 5)]);
    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      severity: 'HIGH',
      repository: 'web',
      tag: 'v1',
      previousDigest: digest(1),
      digest: digest(2),
      viaDelete: false,
      detectedBy: 'event',
    });
    expect(finding?.expected?.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
  });

  it('reports an overwrite the policy allows as INFO', async () => {
    const findings = await run([push('web', 'dev-x', 1, 0), push('web', 'dev-x', 2, 1)]);
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([['TAG_OVERWRITE_ALLOWED', 'INFO']]);
  });

  it('sees a delete followed by a push of other content as an overwrite via delete', async () => {
    const findings = await run([
      push('payments', 'v1', 1, 0),
      del('payments', 'v1', 1, 1),
      push('payments', 'v1', 2, 2),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      viaDelete: true,
      previousDigest: digest(1),
    });
  });

  it('treats a delete and a re-push of the same content as no finding', async () => {
    expect(
      await run([push('web', 'v1', 1, 0), del('web', 'v1', 1, 1), push('web', 'v1', 1, 2)]),
    ).toEqual([]);
  });

  it('tombstones every tag of a digest deleted by digest only', async () => {
    const findings = await run([
      push('web', 'v1', 1, 0),
      push('web', 'v1.0', 1, 0),
      push('web', 'v2', 2, 0),
      del('web', null, 1, 1),
      push('web', 'v1', 3, 2),
      push('web', 'v1.0', 3, 2),
      push('web', 'v2', 4, 2),
    ]);
    expect(findings.map((f) => [f.tag, f.viaDelete])).toEqual([
      ['v1', true],
      ['v1.0', true],
      ['v2', false],
    ]);
  });

  it('never audits ignored repositories', async () => {
    expect(
      await run([push('cache/library/node', 'v1', 1, 0), push('cache/library/node', 'v1', 2, 1)]),
    ).toEqual([]);
  });

  it('forgets a deleted repository', async () => {
    const forget: DomainEvent = {
      ...push('web', 'x', 0, 1),
      type: 'repository-deleted',
      repository: 'web',
    } as DomainEvent;
    expect(await run([push('web', 'v1', 1, 0), forget, push('web', 'v1', 2, 2)])).toEqual([]);
  });

  it('ignores a stale delete and never moves a tag back for a stale push', async () => {
    const findings = await run([
      push('web', 'v1', 1, 0),
      push('web', 'v1', 2, 10),
      del('web', 'v1', 2, 5),
      push('web', 'v1', 1, 0),
    ]);
    expect(findings.map((f) => [f.previousDigest, f.digest])).toEqual([[digest(1), digest(2)]]);
  });

  it('never alerts an old duplicate, even after the tag moved more often than it keeps digests', async () => {
    // Prepare: 12 moves, more than the recent digests a record keeps.
    const moves = Array.from({ length: 13 }, (_, i) => push('web', 'v1', i + 1, i * 10));
    // Act: the first push is delivered again, much later.
    const findings = await run([...moves, moves[0] as DomainEvent]);
    // Assess: one violation per move, and nothing for the duplicate.
    expect(findings).toHaveLength(12);
    expect(findings.every((f) => f.previousDigest !== null && f.digest !== digest(1))).toBe(true);
  });

  it('reports the real transition when the older push arrives late, with the in-order id', async () => {
    const inOrder = await run([push('web', 'v1', 1, 0), push('web', 'v1', 2, 10)]);
    const late = await run([push('web', 'v1', 2, 10), push('web', 'v1', 1, 0)]);
    expect(late.map((f) => f.id)).toEqual(inOrder.map((f) => f.id));
    expect(late[0]).toMatchObject({ previousDigest: digest(1), digest: digest(2) });
  });
});

describe('blocked overwrites (docs/findings.md)', () => {
  it('is LOW where the policy makes the tag immutable and MEDIUM where it should be mutable', async () => {
    const findings = await run([blocked('web', 'v1', 0), blocked('web', 'dev-1', 1)]);
    expect(findings.map((f) => [f.kind, f.tag, f.severity])).toEqual([
      ['OVERWRITE_BLOCKED', 'v1', 'LOW'],
      ['OVERWRITE_BLOCKED', 'dev-1', 'MEDIUM'],
    ]);
  });
});

describe('configuration drift (docs/semantics.md, docs/findings.md)', () => {
  it('reports a loosened repository with known tags as witnesses first', async () => {
    // Prepare: payments should be IMMUTABLE; v1 is a known tag.
    const events = [
      push('payments', 'v1', 1, 0),
      configChange('payments', config('IMMUTABLE_WITH_EXCLUSION', 'v*'), 1),
    ];
    // Act
    const [drift] = await run(events);
    // Assess
    expect(drift).toMatchObject({ kind: 'CONFIG_DRIFT', severity: 'HIGH', direction: 'LOOSENED' });
    expect(drift?.witnesses[0]).toBe('v1');
    expect(drift?.witnesses).toContain('v');
  });

  it('reports a tightened repository as LOW and its return to the policy as resolved', async () => {
    const findings = await run([
      configChange('web', config('IMMUTABLE'), 0),
      configChange('web', config('IMMUTABLE'), 1),
      configChange('web', config('IMMUTABLE_WITH_EXCLUSION', 'dev-*'), 2),
    ]);
    expect(findings.map((f) => [f.kind, f.severity, f.direction])).toEqual([
      ['CONFIG_DRIFT', 'LOW', 'TIGHTENED'],
      ['CONFIG_DRIFT_RESOLVED', 'INFO', 'EQUAL'],
    ]);
  });

  it('compares semantically: a differently written equal configuration is no drift', async () => {
    expect(await run([configChange('payments', config('MUTABLE_WITH_EXCLUSION', '*'), 0)])).toEqual(
      [],
    );
  });

  it('reports loosened, tightened and loosened again as three findings with distinct ids', async () => {
    const findings = await run([
      configChange('payments', config('IMMUTABLE_WITH_EXCLUSION', 'v*'), 0),
      configChange('payments', config('IMMUTABLE_WITH_EXCLUSION', 'v1*'), 1),
      configChange('payments', config('IMMUTABLE_WITH_EXCLUSION', 'v*'), 2),
    ]);
    expect(findings.map((f) => f.kind)).toEqual(['CONFIG_DRIFT', 'CONFIG_DRIFT', 'CONFIG_DRIFT']);
    expect(new Set(findings.map((f) => f.id)).size).toBe(3);
  });

  it('ignores a configuration event older than the one it holds', async () => {
    const findings = await run([
      configChange('web', config('IMMUTABLE_WITH_EXCLUSION', 'dev-*'), 10),
      configChange('web', config('MUTABLE'), 5),
    ]);
    expect(findings).toEqual([]);
  });
});

describe('idempotence under at-least-once delivery', () => {
  const tags = ['v1', 'dev-a', 'latest'];
  const step = fc.oneof(
    fc.record({
      op: fc.constant('push' as const),
      tag: fc.constantFrom(...tags),
      d: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({
      op: fc.constant('delete' as const),
      tag: fc.constantFrom(...tags),
      d: fc.integer({ min: 1, max: 3 }),
    }),
  );

  it('gives the same findings (by id) when events are delivered again, at once or later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (steps, repeats) => {
          // Prepare: strictly increasing times, then some events delivered a second time later on.
          const events = steps.map((s, i) =>
            s.op === 'push' ? push('web', s.tag, s.d, i) : del('web', s.tag, s.d, i),
          );
          const delivered = [...events];
          for (const r of repeats) {
            if (events.length === 0) break;
            const original = events[r % events.length] as DomainEvent;
            // Anywhere after the first delivery: a redelivery, at once or later.
            const first = delivered.indexOf(original);
            delivered.splice(first + 1 + (r % (delivered.length - first)), 0, original);
          }
          // Act
          const once = await run(events);
          const again = distinctIds(await run(delivered));
          // Assess
          expect(again).toEqual(once.map((f) => f.id));
        },
      ),
    );
  });

  it('reports one overwrite per real digest change, checked against a naive history', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const events = steps.map((s, i) =>
          s.op === 'push' ? push('web', s.tag, s.d, i) : del('web', s.tag, s.d, i),
        );
        // Oracle: the last digest each tag had, deleted or not.
        const last = new Map<string, number>();
        let expected = 0;
        for (const s of steps) {
          if (s.op === 'push') {
            const before = last.get(s.tag);
            if (before !== undefined && before !== s.d) expected++;
            last.set(s.tag, s.d);
          } else {
            // A delete by tag names the digest the tag pointed at: when the tag held another, it
            // was pushed there meanwhile — a move the delete reveals (docs/ledger.md#tag-history).
            const before = last.get(s.tag);
            if (before !== undefined && before !== s.d) expected++;
            last.set(s.tag, s.d);
          }
        }
        expect(await run(events)).toHaveLength(expected);
      }),
    );
  });
});
