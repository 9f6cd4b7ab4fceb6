/**
 * The organization scan's first state, `Plan`: the accounts — the static list of the settings, or
 * every active account of the organization — times the configured regions, written to the stack's
 * bucket as the items the Distributed Map reads (`ItemReader`); the state's output is only where
 * they are, so that no plan is too large for the 256 KiB Step Functions passes between states
 * (docs/organization-scan.md).
 *
 * @module
 */
import { planKey } from '../core/org/bucket-layout.ts';
import type { OrgWorkItem } from '../core/org/item-result.ts';
import type { OrgSettings } from './org-settings.ts';

/** Lists the organization's active accounts (wired to lib/aws/organization-accounts.ts). */
export type AccountLister = () => Promise<readonly string[]>;

/** Plans the items: accounts × regions, in batches (wired to lib/core/org/plan.ts). */
export type PlanItems = (
  accounts: readonly string[],
  regions: readonly string[],
) => readonly (readonly OrgWorkItem[])[];

/** Writes the items as one JSON array object at `key` (wired to lib/aws/org-scan-bucket.ts). */
export type PlanWriter = (key: string, items: readonly OrgWorkItem[]) => Promise<void>;

/** The Plan function was not given its execution's name. */
export class InvalidPlanInputError extends Error {
  override readonly name = 'InvalidPlanInputError';
}

/** The plan: where the Map state reads its items (`ItemReader`), and its concurrency. */
export interface OrgPlan {
  readonly bucket: string;
  readonly key: string;
  /** Items written. */
  readonly count: number;
  readonly accounts: number;
  /** The Map state's concurrency (its `MaxConcurrencyPath`). */
  readonly maxConcurrency: number;
}

/** What org-plan needs besides its settings. */
export interface OrgPlanDeps {
  readonly bucket: string;
  readonly listAccounts: AccountLister;
  readonly plan: PlanItems;
  readonly write: PlanWriter;
}

/**
 * Plans one run (`event`: `{ execution }`, the execution's name, which names the plan's key).
 *
 * @example
 * ```ts
 * await orgPlan({ accounts: ['111122223333'], regions: ['eu-west-1'], scanRoleName: 'r', maxConcurrency: 20 },
 *   { bucket: 'b', listAccounts: async () => [], plan: planItems, write }, { execution: 'run-1' });
 * // { bucket: 'b', key: 'plans/run-1.json', count: 1, accounts: 1, maxConcurrency: 20 }
 * ```
 */
export async function orgPlan(
  settings: OrgSettings,
  deps: OrgPlanDeps,
  event: unknown,
): Promise<OrgPlan> {
  const execution = (event as { execution?: unknown } | null)?.execution;
  if (typeof execution !== 'string') {
    throw new InvalidPlanInputError(
      'expected { execution } (the execution name) from the state machine',
    );
  }
  const key = planKey(execution);
  const accounts =
    settings.accounts.length > 0 ? [...settings.accounts] : [...(await deps.listAccounts())];
  const items = deps.plan(accounts, settings.regions).flat();
  await deps.write(key, items);
  return {
    bucket: deps.bucket,
    key,
    count: items.length,
    accounts: accounts.length,
    maxConcurrency: settings.maxConcurrency,
  };
}
