/**
 * The scan's time budget (lib/core/scan/scan.ts with lib/core/scan/rotation.ts): a run starts no
 * repository after its deadline, lets those in flight finish, reports how far it got and where the
 * next run continues; the next run starts after that repository, wraps around, and so every
 * repository is scanned across runs — docs/ledger.md#the-scans-time-budget. Pure: a registry of
 * plain objects whose listings advance an injected clock, and the in-memory ledger.
 */
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import { findingsOf } from '../../lib/core/model/delivery.ts';
import type { Registry } from '../../lib/core/scan/registry.ts';
import { rotateAfter } from '../../lib/core/scan/rotation.ts';
import { runScan, type ScanReport } from '../../lib/core/scan/scan.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { recordingTelemetry } from '../aws/support.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';

const policy = parsePolicy('version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n', 'policy.yml');
const REGION = 'eu-west-1';
/** What listing one repository costs on the injected clock. */
const LISTING_MS = 60_000;

/** Ten repositories, `repo-00` … `repo-09`, listed by the registry in an order that is not theirs. */
const NAMES = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5].map((n) => `repo-0${n}`);
const SORTED = [...NAMES].sort();

/**
 * A registry of {@link NAMES}, each with tag `v1`, whose listing of a repository advances `clock`
 * by {@link LISTING_MS} and is recorded in `listed`.
 */
function world() {
  const state = {
    clock: Date.UTC(2025, 6, 24, 6),
    listed: [] as string[],
    tags: new Map(NAMES.map((name) => [name, new Map([['v1', digest(1)]])])),
    mutability: new Map(NAMES.map((name) => [name, 'IMMUTABLE'])),
  };
  const registry: Registry = {
    async *templatePages() {},
    listRepositories: async () =>
      NAMES.map((name) => ({
        repositoryName: name,
        registryId: ACCOUNT,
        imageTagMutability: state.mutability.get(name),
      })),
    listTags: async (name) => {
      state.listed.push(name);
      state.clock += LISTING_MS;
      return new Map(state.tags.get(name));
    },
  };
  return { state, registry };
}

type World = ReturnType<typeof world>;

/** One run: `budget` ms from the clock's current time (none: no deadline), after `resumeAfter`. */
function run(
  w: World,
  ledger: Ledger,
  options: { budget?: number; resumeAfter?: string | null; concurrency?: number } = {},
) {
  const telemetry = recordingTelemetry();
  const start = w.state.clock;
  w.state.listed = [];
  const report = runScan({
    registry: w.registry,
    policy,
    auditor: createAuditor(policy, ledger),
    account: ACCOUNT,
    region: REGION,
    concurrency: options.concurrency ?? 1,
    now: () => new Date(w.state.clock),
    ...(options.budget === undefined ? {} : { deadline: new Date(start + options.budget) }),
    resumeAfter: options.resumeAfter ?? null,
    log: telemetry.log,
    metrics: telemetry.metrics,
  });
  return { report, telemetry };
}

const overwrites = (report: ScanReport) =>
  findingsOf(report.findings)
    .filter((f) => f.kind === 'TAG_OVERWRITE_VIOLATION')
    .map((f) => [f.repository, f.tag, f.previousDigest, f.digest]);

describe('a scan with a deadline', () => {
  it('starts no repository after the deadline, finishes the one in flight, and says where to continue', async () => {
    // Prepare: repo-01 has drifted; the budget is two and a half listings.
    const w = world();
    w.state.mutability.set('repo-01', 'MUTABLE');
    const ledger = createMemoryLedger();

    // Act
    const { report: pending, telemetry } = run(w, ledger, { budget: 2.5 * LISTING_MS });
    const report = await pending;

    // Assess: repo-00 and repo-01 started before the deadline, repo-02 too (at 2 listings), and
    // finished although its listing took the clock past the deadline; nothing after it.
    expect(w.state.listed).toEqual(['repo-00', 'repo-01', 'repo-02']);
    expect(report).toMatchObject({ repositories: 10, covered: 3, resumeAfter: 'repo-02' });
    expect(
      (await ledger.tags({ account: ACCOUNT, region: REGION, repository: 'repo-02' })).size,
    ).toBe(1);
    expect(
      (await ledger.tags({ account: ACCOUNT, region: REGION, repository: 'repo-03' })).size,
    ).toBe(0);
    // What it found before the deadline is in the report (the runtime alerts it).
    expect(findingsOf(report.findings).map((f) => [f.kind, f.repository])).toEqual([
      ['CONFIG_DRIFT', 'repo-01'],
    ]);
    expect(telemetry.count('ScanIncomplete')).toBe(1);
    expect(telemetry.count('ScanRepositoriesRemaining')).toBe(7);
    expect(telemetry.count('ScanRepositories')).toBe(10);
  });

  it('continues after the cursor, covers the rest before the start, and finds what only it reaches', async () => {
    // Prepare: a full scan seeds the ledger; then repo-07's v1 is overwritten, unseen by any event.
    const w = world();
    const ledger = createMemoryLedger();
    await run(w, ledger).report;
    w.state.tags.set('repo-07', new Map([['v1', digest(2)]]));

    // Act: run 1 reaches three repositories, run 2 (a budget of nine) continues after its cursor.
    const first = await run(w, ledger, { budget: 2.5 * LISTING_MS }).report;
    const firstListed = w.state.listed;
    const { report: pending, telemetry } = run(w, ledger, {
      budget: 8.5 * LISTING_MS,
      resumeAfter: first.resumeAfter,
    });
    const second = await pending;
    const secondListed = w.state.listed;

    // Assess: run 1 never reached repo-07; run 2 starts after repo-02, takes the rest up to
    // repo-09, then wraps around to repo-00 and repo-01 — and reports the overwrite.
    expect(firstListed).toEqual(['repo-00', 'repo-01', 'repo-02']);
    expect(overwrites(first)).toEqual([]);
    expect(secondListed).toEqual([...SORTED.slice(3), 'repo-00', 'repo-01']);
    expect(second).toMatchObject({ covered: 9, resumeAfter: 'repo-01' });
    expect(overwrites(second)).toEqual([['repo-07', 'v1', digest(1), digest(2)]]);
    expect(new Set([...firstListed, ...secondListed])).toEqual(new Set(NAMES));
    expect(telemetry.count('ScanRepositoriesRemaining')).toBe(1);
  });

  it('reaches every repository without a deadline, from after the cursor, and clears it', async () => {
    // Prepare
    const w = world();

    // Act
    const { report: pending, telemetry } = run(w, createMemoryLedger(), { resumeAfter: 'repo-04' });
    const report = await pending;

    // Assess
    expect(w.state.listed).toEqual([...SORTED.slice(5), ...SORTED.slice(0, 5)]);
    expect(report).toMatchObject({ repositories: 10, covered: 10, resumeAfter: null });
    expect(telemetry.count('ScanIncomplete')).toBe(0);
    expect(telemetry.count('ScanRepositoriesRemaining')).toBe(0);
  });

  it('always starts one repository, so that runs with no time left still go round the registry', async () => {
    // Prepare: every run's deadline has passed before it starts.
    const w = world();
    const ledger = createMemoryLedger();
    const listed: string[] = [];
    let cursor: string | null = null;

    // Act: as many runs as there are repositories, each from the cursor of the last.
    for (let i = 0; i < NAMES.length; i++) {
      const report: ScanReport = await run(w, ledger, { budget: -1, resumeAfter: cursor }).report;
      expect(report.covered).toBe(1);
      listed.push(...w.state.listed);
      cursor = report.resumeAfter;
    }

    // Assess: each repository once, in order.
    expect(listed).toEqual(SORTED);
    expect(cursor).toBe('repo-09');
  });

  it('with several repositories at once: those reached are the first of the order, and all finish', async () => {
    // Prepare
    const w = world();
    const ledger = createMemoryLedger();

    // Act
    const report = await run(w, ledger, { budget: 2.5 * LISTING_MS, concurrency: 4 }).report;

    // Assess
    const reached = SORTED.slice(0, report.covered);
    expect(report.covered).toBeGreaterThan(0);
    expect(report.covered).toBeLessThan(10);
    expect(report.resumeAfter).toBe(reached.at(-1));
    expect([...w.state.listed].sort()).toEqual(reached);
    for (const name of SORTED) {
      const tags = await ledger.tags({ account: ACCOUNT, region: REGION, repository: name });
      expect(tags.size).toBe(reached.includes(name) ? 1 : 0);
    }
  });
});

describe('rotateAfter', () => {
  const names = ['gamma', 'alpha', 'delta', 'beta'];
  const same = (name: string) => name;

  it('sorts by name and starts after the cursor, wrapping around', () => {
    expect(rotateAfter(names, same, null)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(rotateAfter(names, same, 'beta')).toEqual(['delta', 'gamma', 'alpha', 'beta']);
    expect(rotateAfter(names, same, 'gamma')).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it('continues with the next name when the cursor names a repository deleted since', () => {
    expect(rotateAfter(names, same, 'charlie')).toEqual(['delta', 'gamma', 'alpha', 'beta']);
    expect(rotateAfter(names, same, 'zulu')).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(rotateAfter(names, same, '')).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it('orders by code unit, whatever the locale', () => {
    expect(rotateAfter(['b', 'B', 'a-b', 'a.b', 'a/b'], same, undefined)).toEqual([
      'B',
      'a-b',
      'a.b',
      'a/b',
      'b',
    ]);
  });
});
