/**
 * Row 7: the organization scan on the fakes. Account-regions of 50 repositories × 50 tags, each
 * its own fake ECR throttling at its own rate (a token bucket per account-region and operation,
 * 20–100 requests/s, burst 5; 20 ms per answer), scanned in a fresh process by the CLI's
 * `scanAccountRegions` (member registry over the fake STS, then `runScan`; ledger outside the
 * process, as row 6's). One alone against its throttle bound; the 200 at 20 at once against the
 * budget's ideal, "10 rounds of one item" (each account-region's own time alone, on the lanes of
 * the concurrency), and against the ideal of their throttle bounds. And the planner on 1,000
 * accounts × 17 regions.
 *
 * @module
 */
import { join } from 'node:path';
import { FakeEcrFleet } from '../../test/fakes/ecr-fleet.ts';
import { FakeSts } from '../../test/fakes/sts.ts';
import { CHILDREN, runChild } from '../lib/child.ts';
import { prng } from '../lib/prng.ts';
import { type Row, type RowResult, smallTable } from '../lib/report.ts';
import { int, kb, median, mib, ms, quantile, ratio } from '../lib/stats.ts';

const REPOSITORIES = 50;
const TAGS = 50;
const LATENCY_MS = 20;
const BURST = 5;
const MIN_RATE = 20;
const MAX_RATE = 100;
const ACCOUNTS = 100;
const REGIONS = ['eu-west-1', 'us-east-1'];
const CONCURRENCY = 20;
/** What the CLI uses (lib/cli/scan.ts). */
const REPOSITORY_CONCURRENCY = 4;
const ROLE = 'ecr-tag-auditor-scan';
const PLAN_ACCOUNTS = 1000;
const PLAN_REGIONS = 17;

interface Item {
  account: string;
  region: string;
  rate: number;
}

interface OrgChildReport {
  groups: {
    ms: number;
    cpuMs: number;
    ledgerTags: number;
    items: {
      name: string;
      ms: number;
      repositories: number;
      tags: number;
      failures: number;
      error?: string;
    }[];
  }[];
  maxRssKiB: number;
}

interface PlanChildReport {
  firstMs: number;
  laterMedianMs: number;
  rssBefore: number;
  peakRss: number;
  heapDelta: number;
  batches: number;
  items: number;
  distinct: number;
  largestBatchBytes: number;
  smallestBatchBytes: number;
}

/**
 * The least time an account-region's scan can take under its throttle: ListImages (one page
 * per repository) is the busiest operation and has its own bucket, which starts full (BURST).
 */
const boundMs = (rate: number) => ((REPOSITORIES - BURST) / rate) * 1000;

const account = (n: number) => String(200_000_000_000 + n);

/** Seeds one account-region: 50 repositories of 50 single-tag images; one in 10 drifted. */
function seed(fleet: FakeEcrFleet, item: Item): void {
  const ecr = fleet.registry(item.account, item.region);
  ecr.latencyMs = LATENCY_MS;
  ecr.rateLimit = { perSecond: item.rate, burst: BURST };
  const pushedAt = new Date(Date.UTC(2025, 6, 1));
  for (let r = 0; r < REPOSITORIES; r++) {
    const repository =
      r % 10 === 0
        ? ecr.addRepository(`team-${r % 5}/service-${r}`)
        : ecr.addRepository(`team-${r % 5}/service-${r}`, {
            imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
            filters: ['dev-*', 'sha256-*'],
          });
    for (let t = 0; t < TAGS; t++) {
      const digest = `sha256:${(r * TAGS + t).toString(16).padStart(64, '0')}`;
      repository.images.set(digest, {
        digest,
        tags: [t % 10 === 0 ? `dev-${t}` : `v1.${t}.0`],
        pushedAt,
        sizeInBytes: 1024,
      });
    }
  }
}

/** The makespan of `durations` on `lanes`, each taken in order by the first lane free. */
function listSchedule(durations: readonly number[], lanes: number): number {
  const free = new Array<number>(lanes).fill(0);
  for (const d of durations) {
    let i = 0;
    for (let l = 1; l < lanes; l++) if ((free[l] as number) < (free[i] as number)) i = l;
    free[i] = (free[i] as number) + d;
  }
  return Math.max(...free);
}

/**
 * Runs row 7: `runs` scans of the 200 account-regions, `singles` of one alone per end rate, and
 * every `aloneEvery`-th of the 200 alone (1: each of them; more: a sample, for `--quick`).
 */
export async function organizationScan(
  runs: number,
  singles: number,
  aloneEvery = 1,
): Promise<RowResult> {
  const random = prng(7);
  const fleetItems: Item[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    for (const region of REGIONS) {
      fleetItems.push({
        account: account(a),
        region,
        rate: MIN_RATE + Math.floor(random() * (MAX_RATE - MIN_RATE + 1)),
      });
    }
  }
  // One account-region alone, at each end of the range (fresh ones every time: a full bucket).
  const singleItems = (rate: number, offset: number) =>
    Array.from({ length: singles + 1 }, (_, i) => ({
      account: account(offset + i),
      region: 'eu-west-1',
      rate,
    }));
  const slow = singleItems(MIN_RATE, 1000);
  const fast = singleItems(MAX_RATE, 2000);
  const fleet = new FakeEcrFleet();
  for (const item of [...fleetItems, ...slow, ...fast]) seed(fleet, item);
  const sts = new FakeSts();
  const [ecrServer, stsServer] = await Promise.all([fleet.start(), sts.start()]);
  const env = {
    PATH: process.env.PATH ?? '',
    TZ: 'UTC',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_ENDPOINT_URL_STS: stsServer.endpoint,
    AWS_ENDPOINT_URL_ECR: ecrServer.endpoint,
    // A loader, when the benchmark runs under one (a Node without type stripping).
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
  };
  const scan = async (groups: { items: Item[]; concurrency: number }[]) => {
    for (const group of groups) {
      for (const item of group.items) fleet.registry(item.account, item.region).reset();
    }
    const { report } = await runChild<OrgChildReport>(
      [
        join(CHILDREN, 'org-scan.ts'),
        JSON.stringify({
          groups: groups.map((g) => ({
            items: g.items.map(({ account, region }) => ({ account, region })),
            concurrency: g.concurrency,
          })),
          repositoryConcurrency: REPOSITORY_CONCURRENCY,
          roleName: ROLE,
        }),
      ],
      { env, timeoutMs: 300_000 },
    );
    return report;
  };
  const rows: Row[] = [];
  const details: string[] = [];
  try {
    // (a) One account-region alone; the first of each rate warms the process up, unmeasured.
    const singleReport = await scan(
      [...slow, ...fast].map((item) => ({ items: [item], concurrency: 1 })),
    );
    const singleMs = singleReport.groups.map((g) => g.ms);
    const singleOk = singleReport.groups.every((g) =>
      g.items.every((i) => i.repositories === REPOSITORIES && i.tags === REPOSITORIES * TAGS),
    );
    for (const [index, rate] of [
      [0, MIN_RATE],
      [1, MAX_RATE],
    ] as const) {
      const measured = singleMs.slice(index * (singles + 1) + 1, (index + 1) * (singles + 1));
      const mid = median(measured);
      const bound = boundMs(rate);
      rows.push({
        id: '7',
        what: `organization scan, one account-region alone (${REPOSITORIES} repositories × ${TAGS} tags, ECR at ${LATENCY_MS} ms and ${rate} req/s per API, burst ${BURST}; role assumed at the fake STS)`,
        figure: ms(mid),
        baseline: `${ms(bound)} ((${REPOSITORIES} ListImages − burst ${BURST}) ÷ ${rate}/s)`,
        ratio: ratio(mid / bound),
        budget: '≤ 1.2×',
        pass: singleOk && mid / bound <= 1.2,
      });
    }

    // (b) The 200 account-regions at concurrency 20.
    const bounds = fleetItems.map((i) => boundMs(i.rate));
    const sum = bounds.reduce((a, b) => a + b, 0);
    const boundIdeal = Math.max(sum / CONCURRENCY, ...bounds);

    // (c) The budget's ideal, "10 rounds of one item": each of the 200 scanned alone, one after
    // the other, in parts interleaved with the runs of (b) (each part's first group, an end-rate
    // item, warms its process up, unmeasured). Its time alone holds what concurrency does not add
    // — the role assumed, the repositories listed, the last answer — which the throttle bounds
    // leave out; each counts at most 1.2× its bound (the budget of one alone), so that the ideal
    // never takes in what that budget would refuse. A sample (`aloneEvery` > 1) estimates the
    // sum from its times ÷ their bounds.
    const aloneIndexes = fleetItems.map((_, i) => i).filter((i) => i % aloneEvery === 0);
    const aloneMsByIndex = new Map<number, number>();
    let aloneComplete = true;
    const lpt = listSchedule(
      [...bounds].sort((a, b) => b - a),
      CONCURRENCY,
    );
    const inOrder = listSchedule(bounds, CONCURRENCY);
    const fleetRuns: {
      report: OrgChildReport;
      calls: Record<string, number>;
      throttled: number;
    }[] = [];
    for (let r = 0; r < runs; r++) {
      const part = aloneIndexes.filter((_, k) => k % runs === r);
      const aloneReport = await scan(
        [slow[0] as Item, ...part.map((i) => fleetItems[i] as Item)].map((item) => ({
          items: [item],
          concurrency: 1,
        })),
      );
      for (const [k, group] of aloneReport.groups.slice(1).entries()) {
        aloneMsByIndex.set(part[k] as number, group.ms);
        aloneComplete &&= group.items.every(
          (i) =>
            i.error === undefined &&
            i.failures === 0 &&
            i.repositories === REPOSITORIES &&
            i.tags === REPOSITORIES * TAGS,
        );
      }
      // After the same unmeasured warm-up as the items alone: a fresh process's first
      // account-regions pay for loading and compiling the SDK's code (the first 20 of a cold run
      // took 2–3× their bounds), which a scan of a real organization pays once.
      const report = await scan([
        { items: [slow[0] as Item], concurrency: 1 },
        { items: fleetItems, concurrency: CONCURRENCY },
      ]);
      const calls: Record<string, number> = {};
      let throttled = 0;
      for (const item of fleetItems) {
        for (const request of fleet.registry(item.account, item.region).requests) {
          if (request.fault === 'rate-limit') throttled++;
          else calls[request.operation] = (calls[request.operation] ?? 0) + 1;
        }
      }
      fleetRuns.push({ report, calls, throttled });
    }
    const aloneOverBound = aloneIndexes.map(
      (i) => (aloneMsByIndex.get(i) as number) / (bounds[i] as number),
    );
    const countedOverBound = aloneOverBound.map((x) => Math.min(x, 1.2));
    const countedMs = aloneIndexes.map(
      (i, k) => (countedOverBound[k] as number) * (bounds[i] as number),
    );
    const countedSum = countedMs.reduce((a, b) => a + b, 0);
    // A sample: its times over its bounds, applied to all the bounds (weighted by bound).
    const aloneSum =
      aloneEvery === 1
        ? countedSum
        : (sum * countedSum) / aloneIndexes.reduce((a, i) => a + (bounds[i] as number), 0);
    const ideal = Math.max(aloneSum / CONCURRENCY, ...countedMs);
    const durations = fleetRuns.map((r) => r.report.groups[1]?.ms ?? Number.NaN);
    const mid = median(durations);
    const complete =
      aloneComplete &&
      fleetRuns.every((r) => {
        const group = r.report.groups[1];
        return (
          group !== undefined &&
          group.ledgerTags === fleetItems.length * REPOSITORIES * TAGS &&
          group.items.every(
            (i) =>
              i.error === undefined &&
              i.failures === 0 &&
              i.repositories === REPOSITORIES &&
              i.tags === REPOSITORIES * TAGS,
          )
        );
      });
    rows.push({
      id: '7',
      what: `organization scan, ${fleetItems.length} account-regions (${ACCOUNTS} accounts × ${REGIONS.length} regions) × ${REPOSITORIES} repositories × ${TAGS} tags, each ECR at its own ${MIN_RATE}–${MAX_RATE} req/s, ${CONCURRENCY} account-regions at once (ledger outside the process)`,
      figure: ms(mid),
      baseline: `${ms(ideal)} (10 rounds of one: the ${fleetItems.length} account-regions' times alone${aloneEvery === 1 ? '' : ` (estimated from ${aloneIndexes.length})`}, each at most 1.2× its bound, ÷ ${CONCURRENCY} lanes, judged so since 2026-12-05; against the ideal until then, their throttle bounds ÷ ${CONCURRENCY}: ${ms(boundIdeal)}, ${ratio(mid / boundIdeal)}${mid / boundIdeal > 1.3 ? ', over 1.3×' : ''})`,
      ratio: ratio(mid / ideal),
      budget: '≤ 1.3×',
      pass: mid / ideal <= 1.3,
    });
    rows.push({
      id: '7',
      what: 'organization scan: every account-region, repository and tag scanned, none failed (at 20 at once and alone)',
      figure: complete
        ? `${fleetItems.length} account-regions, ${int(fleetItems.length * REPOSITORIES)} repositories, ${int(fleetItems.length * REPOSITORIES * TAGS)} tags`
        : 'MISSED SOME',
      baseline: '—',
      ratio: '—',
      budget: 'none missed',
      pass: complete && singleOk,
    });
    const itemRatios = fleetRuns.flatMap(
      (r) => r.report.groups[1]?.items.map((i, k) => i.ms / (bounds[k] as number)) ?? [Number.NaN],
    );
    details.push(
      `Organization scan (row 7) against the fake ECR fleet: ${fleetItems.length + slow.length + fast.length} account-regions, each its own fake ECR (${LATENCY_MS} ms per answer, token bucket of its own rate per operation, burst ${BURST}, full at the start), behind one endpoint that routes by the signing key's account and the signed region; the keys come from the fake STS (no latency, no throttle). \`scanAccountRegions\` (lib/cli/scan-accounts.ts) in a fresh process, ${REPOSITORY_CONCURRENCY} repositories at once per account-region as the CLI does; each account-region timed from the opening of its registry (AssumeRole included) to its line of progress. An account-region's bound is (${REPOSITORIES} ListImages − ${BURST}) ÷ its rate (DescribeRepositories and the templates have buckets of their own; counting DescribeRepositories in, as ${REPOSITORIES + 1} ÷ rate without the burst, would loosen every bound by ${ratio((REPOSITORIES + 1) / (REPOSITORIES - BURST))}). The budget's ideal, "10 rounds of one item", is max(sum ÷ ${CONCURRENCY}, longest) of each account-region's own time scanned alone (${aloneEvery === 1 ? `all ${aloneIndexes.length}` : `every ${aloneEvery}th, ${aloneIndexes.length} of them, the sum estimated from their times ÷ bounds`}, one after the other in ${runs} part(s) interleaved with the runs below; alone ÷ bound: p50 ${ratio(quantile(aloneOverBound, 0.5))}, p90 ${ratio(quantile(aloneOverBound, 0.9))}, max ${ratio(Math.max(...aloneOverBound))}; each counted at most 1.2× its bound, the budget of one alone: ${aloneOverBound.filter((x) => x > 1.2).length} capped) = ${ms(ideal)}. Of the throttle bounds alone it is ${ms(boundIdeal)}, a lower bound that leaves out what an account-region costs alone (the role assumed, the repositories listed, the last answer), which concurrency does not add; the longest-processing-time schedule of the bounds would take ${ms(lpt)}, and in the order given (as the scan takes them) ${ms(inOrder)}. One account-region alone: ${singleMs.length} runs (the first of each rate a warm-up): ${singleMs.map(ms).join(', ')}.\n\n${smallTable(
        [
          'run',
          'duration',
          'vs ideal',
          'vs bounds',
          'vs in-order schedule',
          'ECR requests',
          'throttled',
          'account-region ÷ its bound (p50, p90, max)',
          'scan process CPU',
          'peak RSS',
        ],
        fleetRuns.map((r, i) => {
          const ratios = (r.report.groups[1]?.items ?? []).map(
            (item, k) => item.ms / (bounds[k] as number),
          );
          return [
            String(i + 1),
            ms(durations[i] as number),
            ratio((durations[i] as number) / ideal),
            ratio((durations[i] as number) / boundIdeal),
            ratio((durations[i] as number) / inOrder),
            Object.entries(r.calls)
              .map(([op, n]) => `${op} ${int(n)}`)
              .join(', '),
            int(r.throttled),
            `${ratio(quantile(ratios, 0.5))}, ${ratio(quantile(ratios, 0.9))}, ${ratio(Math.max(...ratios))}`,
            ms(r.report.groups[1]?.cpuMs ?? Number.NaN),
            mib(r.report.maxRssKiB * 1024),
          ];
        }),
      )}\n\nEvery account-region of every run ÷ its own bound: p50 ${ratio(quantile(itemRatios, 0.5))}, p90 ${ratio(quantile(itemRatios, 0.9))} (at ${CONCURRENCY} at once, they share this machine's ${'2'} cores with the fakes).`,
    );
  } finally {
    await Promise.all([ecrServer.close(), stsServer.close()]);
  }

  // (c) The planner.
  const { report: plan } = await runChild<PlanChildReport>(
    [
      '--expose-gc',
      join(CHILDREN, 'org-plan.ts'),
      String(PLAN_ACCOUNTS),
      String(PLAN_REGIONS),
      '5',
    ],
    { timeoutMs: 120_000 },
  );
  const peakDelta = plan.peakRss - plan.rssBefore;
  const planned = PLAN_ACCOUNTS * PLAN_REGIONS;
  const planOk =
    plan.items === planned && plan.distinct === planned && plan.largestBatchBytes <= 256 * 1024;
  rows.push({
    id: '7',
    what: `planner: ${int(PLAN_ACCOUNTS)} accounts × ${PLAN_REGIONS} regions listed and batched (planWorkItems, first call in a fresh process)`,
    figure: `${ms(plan.firstMs)}, peak RSS +${mib(peakDelta)}, heap +${mib(plan.heapDelta)}`,
    baseline: '—',
    ratio: '—',
    budget: '≤ 2 s, ≤ 128 MB',
    pass: plan.firstMs <= 2000 && peakDelta <= 128 * 2 ** 20 && plan.heapDelta <= 128 * 2 ** 20,
  });
  rows.push({
    id: '7',
    what: `planner: every batch under 256 KB, every account-region once`,
    figure: `${plan.batches} batches, largest ${kb(plan.largestBatchBytes)}; ${int(plan.distinct)} of ${int(planned)} account-regions`,
    baseline: '—',
    ratio: '—',
    budget: `≤ ${kb(256 * 1024)} (256 KiB)`,
    pass: planOk,
  });
  details.push(
    `Planner (row 7): \`planWorkItems\` of ${int(PLAN_ACCOUNTS)} accounts × ${PLAN_REGIONS} regions in a fresh process (\`node --expose-gc\`, collected before): first call ${ms(plan.firstMs)} (later calls, median of 5: ${ms(plan.laterMedianMs)}); peak RSS ${mib(plan.peakRss)}, ${mib(peakDelta)} above the RSS before the call; heap ${mib(plan.heapDelta)} more after it, the batches still held; ${plan.batches} batches of ${kb(plan.smallestBatchBytes)}–${kb(plan.largestBatchBytes)} (JSON, UTF-8). No baseline: the budget is absolute.`,
  );
  return { rows, details };
}
