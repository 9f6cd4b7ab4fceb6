/**
 * The scan over the registry port (lib/core/scan/scan.ts) when some of its ledger work fails: the
 * findings of the writes that applied are reported, and the tags counted are those of the
 * repositories whose tags and ledger could both be read — as docs/ledger.md#scan-reconciliation
 * describes. Pure: a registry of plain objects and the in-memory ledger.
 */
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { Registry } from '../../lib/core/scan/registry.ts';
import { runScan } from '../../lib/core/scan/scan.ts';
import { SILENT } from '../../lib/core/telemetry.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';

const policy = parsePolicy('version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n', 'policy.yml');
const REGION = 'eu-west-1';

/** A registry of one repository `app` whose tags are `tags` (tag → digest number). */
function registry(tags: Record<string, number>): Registry {
  return {
    async *templatePages() {},
    listRepositories: async () => [
      { repositoryName: 'app', registryId: ACCOUNT, imageTagMutability: 'IMMUTABLE' },
    ],
    listTags: async () => new Map(Object.entries(tags).map(([tag, n]) => [tag, digest(n)])),
  };
}

/** `ledger`, with tag writes failing for the tags in `failing` once `armed()` says so. */
function failingFor(ledger: Ledger, failing: string[], armed: () => boolean): Ledger {
  return {
    ...ledger,
    updateTag: (ref, tag, decide) =>
      armed() && failing.includes(tag)
        ? Promise.reject(new Error(`DynamoDB unavailable for ${tag}`))
        : ledger.updateTag(ref, tag, decide),
    tags: (ref) => ledger.tags(ref),
  };
}

function scan(ledger: Ledger, tags: Record<string, number>, hour: number) {
  return runScan({
    registry: registry(tags),
    policy,
    auditor: createAuditor(policy, ledger),
    account: ACCOUNT,
    region: REGION,
    now: () => new Date(Date.UTC(2025, 6, 24, hour)),
    ...SILENT,
  });
}

describe('a scan whose ledger fails part-way', () => {
  it('reports the overwrite whose write applied although another write of the repository failed', async () => {
    // Prepare: v1 and v2 seeded, then both moved; the ledger refuses v2's write on the second scan.
    let armed = false;
    const ledger = failingFor(createMemoryLedger(), ['v2'], () => armed);
    await scan(ledger, { v1: 1, v2: 2 }, 1);
    armed = true;

    // Act
    const report = await scan(ledger, { v1: 11, v2: 12 }, 2);

    // Assess: v1's move is in the ledger and in the report; v2's failure is named.
    const overwrites = report.findings
      .map(({ finding }) => finding)
      .filter((f) => f.kind === 'TAG_OVERWRITE_VIOLATION');
    expect(overwrites.map((f) => [f.tag, f.previousDigest, f.digest])).toEqual([
      ['v1', digest(1), digest(11)],
    ]);
    expect(report.failures).toEqual([{ repository: 'app', error: 'DynamoDB unavailable for v2' }]);
  });

  it('counts no tags of a repository whose ledger partition could not be read', async () => {
    // Prepare
    const memory = createMemoryLedger();
    const ledger: Ledger = {
      ...memory,
      tags: () => Promise.reject(new Error('DynamoDB unavailable')),
    };

    // Act
    const report = await scan(ledger, { v1: 1, v2: 2 }, 1);

    // Assess
    expect(report.tags).toBe(0);
    expect(report.failures.map((f) => f.repository)).toEqual(['app']);
  });

  it('counts every listed tag when the repository is reconciled', async () => {
    // Act
    const report = await scan(createMemoryLedger(), { v1: 1, v2: 2, v3: 3 }, 1);

    // Assess
    expect(report.tags).toBe(3);
    expect(report.failures).toEqual([]);
  });
});
