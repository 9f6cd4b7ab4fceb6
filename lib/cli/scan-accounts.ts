/**
 * `scan` across accounts (`--accounts`, `--organization`): each account in each region is
 * scanned with a role assumed in that account, several account-regions at once; one that cannot
 * be scanned never stops the others (docs/cli.md#scanning-several-accounts).
 *
 * @module
 */
import { createMemberRegistry, type MemberRegistry } from '../aws/member-registry.ts';
import { createRegionalStsClients } from '../aws/regional-sts-clients.ts';
import type { Auditor } from '../core/engine/auditor.ts';
import { forEachLimited } from '../core/limited.ts';
import { findingsOf } from '../core/model/delivery.ts';
import type { WorkItem } from '../core/org/plan.ts';
import type { Policy } from '../core/policy/types.ts';
import { runScan, type ScanReport } from '../core/scan/scan.ts';
import { SILENT } from '../core/telemetry.ts';
import type { CliIO } from './io.ts';

/** How one account-region ended: its report, or why it could not be scanned. */
export type AccountRegionOutcome =
  | { readonly item: WorkItem; readonly report: ScanReport; readonly error?: undefined }
  | { readonly item: WorkItem; readonly report?: undefined; readonly error: string };

/** What {@link scanAccountRegions} needs. */
export interface ScanAccountsOptions {
  readonly items: readonly WorkItem[];
  /** The role assumed in every account. */
  readonly roleName: string;
  readonly policy: Policy;
  /** One auditor over one ledger for all: the ledger keys by account and region. */
  readonly auditor: Auditor;
  /** Account-regions scanned at once. */
  readonly concurrency: number;
  /** Repositories scanned at once within an account-region. */
  readonly repositoryConcurrency: number;
  /** Where the progress goes (stderr). */
  readonly io: CliIO;
  /**
   * Opens an account-region's registry; default {@link createMemberRegistry}, with one STS client
   * per region for the run.
   */
  readonly open?: (item: WorkItem, roleName: string) => Promise<MemberRegistry>;
}

/**
 * `account/region`, as the CLI names an account-region.
 *
 * @example
 * ```ts
 * itemName({ account: '111111111111', region: 'eu-west-1' }); // '111111111111/eu-west-1'
 * ```
 */
export function itemName(item: WorkItem): string {
  return `${item.account}/${item.region}`;
}

/**
 * Scans every account-region, {@link ScanAccountsOptions.concurrency} at once, and returns their
 * outcomes in the order of `items`. Progress goes to stderr: on a terminal one live line, else
 * one line per account-region as it finishes.
 *
 * @example
 * ```ts
 * const outcomes = await scanAccountRegions({ items, roleName: 'audit', policy, auditor,
 *   concurrency: 4, repositoryConcurrency: 4, io });
 * ```
 */
export async function scanAccountRegions(
  options: ScanAccountsOptions,
): Promise<AccountRegionOutcome[]> {
  const { items, io } = options;
  // One STS client per region for the run (the caller's credentials resolved once), unless the
  // caller opens the registries itself.
  const sts = options.open ? undefined : createRegionalStsClients();
  const open =
    options.open ??
    ((item: WorkItem, roleName: string) =>
      createMemberRegistry({
        account: item.account,
        region: item.region,
        roleName,
        ...(sts ? { sts: sts.of } : {}),
      }));
  const live = io.stderr.isTTY === true;
  const outcomes = new Map<WorkItem, AccountRegionOutcome>();
  let done = 0;
  const finish = (outcome: AccountRegionOutcome) => {
    outcomes.set(outcome.item, outcome);
    done++;
    if (live) {
      io.stderr.write(`\rScanning account-regions: ${done}/${items.length}`);
    } else {
      io.stderr.write(`${itemName(outcome.item)}: ${describeOutcome(outcome)}\n`);
    }
  };
  try {
    await scanEach(items, options, open, finish);
  } finally {
    sts?.destroy();
  }
  if (live && items.length > 0) io.stderr.write('\n');
  return items.map((item) => outcomes.get(item) as AccountRegionOutcome);
}

/** Scans every account-region, {@link ScanAccountsOptions.concurrency} at once. */
async function scanEach(
  items: readonly WorkItem[],
  options: ScanAccountsOptions,
  open: NonNullable<ScanAccountsOptions['open']>,
  finish: (outcome: AccountRegionOutcome) => void,
): Promise<void> {
  await forEachLimited(items, options.concurrency, async (item) => {
    let registry: MemberRegistry;
    try {
      registry = await open(item, options.roleName);
    } catch (error) {
      finish({ item, error: (error as Error).message });
      return;
    }
    try {
      const report = await runScan({
        registry,
        policy: options.policy,
        auditor: options.auditor,
        account: item.account,
        region: item.region,
        concurrency: options.repositoryConcurrency,
        now: () => new Date(),
        // No alert log to deliver a lost alert through: a move is reported by the run that finds it.
        recheckRecordedMoves: false,
        ...SILENT,
      });
      finish({ item, report });
    } catch (error) {
      finish({ item, error: `cannot list the registry: ${(error as Error).message}` });
    } finally {
      registry.destroy();
    }
  });
}

/** One account-region's line of progress. */
function describeOutcome(outcome: AccountRegionOutcome): string {
  const { report } = outcome;
  if (!report) return `not scanned: ${outcome.error}`;
  return `${report.repositories} repositories (${report.ignored} ignored, ${report.failures.length} failed), ${report.templates} templates, ${report.tags} tags; ${findingsOf(report.findings).length} finding(s)`;
}
