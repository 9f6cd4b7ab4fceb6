/**
 * `ecr-tag-auditor scan`: the scheduled scan, run from a terminal against a live account with
 * the default credential chain.
 *
 * @module
 */
import { createScanEcrClient } from '../aws/clients.ts';
import { createEcrRegistry } from '../aws/ecr-registry.ts';
import { createAuditor } from '../core/engine/auditor.ts';
import { createMemoryLedger, type MemoryLedger } from '../core/engine/memory-ledger.ts';
import { findingsOf } from '../core/model/delivery.ts';
import type { Policy } from '../core/policy/types.ts';
import { runScan } from '../core/scan/scan.ts';
import { SILENT } from '../core/telemetry.ts';
import { loadPolicy } from '../io/policy/load.ts';
import { type LoadedStateFile, loadStateFile } from '../io/state-file.ts';
import {
  ACCOUNT_SCOPE_OPTIONS,
  type AccountScope,
  accountRegions,
  accountScope,
} from './account-scope.ts';
import { parseCommandArgs } from './args.ts';
import {
  FINDINGS_OUTPUT_HELP,
  FINDINGS_OUTPUT_OPTIONS,
  findingsExitCode,
  findingsOutput,
  printFindings,
} from './findings-output.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';
import { itemName, scanAccountRegions } from './scan-accounts.ts';

/** Help text of `scan`. */
export const SCAN_HELP = `Usage: ecr-tag-auditor scan --policy FILE [options]

Scans a live registry: every repository and repository creation template is compared with the
policy, and every tag's digest with the ledger (--state), so that overwrites no event reported
are found. A tag that moved since the state was saved is reported once, by the run that finds
it; a drift is reported by every run while it lasts. Uses the default AWS credential chain
(environment, profile, SSO, instance role) and needs ecr:DescribeRepositories,
ecr:DescribeImages and ecr:DescribeRepositoryCreationTemplates.

Options:
  --policy FILE            the policy (YAML or JSON); required
  --region REGION          the region to scan (default: AWS_REGION or the profile's region)
  --state FILE             load the tag ledger from FILE (if it exists) and save it back (not
                           saved, exit 2, if another run saved FILE meanwhile); without it every
                           tag is new and only drift can be found
  --concurrency N          repositories scanned at once, 1-64 (default 4); with --accounts or
                           --organization: account-regions scanned at once (each scans 4
                           repositories at a time)
${FINDINGS_OUTPUT_HELP}  -h, --help               show this help

Several accounts (the role must exist in each, trusting the caller; sts:AssumeRole needed):
  --accounts FILE          the accounts to scan: one 12-digit id a line, # comments
  --organization           the organization's ACTIVE accounts (organizations:ListAccounts, from
                           the management account or a delegated administrator)
  --role-name NAME         the role assumed in each account (arn:aws:iam::ACCOUNT:role/NAME);
                           required with --accounts or --organization
  --regions R1,R2          the regions to scan in each account (default: --region, else
                           AWS_REGION or the profile's region)

A progress indicator goes to stderr on a terminal, and a summary line at the end; across
accounts, without a terminal, one line per account-region as it finishes.
Exit codes: 0 done, 1 a finding at or above --fail-on, 2 usage, policy, state-file, accounts-file
or credentials error, 3 some repositories or account-regions could not be scanned (the rest were;
their findings are printed).
`;

/** Runs `scan`. */
export async function scanCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('scan', argv, {
    policy: { type: 'string' },
    region: { type: 'string' },
    state: { type: 'string' },
    concurrency: { type: 'string' },
    ...ACCOUNT_SCOPE_OPTIONS,
    ...FINDINGS_OUTPUT_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(SCAN_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0) throw new UsageError(`scan: unexpected argument "${positionals[0]}"`);
  if (!values.policy) throw new UsageError('scan: --policy FILE is required');
  const output = findingsOutput('scan', values);
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(
      `scan: --concurrency must be a whole number from 1 to 64 (got "${values.concurrency}")`,
    );
  }

  const scope = accountScope('scan', values);

  const policy = await loadPolicy(values.policy);
  const stateFile = values.state ? await loadStateFile(values.state) : undefined;
  const ledger = createMemoryLedger(stateFile?.state);
  const ecr = createScanEcrClient(values.region ? { region: values.region } : {});
  let region: string;
  try {
    region = await ecr.config.region();
  } catch {
    ecr.destroy();
    throw new UsageError('scan: no region: pass --region or set AWS_REGION');
  }
  if (scope !== null) {
    ecr.destroy();
    return scanAccounts(io, { policy, ledger, stateFile, output, concurrency, region, scope });
  }
  const progress = io.stderr.isTTY === true;
  let report: Awaited<ReturnType<typeof runScan>>;
  try {
    report = await runScan({
      registry: createEcrRegistry(ecr),
      policy,
      auditor: createAuditor(policy, ledger),
      region,
      concurrency,
      now: () => new Date(),
      // No alert log to deliver a lost alert through: a move is reported by the run that finds it.
      recheckRecordedMoves: false,
      ...SILENT,
      onProgress: progress
        ? (done, total) => io.stderr.write(`\rScanning repositories: ${done}/${total}`)
        : undefined,
    });
  } catch (error) {
    throw new UsageError(
      `scan: cannot list the registry in ${region}: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    ecr.destroy();
  }
  if (progress) io.stderr.write('\n');

  for (const failure of report.failures)
    io.stderr.write(`${failure.repository}: scan failed: ${failure.error}\n`);
  const findings = findingsOf(report.findings);
  const shown = printFindings(io, findings, output, {
    state: ledger.state,
    generatedAt: new Date().toISOString(),
  });
  io.stderr.write(
    `ecr-tag-auditor: scanned ${report.repositories} repositories (${report.ignored} ignored, ${report.failures.length} failed), ${report.templates} templates, ${report.tags} tags in ${report.account}/${report.region}; ${findings.length} finding(s), ${shown.length} at ${output.minSeverity} or above\n`,
  );
  // Saved after printing, so that a state file that cannot be written loses no findings.
  // Refused (exit 2) when another run saved the file since it was loaded: never lost silently.
  await stateFile?.save(ledger.state);
  return findingsExitCode(findings, output, report.failures.length > 0);
}

/** What `scan` across accounts runs with, once its options are checked. */
interface ScanAccountsRun {
  readonly policy: Policy;
  readonly ledger: MemoryLedger;
  readonly stateFile: LoadedStateFile | undefined;
  readonly output: ReturnType<typeof findingsOutput>;
  readonly concurrency: number;
  /** The client's region: the default of `--regions`, and Organizations' signing region. */
  readonly region: string;
  readonly scope: AccountScope;
}

/** `scan --accounts FILE | --organization`: every account-region, with the role assumed in each. */
async function scanAccounts(io: CliIO, run: ScanAccountsRun): Promise<number> {
  const items = await accountRegions('scan', run.scope, run.region);

  const outcomes = await scanAccountRegions({
    items,
    roleName: run.scope.roleName,
    policy: run.policy,
    auditor: createAuditor(run.policy, run.ledger),
    concurrency: run.concurrency,
    repositoryConcurrency: 4,
    io,
  });

  const reports = outcomes.flatMap((o) => (o.report ? [o.report] : []));
  const notScanned = outcomes.filter((o) => o.report === undefined);
  if (io.stderr.isTTY === true) {
    for (const o of notScanned) io.stderr.write(`${itemName(o.item)}: not scanned: ${o.error}\n`);
  }
  for (const report of reports) {
    for (const failure of report.failures) {
      io.stderr.write(
        `${report.account}/${report.region} ${failure.repository}: scan failed: ${failure.error}\n`,
      );
    }
  }
  const findings = findingsOf(reports.flatMap((r) => r.findings));
  const shown = printFindings(io, findings, run.output, {
    state: run.ledger.state,
    generatedAt: new Date().toISOString(),
  });
  const sum = (count: (r: (typeof reports)[number]) => number) =>
    reports.reduce((total, r) => total + count(r), 0);
  const failed = sum((r) => r.failures.length);
  io.stderr.write(
    `ecr-tag-auditor: scanned ${reports.length} of ${items.length} account-regions: ${sum((r) => r.repositories)} repositories (${sum((r) => r.ignored)} ignored, ${failed} failed), ${sum((r) => r.templates)} templates, ${sum((r) => r.tags)} tags; ${findings.length} finding(s), ${shown.length} at ${run.output.minSeverity} or above\n`,
  );
  if (notScanned.length > 0) {
    io.stderr.write(
      `ecr-tag-auditor: ${notScanned.length} account-region(s) not scanned: ${notScanned.map((o) => itemName(o.item)).join(', ')}\n`,
    );
  }
  // Saved after printing, as for one account; the account-regions not scanned keep their state.
  await run.stateFile?.save(run.ledger.state);
  return findingsExitCode(findings, run.output, failed > 0 || notScanned.length > 0);
}
