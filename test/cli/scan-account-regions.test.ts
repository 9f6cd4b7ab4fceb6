/**
 * The loop of `scan` across accounts (lib/cli/scan-accounts.ts) over registries the test opens
 * itself: concurrency, outcomes in plan order, progress on a terminal and off it, failures of
 * one account-region kept to it, every registry released.
 */
import { describe, expect, it } from 'vitest';
import type { MemberRegistry } from '../../lib/aws/member-registry.ts';
import { type AccountRegionOutcome, scanAccountRegions } from '../../lib/cli/scan-accounts.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { WorkItem } from '../../lib/core/org/plan.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { digest } from '../support/digest.ts';
import { EXAMPLE_POLICY } from '../support/policies.ts';
import { fakeIO } from './support.ts';

const policy = parsePolicy(EXAMPLE_POLICY, 'policy.yml');
const items: WorkItem[] = ['111111111111', '222222222222', '333333333333'].flatMap((account) =>
  ['eu-west-1', 'us-east-1'].map((region) => ({ account, region })),
);

/** Registries answering one MUTABLE repository each; `fail` decides an item's fate. */
function opener(fail: (item: WorkItem) => 'assume' | 'list' | undefined) {
  let inFlight = 0;
  const stats = { maxInFlight: 0, opened: 0, destroyed: 0 };
  const open = async (item: WorkItem, roleName: string): Promise<MemberRegistry> => {
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    await Promise.resolve();
    if (fail(item) === 'assume') {
      inFlight--;
      throw new Error(`cannot assume arn:aws:iam::${item.account}:role/${roleName}: AccessDenied`);
    }
    stats.opened++;
    return {
      roleArn: `arn:aws:iam::${item.account}:role/${roleName}`,
      async *templatePages() {},
      listRepositories: async () => {
        await Promise.resolve();
        if (fail(item) === 'list') throw new Error('Rate exceeded');
        return [{ repositoryName: 'app', imageTagMutability: 'MUTABLE' }];
      },
      listTags: async () => new Map([['v1', digest(1)]]),
      destroy: () => {
        stats.destroyed++;
        inFlight--;
      },
    };
  };
  return { open, stats };
}

async function run(terminal: boolean, fail: (item: WorkItem) => 'assume' | 'list' | undefined) {
  const io = fakeIO();
  const stderr = { write: io.stderr.write, isTTY: terminal };
  const { open, stats } = opener(fail);
  const outcomes = await scanAccountRegions({
    items,
    roleName: 'audit',
    policy,
    auditor: createAuditor(policy, createMemoryLedger()),
    concurrency: 2,
    repositoryConcurrency: 1,
    io: { ...io, stderr },
    open,
  });
  return { outcomes, stats, stderr: io.err() };
}

const names = (outcomes: AccountRegionOutcome[]) =>
  outcomes.map((o) => `${o.item.account}/${o.item.region}:${o.report ? 'ok' : o.error}`);

describe('scanAccountRegions', () => {
  it('scans at most --concurrency account-regions at once and keeps each failure to its own', async () => {
    // Act: B's role cannot be assumed; C's registry in us-east-1 cannot be listed
    const { outcomes, stats } = await run(false, (item) =>
      item.account === '222222222222'
        ? 'assume'
        : item.account === '333333333333' && item.region === 'us-east-1'
          ? 'list'
          : undefined,
    );
    // Assess: in plan order, whatever order they finished in
    expect(names(outcomes)).toEqual([
      '111111111111/eu-west-1:ok',
      '111111111111/us-east-1:ok',
      '222222222222/eu-west-1:cannot assume arn:aws:iam::222222222222:role/audit: AccessDenied',
      '222222222222/us-east-1:cannot assume arn:aws:iam::222222222222:role/audit: AccessDenied',
      '333333333333/eu-west-1:ok',
      '333333333333/us-east-1:cannot list the registry: Rate exceeded',
    ]);
    expect(stats.maxInFlight).toBe(2);
    expect(stats.destroyed).toBe(stats.opened);
    expect(stats.opened).toBe(4);
    // each report is of its own account-region, with its drift
    expect(outcomes[4]?.report).toMatchObject({ account: '333333333333', region: 'eu-west-1' });
    expect(outcomes[4]?.report?.findings.map((f) => f.finding.kind)).toEqual(['CONFIG_DRIFT']);
  });

  it('writes one line per account-region off a terminal, and one live line on it', async () => {
    // Act
    const piped = await run(false, (item) =>
      item.account === '222222222222' ? 'assume' : undefined,
    );
    const terminal = await run(true, () => undefined);
    // Assess
    const lines = piped.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(6);
    expect(lines).toContain(
      '111111111111/eu-west-1: 1 repositories (0 ignored, 0 failed), 0 templates, 1 tags; 1 finding(s)',
    );
    expect(lines).toContain(
      '222222222222/us-east-1: not scanned: cannot assume arn:aws:iam::222222222222:role/audit: AccessDenied',
    );
    expect(terminal.stderr).toBe(
      `${[1, 2, 3, 4, 5, 6].map((n) => `\rScanning account-regions: ${n}/6`).join('')}\n`,
    );
  });
});
