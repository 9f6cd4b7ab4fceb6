/**
 * The plan of an organization-wide scan: every account in every region is one work item, and
 * the items are cut into batches small enough to travel as one Step Functions payload (its
 * limit is 256 KiB, docs/cli.md#scanning-several-accounts). Pure: no clock, no I/O.
 *
 * @module
 */
import { BatchLimitError, InvalidWorkItemError } from './errors.ts';

/** One account in one region: what one scan covers. */
export interface WorkItem {
  /** The 12-digit account id. */
  readonly account: string;
  /** The region, e.g. `eu-west-1`. */
  readonly region: string;
}

/** The Step Functions payload limit (256 KiB), the default largest batch. */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

/** How {@link planWorkItems} batches. */
export interface PlanOptions {
  /** The most bytes a batch's JSON (UTF-8) may have; default {@link DEFAULT_MAX_BATCH_BYTES}. */
  readonly maxBatchBytes?: number;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const UTF8 = new TextEncoder();

/**
 * Every account × region pair, sorted by account then region, each once, in batches whose JSON
 * (`JSON.stringify(batch)`) has at most `maxBatchBytes` bytes. Each batch is as full as the
 * limit allows; no batch is empty. Throws {@link InvalidWorkItemError} for an account or region
 * that is not one, {@link BatchLimitError} when one item alone exceeds the limit.
 *
 * @example
 * ```ts
 * planWorkItems(['222222222222', '111111111111'], ['us-east-1', 'eu-west-1']);
 * // [[{ account: '111111111111', region: 'eu-west-1' }, { account: '111111111111', region: 'us-east-1' },
 * //   { account: '222222222222', region: 'eu-west-1' }, { account: '222222222222', region: 'us-east-1' }]]
 * ```
 */
export function planWorkItems(
  accounts: readonly string[],
  regions: readonly string[],
  options: PlanOptions = {},
): WorkItem[][] {
  const limit = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  for (const account of accounts) {
    if (!ACCOUNT.test(account)) throw new InvalidWorkItemError('account', account);
  }
  for (const region of regions) {
    if (!REGION.test(region)) throw new InvalidWorkItemError('region', region);
  }
  const sortedAccounts = [...new Set(accounts)].sort();
  const sortedRegions = [...new Set(regions)].sort();
  const batches: WorkItem[][] = [];
  let batch: WorkItem[] = [];
  // `[` and `]`, then each item, with a comma before all but the first.
  let bytes = 2;
  for (const account of sortedAccounts) {
    for (const region of sortedRegions) {
      const item: WorkItem = { account, region };
      const size = UTF8.encode(JSON.stringify(item)).length;
      if (2 + size > limit) throw new BatchLimitError(limit, 2 + size);
      const added = batch.length === 0 ? size : size + 1;
      if (bytes + added > limit) {
        batches.push(batch);
        batch = [];
        bytes = 2 + size;
      } else {
        bytes += added;
      }
      batch.push(item);
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
