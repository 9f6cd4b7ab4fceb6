/**
 * The scan threads of `scan` across accounts (lib/cli/registry-threads.ts): real worker threads
 * running the real thread script, their SDK clients pointed by `AWS_ENDPOINT_URL_*` at the fake
 * STS and the fake ECR fleet. The same outcomes as on one thread; a role that cannot be assumed,
 * and a thread that dies mid-scan, each kept to their account-regions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultScanThreads,
  type RegistryThreads,
  startRegistryThreads,
} from '../../lib/cli/registry-threads.ts';
import { type AccountRegionOutcome, scanAccountRegions } from '../../lib/cli/scan-accounts.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { WorkItem } from '../../lib/core/org/plan.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import type { FakeEcrFleet } from '../fakes/ecr-fleet.ts';
import type { FakeSts } from '../fakes/sts.ts';
import { digest } from '../support/digest.ts';
import { EXAMPLE_POLICY } from '../support/policies.ts';
import { type FleetFakes, fakeIO, startFleetFakes, stubAwsCredentials } from './support.ts';

const ROLE = 'ecr-tag-auditor-scan';
const policy = parsePolicy(EXAMPLE_POLICY, 'policy.yml');
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const items: WorkItem[] = ACCOUNTS.flatMap((account) =>
  ['eu-west-1', 'us-east-1'].map((region) => ({ account, region })),
);
/** A thread script that dies (exit 1) when asked for the tags of a repository named `poison`. */
const DYING = new URL('./dying-scan-thread.ts', import.meta.url);

let fleet: FakeEcrFleet;
let sts: FakeSts;
let fakes: FleetFakes;
let threads: RegistryThreads | undefined;

beforeEach(async () => {
  fakes = await startFleetFakes();
  ({ fleet, sts } = fakes);
  stubAwsCredentials();
  // Every account-region its own: a loose repository, and tags that differ by account
  for (const [n, { account, region }] of items.entries()) {
    const ecr = fleet.registry(account, region);
    ecr.addRepository('app', { imageTagMutability: 'MUTABLE' });
    ecr.addRepository('locked', { imageTagMutability: 'IMMUTABLE' });
    for (let t = 0; t <= n; t++) ecr.pushImage('app', `v${t}`, digest(100 * n + t));
  }
});
afterEach(async () => {
  await threads?.close();
  threads = undefined;
  vi.unstubAllEnvs();
  await fakes.close();
});

/** Scans every item, on the threads when given, else on this thread. */
async function scan(open?: RegistryThreads['open']) {
  const io = fakeIO();
  const outcomes = await scanAccountRegions({
    items,
    roleName: ROLE,
    policy,
    auditor: createAuditor(policy, createMemoryLedger()),
    concurrency: 3,
    repositoryConcurrency: 2,
    io,
    ...(open ? { open } : {}),
  });
  return { outcomes, stderr: io.err() };
}

/** What an outcome says, without the times of its findings. */
const summary = (o: AccountRegionOutcome) =>
  o.report
    ? {
        item: o.item,
        repositories: o.report.repositories,
        tags: o.report.tags,
        failures: o.report.failures,
        findings: o.report.findings.map((f) => [
          f.finding.kind,
          f.finding.repository,
          f.finding.tag,
        ]),
      }
    : { item: o.item, error: o.error };

describe('startRegistryThreads', () => {
  it('scans on 2 threads with the outcomes of one thread, and a denied role kept to its own', async () => {
    // Prepare
    sts.denyRole(`arn:aws:iam::222222222222:role/${ROLE}`);
    const alone = (await scan()).outcomes.map(summary);
    threads = startRegistryThreads({ threads: 2 });
    // Act
    const { outcomes } = await scan(threads.open);
    // Assess
    expect(outcomes.map(summary)).toEqual(alone);
    expect(outcomes.filter((o) => o.error !== undefined).map((o) => o.item.account)).toEqual([
      '222222222222',
      '222222222222',
    ]);
    expect(outcomes[0]?.error).toBeUndefined();
    expect(outcomes[2]?.error).toContain('222222222222');
    expect(outcomes[5]?.report?.tags).toBe(6);
    expect(outcomes[5]?.report?.findings.map((f) => f.finding.kind)).toContain('CONFIG_DRIFT');
  });

  it('keeps a thread that dies to the account-regions it held; the others finish on the live one', async () => {
    // Prepare: the first account-region holds a repository that kills its thread
    fleet.registry('111111111111', 'eu-west-1').addRepository('poison');
    threads = startRegistryThreads({ threads: 2, script: DYING });
    // Act
    const { outcomes } = await scan(threads.open);
    // Assess: every account-region has an outcome; those on the dead thread name why
    expect(outcomes).toHaveLength(items.length);
    const hurt = outcomes.filter((o) => o.error !== undefined || o.report?.failures.length);
    expect(hurt.length).toBeGreaterThanOrEqual(1);
    expect(hurt.length).toBeLessThan(items.length);
    expect(JSON.stringify(summary(hurt[0] as AccountRegionOutcome))).toContain(
      'scan thread exited with code 1',
    );
    const last = outcomes.at(-1);
    expect(last?.error).toBeUndefined();
    expect(last?.report?.failures).toEqual([]);
    expect(last?.report?.tags).toBe(6);
  });

  it('fails the calls still waiting when closed, and opens nothing after', async () => {
    // Prepare
    threads = startRegistryThreads({ threads: 1 });
    const registry = await threads.open({ account: '111111111111', region: 'eu-west-1' }, ROLE);
    const waiting = registry.listRepositories();
    // Act
    await threads.close();
    // Assess
    await expect(waiting).rejects.toThrow('the scan threads were closed');
    await expect(
      threads.open({ account: '111111111111', region: 'eu-west-1' }, ROLE),
    ).rejects.toThrow('no scan thread left: the scan threads were closed');
    expect(() => registry.destroy()).not.toThrow();
  });

  it('takes 1 to 64 threads, and by default one per CPU up to the concurrency', () => {
    // Act + Assess
    for (const bad of [0, 65, 1.5, Number.NaN]) {
      expect(() => startRegistryThreads({ threads: bad })).toThrow(
        `threads must be a whole number from 1 to 64 (got ${bad})`,
      );
    }
    expect(defaultScanThreads(20, 2)).toBe(2);
    expect(defaultScanThreads(3, 8)).toBe(3);
    expect(defaultScanThreads(200, 128)).toBe(64);
    expect(defaultScanThreads(4, 0)).toBe(1);
  });
});
