/**
 * Where the organization scan's state functions meet the multi-account building blocks: the
 * member registry (lib/aws/member-registry.ts), the organization's accounts
 * (lib/aws/organization-accounts.ts) and the planner (lib/core/org/plan.ts).
 *
 * @module
 */
import { createOrganizationsClient } from '../aws/clients.ts';
import { createMemberRegistry } from '../aws/member-registry.ts';
import { listActiveAccounts } from '../aws/organization-accounts.ts';
import { planWorkItems } from '../core/org/plan.ts';
import type { MemberRegistryFactory } from './org-item.ts';
import type { AccountLister, PlanItems } from './org-plan.ts';
import type { OrgSettings } from './org-settings.ts';

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
