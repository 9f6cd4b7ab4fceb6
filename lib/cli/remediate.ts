/**
 * `ecr-tag-auditor remediate`: the plan that makes every repository and creation template equal
 * to the policy, with what it does to the existing tags; applied only with `--apply`
 * (docs/remediation.md).
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  openMemberRemediation,
  openRemediation,
  type RemediationAccess,
} from '../aws/ecr-remediator.ts';
import { createRegionalStsClients, type RegionalStsClients } from '../aws/regional-sts-clients.ts';
import {
  REMEDIATION_REGISTRY_ACTIONS,
  REMEDIATION_REPOSITORY_ACTIONS,
} from '../core/deploy/remediation-actions.ts';
import {
  SCAN_REGISTRY_ACTIONS,
  SCAN_REPOSITORY_ACTIONS,
} from '../core/deploy/scan-read-actions.ts';
import { createMemoryLedger } from '../core/engine/memory-ledger.ts';
import { REGION } from '../core/intake/fields.ts';
import { satisfies } from '../core/intake/satisfies.ts';
import { forEachLimited } from '../core/limited.ts';
import type { WorkItem } from '../core/org/plan.ts';
import { compileRepositoryGlob } from '../core/policy/glob.ts';
import { repositoryGlobProblem } from '../core/policy/glob-check.ts';
import { type ApplyResult, applyPlans, type Remediator } from '../core/remediation/apply.ts';
import { IMPACT_WINDOW_DAYS } from '../core/remediation/impact.ts';
import type { RemediationPlan } from '../core/remediation/plan.ts';
import {
  type PlanRegistryDeps,
  planRegistry,
  type RegistryPlans,
} from '../core/remediation/plan-registry.ts';
import { loadPolicy } from '../io/policy/load.ts';
import { loadStateFile } from '../io/state-file.ts';
import { PLAN_FORMATS, type PlanFormat, renderPlans } from '../render/plan.ts';
import {
  ACCOUNT_SCOPE_OPTIONS,
  type AccountScope,
  accountRegions,
  accountScope,
} from './account-scope.ts';
import { oneOf, parseCommandArgs } from './args.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';

/** Changes applied per second by default, and at most (AWS publishes no quota for these calls). */
const RATE = { default: 5, max: 20 } as const;
/** Account-regions read at once across accounts. */
const ACCOUNT_REGION_CONCURRENCY = 4;

/** Help text of `remediate`. */
const REMEDIATE_HELP = `Usage: ecr-tag-auditor remediate --policy FILE [options]

Plans the changes that make every repository and repository creation template equal to the
policy: for each one that is not, its current and target configuration, the drift, the exact
ECR request (the complete filter list, never a partial one) and the equivalent aws ecr command,
and what the change does to the existing tags — which tags become immutable, and how often the
ledger (--state) saw each overwritten recently: those pushes will be refused after the change.
Nothing is changed without --apply. By default only drift that exposes tags (LOOSENED,
CHANGED) is planned.

Options:
  --policy FILE            the policy (YAML or JSON); required
  --state FILE             the ledger of scan/replay --state: the tags' histories (read, never
                           written); without it the impact names only the tags ECR lists
  --region REGION          the region (default: AWS_REGION or the profile's region)
  --repositories GLOB      plan only repositories matching GLOB (the policy's glob syntax;
                           repeatable); a template with prefix P is named P/, ROOT never matches
  --include-tightened      plan TIGHTENED drift too (tags the policy leaves mutable made mutable)
  --history-days N         how far back overwrites are counted, 1-365 days (default ${IMPACT_WINDOW_DAYS})
  --apply                  apply the plan: one change at a time, each read back and reported
                           EQUAL or failed; a failure does not stop the others
  --rate N                 with --apply: changes started per second, 1-${RATE.max} (default ${RATE.default})
  --format FORMAT          table (default), json, ndjson or markdown
  -h, --help               show this help

Several accounts (the role must exist in each, trusting the caller; sts:AssumeRole needed):
  --accounts FILE          the accounts: one 12-digit id a line, # comments
  --organization           the organization's ACTIVE accounts (organizations:ListAccounts)
  --role-name NAME         the role assumed in each account; required with either option
  --regions R1,R2          the regions in each account (default: --region)

Permissions: ${[...SCAN_REPOSITORY_ACTIONS, ...SCAN_REGISTRY_ACTIONS].join(', ')};
with --apply also ${[...REMEDIATION_REPOSITORY_ACTIONS, ...REMEDIATION_REGISTRY_ACTIONS].join(', ')} (a template
with a lifecycle or repository policy or a role may need more: docs/remediation.md#iam).
Exit codes: 0 done, 2 usage, policy, state-file or credentials error, 3 something could not be
read, or (with --apply) some change failed — each is named on stderr; the rest was done.
`;

/** What every account-region is planned with, once the options are checked. */
type RemediateRun = Omit<PlanRegistryDeps, 'registry' | 'account' | 'region' | 'concurrency'>;

/** The options of `remediate`, as `parseCommandArgs` takes them. */
const REMEDIATE_OPTIONS = {
  policy: { type: 'string' },
  state: { type: 'string' },
  region: { type: 'string' },
  repositories: { type: 'string', multiple: true },
  'include-tightened': { type: 'boolean' },
  'history-days': { type: 'string' },
  apply: { type: 'boolean' },
  rate: { type: 'string' },
  format: { type: 'string' },
  ...ACCOUNT_SCOPE_OPTIONS,
} as const;

/** The options as given. */
type RemediateValues = ReturnType<typeof parseCommandArgs<typeof REMEDIATE_OPTIONS>>['values'];

/** What the options say, checked; nothing read yet. */
interface RemediateOptions {
  readonly policyFile: string;
  readonly stateFile: string | undefined;
  readonly region: string | undefined;
  readonly globs: readonly string[];
  readonly includeTightened: boolean;
  readonly windowDays: number;
  readonly apply: boolean;
  readonly rate: number;
  readonly format: PlanFormat;
  readonly scope: AccountScope | null;
}

/** Runs `remediate`. */
export async function remediateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('remediate', argv, REMEDIATE_OPTIONS);
  if (values.help) {
    io.stdout.write(REMEDIATE_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0) {
    throw new UsageError(`remediate: unexpected argument "${positionals[0]}"`);
  }
  const options = remediateOptions(values);
  const run: RemediateRun = {
    policy: await loadPolicy(options.policyFile),
    history: await ledgerHistory(options.stateFile),
    select: selection(options.globs),
    includeTightened: options.includeTightened,
    windowDays: options.windowDays,
    now: new Date(),
  };
  // The caller's own client: it reads and writes with --region alone, and resolves the default
  // region (AWS_REGION, the profile) for --accounts and --organization.
  const own = openRemediation(options.region ? { region: options.region } : {});
  const opened: RemediationAccess[] = [own];
  // One STS client per region for every account (the caller's credentials resolved once).
  const sts = createRegionalStsClients();
  try {
    const region = await own.region().catch((error: unknown) => {
      throw new UsageError('remediate: no region: pass --region or set AWS_REGION', {
        cause: error,
      });
    });
    const read =
      options.scope === null
        ? [await readOwn(run, own, region)]
        : await readAccounts(run, options.scope, region, { opened, sts: sts.of });
    return await finish(io, read, { ...options, history: run.history !== undefined });
  } finally {
    for (const access of opened) access.destroy();
    sts.destroy();
  }
}

/** Checks the options; a bad one is a usage error naming it. */
function remediateOptions(values: RemediateValues): RemediateOptions {
  if (!values.policy) throw new UsageError('remediate: --policy FILE is required');
  const rate = wholeNumber('rate', values.rate, 1, RATE.max, RATE.default);
  if (values.rate !== undefined && !values.apply) {
    throw new UsageError('remediate: --rate needs --apply');
  }
  if (values.region !== undefined && !satisfies(values.region, REGION)) {
    throw new UsageError(
      `remediate: --region "${values.region}" is not ${REGION.what} (such as eu-west-1)`,
    );
  }
  const globs = values.repositories ?? [];
  for (const glob of globs) {
    const problem = repositoryGlobProblem(glob);
    if (problem) throw new UsageError(`remediate: --repositories: ${problem}`);
  }
  return {
    policyFile: values.policy,
    stateFile: values.state,
    region: values.region,
    globs,
    includeTightened: values['include-tightened'] === true,
    windowDays: wholeNumber('history-days', values['history-days'], 1, 365, IMPACT_WINDOW_DAYS),
    apply: values.apply === true,
    rate,
    format: oneOf('remediate', 'format', values.format, PLAN_FORMATS, 'table'),
    scope: accountScope('remediate', values),
  };
}

/** The tag histories of the `--state` ledger, read only; undefined without one. */
async function ledgerHistory(file: string | undefined): Promise<RemediateRun['history']> {
  if (file === undefined) return undefined;
  const stateFile = await loadStateFile(file);
  if (!stateFile.existed) {
    throw new UsageError(
      `remediate: --state ${file}: no such file (remediate reads the ledger that scan or replay --state wrote; it never writes one)`,
    );
  }
  const ledger = createMemoryLedger(stateFile.state);
  return (ref) => ledger.tags(ref);
}

/** `--repositories`: a name some glob matches (ROOT's null none); undefined: every one. */
function selection(globs: readonly string[]): RemediateRun['select'] {
  if (globs.length === 0) return undefined;
  const matchers = globs.map(compileRepositoryGlob);
  return (name) => name !== null && matchers.some((matches) => matches(name));
}

/** A whole number option in [min, max], or a usage error naming it. */
function wholeNumber(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `remediate: --${flag} must be a whole number from ${min} to ${max} (got "${value}")`,
    );
  }
  return n;
}

/** What was read of one account-region: its plans, or why it could not be read. */
interface ReadOutcome {
  readonly name: string;
  readonly plans?: RegistryPlans;
  readonly error?: string;
  readonly access?: RemediationAccess;
}

/** The caller's own account-region: one that cannot be listed at all is a credentials error. */
async function readOwn(
  run: RemediateRun,
  access: RemediationAccess,
  region: string,
): Promise<ReadOutcome> {
  try {
    const plans = await planRegistry({ ...run, registry: access.registry, region });
    return { name: `${plans.account}/${region}`, plans, access };
  } catch (error) {
    throw new UsageError(
      `remediate: cannot list the registry in ${region}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Every account-region of `scope`, a few at once; one that cannot be read never stops the rest. */
async function readAccounts(
  run: RemediateRun,
  scope: AccountScope,
  region: string,
  clients: {
    /** Every account-region's access, opened here, destroyed by the caller. */
    readonly opened: RemediationAccess[];
    /** The STS client of a region (the caller's). */
    readonly sts: RegionalStsClients['of'];
  },
): Promise<ReadOutcome[]> {
  const { opened } = clients;
  const items = await accountRegions('remediate', scope, region);
  const outcomes = new Map<WorkItem, ReadOutcome>();
  await forEachLimited(items, ACCOUNT_REGION_CONCURRENCY, async (item) => {
    const name = `${item.account}/${item.region}`;
    let access: RemediationAccess;
    try {
      access = await openMemberRemediation({ ...item, roleName: scope.roleName, sts: clients.sts });
    } catch (error) {
      outcomes.set(item, { name, error: (error as Error).message });
      return;
    }
    opened.push(access);
    try {
      const plans = await planRegistry({
        ...run,
        registry: access.registry,
        account: item.account,
        region: item.region,
      });
      outcomes.set(item, { name, plans, access });
    } catch (error) {
      outcomes.set(item, { name, error: `cannot list the registry: ${(error as Error).message}` });
    }
  });
  return items.map((item) => outcomes.get(item) as ReadOutcome);
}

/** Applies (with `--apply`), prints the plans, reports on stderr and returns the exit code. */
async function finish(
  io: CliIO,
  read: readonly ReadOutcome[],
  options: Pick<RemediateOptions, 'apply' | 'rate' | 'format'> & { readonly history: boolean },
): Promise<number> {
  // Each plan goes back through the client of the account-region it was read from.
  const remediatorOf = new Map<RemediationPlan, Remediator>();
  for (const { plans, access } of read) {
    if (plans && access) for (const plan of plans.plans) remediatorOf.set(plan, access.remediator);
  }
  const plans = [...remediatorOf.keys()];
  let results: ApplyResult[] | null = null;
  if (options.apply) {
    const live = io.stderr.isTTY === true;
    results = await applyPlans(plans, {
      remediatorOf: (plan) => remediatorOf.get(plan) as Remediator,
      perSecond: options.rate,
      now: Date.now,
      sleep: (ms) => sleep(ms),
      onResult: live
        ? (_, done, total) => io.stderr.write(`\rApplying: ${done}/${total}`)
        : undefined,
    });
    if (live && plans.length > 0) io.stderr.write('\n');
  }
  io.stdout.write(
    renderPlans(
      plans.map((plan, i) => ({ plan, result: results?.[i] ?? null })),
      options.format,
    ),
  );

  const many = read.length > 1;
  const problems: string[] = [];
  for (const r of read) {
    if (r.error !== undefined) problems.push(`${r.name}: not read: ${r.error}`);
    for (const failure of r.plans?.failures ?? []) {
      problems.push(`${many ? `${r.name} ` : ''}${failure.subject}: cannot read: ${failure.error}`);
    }
  }
  for (const result of results ?? []) {
    if (result.status !== 'FAILED') continue;
    const { plan } = result;
    const subject = plan.repository ?? `template:${plan.templatePrefix ?? ''}`;
    problems.push(
      `${many ? `${plan.account}/${plan.region} ` : ''}${subject}: remediation failed: ${result.error ?? ''}`,
    );
  }
  for (const line of problems) io.stderr.write(`${line}\n`);
  io.stderr.write(`${summary(read, plans.length, results, options.history)}\n`);
  return problems.length > 0 ? EXIT.INPUT : EXIT.OK;
}

/** The summary line on stderr. */
function summary(
  read: readonly ReadOutcome[],
  planned: number,
  results: readonly ApplyResult[] | null,
  history: boolean,
): string {
  const all = read.flatMap((r) => (r.plans ? [r.plans] : []));
  const sum = (count: (p: RegistryPlans) => number) => all.reduce((n, p) => n + count(p), 0);
  const where =
    read.length === 1
      ? `in ${read[0]?.name}`
      : `in ${all.length} of ${read.length} account-regions`;
  const tightened = sum((p) => p.tightened);
  const parts = [
    `ecr-tag-auditor: compared ${sum((p) => p.templates)} templates and ${sum((p) => p.repositories)} repositories ${where} (${sum((p) => p.ignored)} ignored, ${sum((p) => p.equal)} equal)`,
    `${planned} change(s) planned${tightened > 0 ? `, ${tightened} tightened not planned (--include-tightened)` : ''}`,
  ];
  if (results === null) {
    parts.push(
      `dry run: nothing changed (--apply applies the plan)${history ? '' : '; no --state: overwrite counts unknown'}`,
    );
  } else {
    const equal = results.filter((r) => r.status === 'EQUAL').length;
    parts.push(`applied ${results.length}: ${equal} EQUAL, ${results.length - equal} failed`);
  }
  return parts.join('; ');
}
