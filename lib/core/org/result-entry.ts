/**
 * One child execution as the Distributed Map's `ResultWriter` records it in a result file
 * (`SUCCEEDED_n.json`, `FAILED_n.json`; Developer Guide, "ResultWriter (Map)"), turned into the
 * item's result: a succeeded child's `Output` is the item function's result (or the `Catch`'s
 * failed result); a failed child — one the `Catch` could not turn into a result, such as a
 * timed-out or aborted execution — becomes a failed result naming its input's account-region.
 * Pure.
 *
 * @module
 */
import type { OrgItemResult } from './item-result.ts';

/** A result-file entry that is not a child execution the summary understands. */
class InvalidResultEntryError extends Error {
  override readonly name = 'InvalidResultEntryError';
}

/** The fields of a result-file entry the summary reads (others: ARNs, dates, redrive status). */
export interface ResultEntry {
  readonly Status?: unknown;
  /** The child's input, as JSON text. */
  readonly Input?: unknown;
  /** The child's output, as JSON text (a succeeded child). */
  readonly Output?: unknown;
  /** The error and cause (a failed, timed-out or aborted child). */
  readonly Error?: unknown;
  readonly Cause?: unknown;
}

/** Whether `value` is one item's result as org-item returns it or the Catch state shapes it. */
function isItemResult(value: unknown): value is OrgItemResult {
  const r = value as Partial<OrgItemResult> | null;
  return (
    typeof r?.account === 'string' &&
    typeof r.region === 'string' &&
    (r.status === 'FAILED' ||
      (r.status === 'SCANNED' && typeof r.findings === 'number' && typeof r.counts === 'object'))
  );
}

function parse(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw new InvalidResultEntryError(`no ${what}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidResultEntryError(`${what} is not JSON`);
  }
}

/**
 * The item's result of one entry.
 *
 * @example
 * ```ts
 * resultOfEntry({ Status: 'FAILED', Input: '{"account":"111122223333","region":"eu-west-1"}',
 *   Error: 'States.Timeout', Cause: '' });
 * // { status: 'FAILED', account: '111122223333', region: 'eu-west-1', error: 'States.Timeout', cause: '' }
 * ```
 */
export function resultOfEntry(entry: ResultEntry): OrgItemResult {
  if (entry.Status === 'SUCCEEDED') {
    const output = parse(entry.Output, 'Output');
    if (!isItemResult(output)) throw new InvalidResultEntryError('Output is not an item result');
    return output;
  }
  const input = parse(entry.Input, 'Input') as { account?: unknown; region?: unknown } | null;
  if (typeof input?.account !== 'string' || typeof input.region !== 'string') {
    throw new InvalidResultEntryError('Input is not an account-region');
  }
  return {
    status: 'FAILED',
    account: input.account,
    region: input.region,
    error: typeof entry.Error === 'string' ? entry.Error : String(entry.Status ?? 'FAILED'),
    cause: typeof entry.Cause === 'string' ? entry.Cause : '',
  };
}
