/**
 * The organization scan's first state, `Plan`: the accounts — the static list of the settings, or
 * every active account of the organization — times the configured regions, as the items the
 * Distributed Map runs (docs/organization-scan.md).
 *
 * @module
 */
import type { OrgWorkItem } from '../core/org/item-result.ts';
import type { OrgSettings } from './org-settings.ts';

/** Lists the organization's active accounts (wired to lib/aws/organization-accounts.ts). */
export type AccountLister = () => Promise<readonly string[]>;

/** Plans the items: accounts × regions, in batches (wired to lib/core/org/plan.ts). */
export type PlanItems = (
  accounts: readonly string[],
  regions: readonly string[],
) => readonly (readonly OrgWorkItem[])[];

/**
 * The largest plan passed to the Map state inline, in bytes of JSON: Step Functions passes at most
 * 256 KiB between states, and the state's input holds a little more than the items.
 */
export const PLAN_PAYLOAD_LIMIT_BYTES = 200_000;

/** The plan does not fit in a state's payload (docs/organization-scan.md#limits). */
export class PlanTooLargeError extends Error {
  override readonly name = 'PlanTooLargeError';
}

/** The plan: what the Map state iterates over (`$.items`). */
export interface OrgPlan {
  readonly accounts: number;
  /** The Map state's concurrency (its `MaxConcurrencyPath`). */
  readonly maxConcurrency: number;
  readonly items: readonly OrgWorkItem[];
}

/**
 * Plans one run. Throws a PlanTooLargeError when the items would not fit in the state payload,
 * rather than let Step Functions fail the execution with `States.DataLimitExceeded`.
 *
 * @example
 * ```ts
 * await orgPlan({ accounts: ['111122223333'], regions: ['eu-west-1'], scanRoleName: 'r', maxConcurrency: 20 },
 *   { listAccounts: async () => [], plan: (a, r) => [a.flatMap((account) => r.map((region) => ({ account, region })))] });
 * // { accounts: 1, maxConcurrency: 20, items: [{ account: '111122223333', region: 'eu-west-1' }] }
 * ```
 */
export async function orgPlan(
  settings: OrgSettings,
  deps: { readonly listAccounts: AccountLister; readonly plan: PlanItems },
): Promise<OrgPlan> {
  const accounts =
    settings.accounts.length > 0 ? [...settings.accounts] : [...(await deps.listAccounts())];
  const items = deps.plan(accounts, settings.regions).flat();
  const bytes = new TextEncoder().encode(JSON.stringify(items)).length;
  if (bytes > PLAN_PAYLOAD_LIMIT_BYTES) {
    throw new PlanTooLargeError(
      `${items.length} items (${bytes} bytes) exceed the ${PLAN_PAYLOAD_LIMIT_BYTES} bytes a plan may pass to the Map state`,
    );
  }
  return { accounts: accounts.length, maxConcurrency: settings.maxConcurrency, items };
}
