/**
 * The delivery decision each finding carries (lib/core/model/delivery.ts, docs/delivery.md): who
 * produced it tells whether its alert may have been sent already, and the decision is data that a
 * clone or a JSON round trip of the finding keeps.
 */
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';
import { at, blocked, configChange, push, REGION } from '../support/events.ts';

const policy = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
`,
  'policy.yml',
);

const auditor = () => createAuditor(policy, createMemoryLedger());

/** The kind and delivery decision of each of `found`. */
const decisions = (found: readonly Found[]) => found.map((f) => [f.finding.kind, f.delivery]);

/** A scan's listing of `tags` at `minutes`, looking again at every move earlier scans recorded. */
const scanAt = (minutes: number) => ({
  time: at(minutes),
  eventId: null,
  actor: null,
  detectedBy: 'scan' as const,
});

/** Reconciles a listing of `tags` with the ledger, as a scan at `minutes` does; its findings. */
async function reconcile(
  audit: ReturnType<typeof auditor>,
  tags: Record<string, string>,
  minutes: number,
): Promise<Found[]> {
  const found: Found[] = [];
  await audit.reconcileTags(ref, {
    tags: new Map(Object.entries(tags)),
    known: await audit.knownTags(ref),
    at: scanAt(minutes),
    recheckFrom: 0,
    report: (f) => found.push(f),
  });
  return found;
}

const ref = { account: ACCOUNT, region: REGION, repository: 'web' };

describe('delivery decisions', () => {
  it('marks the overwrite an event makes fresh, and the same event again redelivered', async () => {
    // Prepare
    const audit = auditor();
    const overwrite = push('web', 'v1', 2, 5);
    await audit.apply(push('web', 'v1', 1, 0));
    // Act
    const first = await audit.apply(overwrite);
    const again = await audit.apply(overwrite);
    // Assess
    expect(decisions(first)).toEqual([['TAG_OVERWRITE_VIOLATION', 'fresh']]);
    expect(decisions(again)).toEqual([['TAG_OVERWRITE_VIOLATION', 'redelivered']]);
    expect(again[0]?.finding).toEqual(first[0]?.finding);
  });

  it('marks the move a late push reveals fresh: exactly one write records it', async () => {
    const audit = auditor();
    await audit.apply(push('web', 'v1', 1, 0));
    await audit.apply(push('web', 'v1', 2, 10));
    expect(decisions(await audit.apply(push('web', 'v1', 3, 5)))).toEqual([
      ['TAG_OVERWRITE_VIOLATION', 'fresh'],
    ]);
  });

  it('marks a refused overwrite recurring, every time', async () => {
    const audit = auditor();
    const refused = blocked('web', 'v1', 1);
    expect(decisions(await audit.apply(refused))).toEqual([['OVERWRITE_BLOCKED', 'recurring']]);
    expect(decisions(await audit.apply(refused))).toEqual([['OVERWRITE_BLOCKED', 'recurring']]);
  });

  it('marks a configuration change fresh, and its redelivery redelivered', async () => {
    const audit = auditor();
    const change = configChange('web', config('MUTABLE'), 1);
    expect(decisions(await audit.apply(change))).toEqual([['CONFIG_DRIFT', 'fresh']]);
    expect(decisions(await audit.apply(change))).toEqual([['CONFIG_DRIFT', 'redelivered']]);
  });

  it('marks what a scan finds recurring, and a move an earlier scan recorded redelivered', async () => {
    // Prepare
    const audit = auditor();
    await reconcile(audit, { v1: 'sha256:a' }, 0);
    // Act
    const moved = await reconcile(audit, { v1: 'sha256:b' }, 60);
    const rechecked = await reconcile(audit, { v1: 'sha256:b' }, 120);
    const drift = await audit.observeConfig(
      { kind: 'repository', ref },
      config('MUTABLE'),
      scanAt(120),
    );
    // Assess
    expect(decisions(moved)).toEqual([['TAG_OVERWRITE_VIOLATION', 'recurring']]);
    expect(decisions(rechecked)).toEqual([['TAG_OVERWRITE_VIOLATION', 'redelivered']]);
    expect(rechecked[0]?.finding.id).toBe(moved[0]?.finding.id);
    expect(decisions(drift)).toEqual([['CONFIG_DRIFT', 'recurring']]);
  });

  it('keeps every decision through structuredClone and a JSON round trip', async () => {
    // Prepare: one finding of each decision, from the auditor itself.
    const audit = auditor();
    const overwrite = push('web', 'v1', 2, 5);
    await audit.apply(push('web', 'v1', 1, 0));
    const found = [
      ...(await audit.apply(overwrite)),
      ...(await audit.apply(overwrite)),
      ...(await audit.apply(push('web', 'v1', 3, 4))),
      ...(await audit.apply(blocked('web', 'v2', 6))),
    ];
    expect(found.map((f) => f.delivery)).toEqual(['fresh', 'redelivered', 'fresh', 'recurring']);
    // Act
    const cloned = structuredClone(found);
    const parsed = JSON.parse(JSON.stringify(found)) as Found[];
    // Assess
    expect(cloned).toEqual(found);
    expect(parsed).toEqual(found);
    expect(parsed.map((f) => f.delivery)).toEqual(['fresh', 'redelivered', 'fresh', 'recurring']);
  });
});
