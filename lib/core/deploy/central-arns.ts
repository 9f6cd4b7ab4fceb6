/**
 * What the member template accepts as the central stack's ARNs, by the project's one ARN grammar
 * (lib/core/model/arn.ts): an EventBridge event bus of one account and region, and an IAM role.
 *
 * @module
 */
import { parseArn } from '../model/arn.ts';

/**
 * True when `text` is the ARN of an EventBridge event bus (`arn:…:events:REGION:ACCOUNT:event-bus/NAME`).
 *
 * @example
 * ```ts
 * isEventBusArn('arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events'); // true
 * isEventBusArn('arn:aws:events:eu-west-1:111122223333:rule/x'); // false
 * ```
 */
export function isEventBusArn(text: string): boolean {
  const arn = parseArn(text);
  return (
    arn !== null &&
    arn.service === 'events' &&
    arn.region !== '' &&
    arn.account !== '' &&
    /^event-bus\/[A-Za-z0-9._-]+$/.test(arn.resource)
  );
}

/**
 * True when `text` is the ARN of an IAM role (`arn:…:iam::ACCOUNT:role/[PATH/]NAME`).
 *
 * @example
 * ```ts
 * isRoleArn('arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-ScheduledScanRole-AbC'); // true
 * isRoleArn('arn:aws:iam::111122223333:user/dev'); // false
 * ```
 */
export function isRoleArn(text: string): boolean {
  const arn = parseArn(text);
  return (
    arn !== null &&
    arn.service === 'iam' &&
    arn.region === '' &&
    arn.account !== '' &&
    /^role\/(?:[A-Za-z0-9+=,.@_-]+\/)*[A-Za-z0-9+=,.@_-]{1,64}$/.test(arn.resource)
  );
}
