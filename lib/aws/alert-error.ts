/**
 * The failure of alert delivery: SNS or EventBridge refused or failed a finding, and the
 * invocation must fail so that it is retried (lib/aws/alerts.ts).
 *
 * @module
 */

/**
 * A finding could not be delivered; the invocation must fail so that it is retried. What was not
 * delivered is stored as pending on its ledger item first ({@link AlertDeliveryError.deferred}).
 *
 * @example
 * ```ts
 * throw new AlertDeliveryError(`could not publish ${finding.id}: ${error.message}`, { cause: error });
 * ```
 */
export class AlertDeliveryError extends Error {
  override readonly name: string = 'AlertDeliveryError';
  /** Findings stored as pending on their ledger items before this error was thrown. */
  deferred = 0;
}
