/**
 * Row 7: account-regions scanned by `scanAccountRegions` (lib/cli/scan-accounts.ts), the CLI's
 * organization scan — each through the member registry (the role assumed at the fake STS) and
 * `runScan` — against the fake ECR fleet. The ledger is kept outside the process, as row 6's is
 * (it keeps nothing and counts every write). Reports on fd 3: each group's wall time, each
 * account-region's time (from the opening of its registry to its line of progress), what was
 * scanned, failures, its CPU time (every thread of the process, during the group), peak RSS.
 *
 *   node org-scan.ts JOB_JSON
 *
 * JOB_JSON: `{ "groups": [{ "items": [{ "account", "region" }], "concurrency": n }],
 * "repositoryConcurrency": n, "roleName": "..." }` — the groups run one after the other. The
 * endpoints and the caller's credentials come from the environment (`AWS_ENDPOINT_URL_STS`,
 * `AWS_ENDPOINT_URL_ECR`), as for the CLI.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { createMemberRegistry } from '../../lib/aws/member-registry.ts';
import { createRegionalStsClients } from '../../lib/aws/regional-sts-clients.ts';
import { scanAccountRegions } from '../../lib/cli/scan-accounts.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { EMPTY_CONFIG_RECORD } from '../../lib/core/engine/records.ts';
import type { WorkItem } from '../../lib/core/org/plan.ts';
import { loadPolicy } from '../../lib/io/policy/load.ts';

interface Job {
  groups: { items: WorkItem[]; concurrency: number }[];
  repositoryConcurrency: number;
  roleName: string;
}

const report = (value: unknown) => writeSync(3, `${JSON.stringify(value)}\n`);
const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const policy = await loadPolicy(new URL('../../policy.yml', import.meta.url).pathname);
const counted = { pushes: 0 };
const outside: Ledger = {
  async updateTag() {
    counted.pushes++;
    return [];
  },
  async tags() {
    return new Map();
  },
  async updateConfig(_target, decide) {
    return decide(EMPTY_CONFIG_RECORD).found;
  },
};
const auditor = createAuditor(policy, outside);

const groups = [];
for (const group of job.groups) {
  // One STS client per region for each group, as the CLI has for each run.
  const sts = createRegionalStsClients();
  const opened = new Map<string, number>();
  const finished = new Map<string, number>();
  const io = {
    stdout: { write: () => true },
    stderr: {
      isTTY: false,
      write: (text: string) => {
        const name = text.slice(0, text.indexOf(': '));
        finished.set(name, performance.now());
        return true;
      },
    },
    stdin: process.stdin,
    env: process.env,
  };
  const pushesBefore = counted.pushes;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcomes = await scanAccountRegions({
    items: group.items,
    roleName: job.roleName,
    policy,
    auditor,
    concurrency: group.concurrency,
    repositoryConcurrency: job.repositoryConcurrency,
    io,
    // The default opening, timed: the same createMemberRegistry call scanAccountRegions makes,
    // with one STS client per region for the run.
    open: (item, roleName) => {
      opened.set(`${item.account}/${item.region}`, performance.now());
      return createMemberRegistry({
        account: item.account,
        region: item.region,
        roleName,
        sts: sts.of,
      });
    },
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  sts.destroy();
  groups.push({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ledgerTags: counted.pushes - pushesBefore,
    items: outcomes.map((o) => {
      const name = `${o.item.account}/${o.item.region}`;
      return {
        name,
        ms: (finished.get(name) ?? Number.NaN) - (opened.get(name) ?? Number.NaN),
        repositories: o.report?.repositories ?? 0,
        tags: o.report?.tags ?? 0,
        failures: o.report?.failures.length ?? 0,
        error: o.error,
      };
    }),
  });
}
report({ groups, maxRssKiB: process.resourceUsage().maxRSS });
