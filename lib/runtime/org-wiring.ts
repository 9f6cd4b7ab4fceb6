/**
 * Where the organization scan meets the multi-account building blocks (issue 11): the member
 * registry (lib/aws/member-registry.ts), the organization's accounts
 * (lib/aws/organization-accounts.ts) and the planner (lib/core/org/plan.ts). Until they are
 * merged, the first two fail with an OrgWiringError naming what is missing — a deployed
 * organization scan then reports every item as failed, never as clean — and the plan is the plain
 * product of accounts and regions.
 *
 * @module
 */
import type { OrgWorkItem } from '../core/org/item-result.ts';
import type { MemberRegistryFactory } from './org-item.ts';
import type { AccountLister, PlanItems } from './org-plan.ts';
import type { OrgSettings } from './org-settings.ts';

/** A building block of the organization scan is not wired in yet. */
export class OrgWiringError extends Error {
  override readonly name = 'OrgWiringError';
}

/**
 * The registry of a member account-region, through the role `settings.scanRoleName`.
 *
 * @example
 * ```ts
 * const registryFor = memberRegistryFactory(settings);
 * ```
 */
export function memberRegistryFactory(settings: OrgSettings): MemberRegistryFactory {
  return async (item) => {
    throw new OrgWiringError(
      `cannot assume ${settings.scanRoleName} in ${item.account}/${item.region}: lib/aws/member-registry.ts is not wired in`,
    );
  };
}

/**
 * The organization's active accounts.
 *
 * @example
 * ```ts
 * const accounts = await accountLister()();
 * ```
 */
export function accountLister(): AccountLister {
  return async () => {
    throw new OrgWiringError('lib/aws/organization-accounts.ts is not wired in');
  };
}

/**
 * Accounts × regions, as one batch.
 *
 * @example
 * ```ts
 * planItems(['111122223333'], ['eu-west-1']); // [[{ account: '111122223333', region: 'eu-west-1' }]]
 * ```
 */
export const planItems: PlanItems = (accounts, regions) => [
  accounts.flatMap((account) => regions.map((region): OrgWorkItem => ({ account, region }))),
];
