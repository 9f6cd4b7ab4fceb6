/**
 * Where the organization scan's state functions meet the multi-account building blocks: the
 * member registry (lib/aws/member-registry.ts), the organization's accounts
 * (lib/aws/organization-accounts.ts), the planner (lib/core/org/plan.ts) and the organization
 * scan's bucket (lib/aws/org-scan-bucket.ts).
 *
 * @module
 */
import { createOrganizationsClient, createS3Client } from '../aws/clients.ts';
import { createMemberRegistry } from '../aws/member-registry.ts';
import { putJsonArray, readResultEntries } from '../aws/org-scan-bucket.ts';
import { listActiveAccounts } from '../aws/organization-accounts.ts';
import { planWorkItems } from '../core/org/plan.ts';
import type { MemberRegistryFactory } from './org-item.ts';
import type { AccountLister, PlanItems, PlanWriter } from './org-plan.ts';
import type { OrgSettings } from './org-settings.ts';
import type { ResultReader } from './org-summary.ts';

/**
 * The registry of a member account-region, through the role `settings.scanRoleName`, assumed
 * once at the region's STS endpoint.
 *
 * @example
 * ```ts
 * const registry = await memberRegistryFactory(settings)({ account, region });
 * ```
 */
export function memberRegistryFactory(settings: OrgSettings): MemberRegistryFactory {
  return (item) =>
    createMemberRegistry({
      account: item.account,
      region: item.region,
      roleName: settings.scanRoleName,
    });
}

/**
 * The organization's active accounts (`organizations:ListAccounts`).
 *
 * @example
 * ```ts
 * const accounts = await accountLister()();
 * ```
 */
export function accountLister(): AccountLister {
  return () => listActiveAccounts(createOrganizationsClient());
}

/**
 * Accounts × regions, sorted, de-duplicated and batched under the state payload limit.
 *
 * @example
 * ```ts
 * planItems(['111122223333'], ['eu-west-1']); // [[{ account: '111122223333', region: 'eu-west-1' }]]
 * ```
 */
export const planItems: PlanItems = (accounts, regions) => planWorkItems(accounts, regions);

/**
 * Writes a plan's items to the organization scan's bucket.
 *
 * @example
 * ```ts
 * await planWriter('bucket')('plans/run-1.json', items);
 * ```
 */
export function planWriter(bucket: string): PlanWriter {
  const s3 = createS3Client();
  return (key, items) => putJsonArray(s3, bucket, key, items);
}

/**
 * Reads the entries of a Map run's results from the organization scan's bucket.
 *
 * @example
 * ```ts
 * for await (const entry of resultReader()({ Bucket, Key })) count++;
 * ```
 */
export function resultReader(): ResultReader {
  const s3 = createS3Client();
  return (details) => readResultEntries(s3, details);
}
