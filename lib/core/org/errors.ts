/**
 * The failures of planning an organization-wide scan, one class per kind.
 *
 * @module
 */

/**
 * An account id or region the planner cannot make a work item of: an account is 12 digits, a
 * region is lower-case words and a number (`eu-west-1`, `us-gov-east-1`).
 *
 * @example
 * ```ts
 * throw new InvalidWorkItemError('account', '12345');
 * ```
 */
export class InvalidWorkItemError extends Error {
  override readonly name = 'InvalidWorkItemError';
  /** Which part is wrong. */
  readonly part: 'account' | 'region';
  /** The value refused. */
  readonly value: string;

  /**
   * @param part - `account` or `region`.
   * @param value - the value refused.
   * @param options - the underlying error, if any.
   */
  constructor(part: 'account' | 'region', value: string, options?: ErrorOptions) {
    super(
      part === 'account'
        ? `not an AWS account id (12 digits): "${value}"`
        : `not an AWS region name: "${value}"`,
      options,
    );
    this.part = part;
    this.value = value;
  }
}

/**
 * A byte limit so small that one work item alone exceeds it: no batching can respect it.
 *
 * @example
 * ```ts
 * throw new BatchLimitError(64, 70);
 * ```
 */
export class BatchLimitError extends Error {
  override readonly name = 'BatchLimitError';

  /**
   * @param limit - the limit asked for, in bytes.
   * @param needed - the bytes of a batch of the largest single item.
   * @param options - the underlying error, if any.
   */
  constructor(limit: number, needed: number, options?: ErrorOptions) {
    super(
      `a batch limit of ${limit} bytes is below one work item's batch (${needed} bytes)`,
      options,
    );
  }
}
