/**
 * The organization scan's item, run by each child execution of the Distributed Map: the scan of
 * one account in one region, through the member scan role, into the central ledger, with its
 * alerts delivered as the scheduled scan delivers them, and a compact result for the summary.
 *
 * @module
 */
import { itemResult, type OrgItemScanned, type OrgWorkItem } from '../core/org/item-result.ts';
import type { Registry } from '../core/scan/registry.ts';
import type { Composition } from './compose.ts';
import { isWorkItem } from './org-settings.ts';
import { scanAndAlert } from './scan-run.ts';

/** The registry of a member account-region, read through its scan role (wired to lib/aws/member-registry.ts). */
export type MemberRegistryFactory = (item: OrgWorkItem) => Promise<Registry>;

/** The item function was given something else than an account and a region. */
export class InvalidWorkItemError extends Error {
  override readonly name = 'InvalidWorkItemError';
}

/**
 * Scans one item until `deadline` (the next run continues after it: the cursor is per
 * account-region). What fails — the role cannot be assumed, ECR throttles beyond the retries,
 * alerts cannot be delivered — rejects with the error as is: the state machine retries what is
 * transient and turns the rest into a failed result (docs/organization-scan.md).
 *
 * @example
 * ```ts
 * await orgItem(composition, registryFor, { account: '111122223333', region: 'eu-west-1' }, deadline);
 * // { status: 'SCANNED', account: '111122223333', region: 'eu-west-1', counts: {}, … }
 * ```
 */
export async function orgItem(
  composition: Composition,
  registryFor: MemberRegistryFactory,
  item: unknown,
  deadline?: Date,
): Promise<OrgItemScanned> {
  if (!isWorkItem(item)) {
    throw new InvalidWorkItemError(`not an account and a region: ${JSON.stringify(item)}`);
  }
  const registry = await registryFor({ account: item.account, region: item.region });
  const { report, alerts } = await scanAndAlert(composition, {
    registry,
    account: item.account,
    region: item.region,
    ...(deadline === undefined ? {} : { deadline }),
  });
  composition.log.info('Organization item scanned', {
    account: item.account,
    region: item.region,
    repositories: report.repositories,
    covered: report.covered,
    findings: report.findings.length,
    failures: report.failures.length,
    alertsPublished: alerts.published,
  });
  return itemResult(report, alerts.published);
}
