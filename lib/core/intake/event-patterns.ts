/**
 * The EventBridge event patterns of ecr-tag-auditor, derived from the intake's catalogue
 * (catalogue.ts) so that EventBridge routes exactly what the intake audits. One definition for
 * every place that routes events: the central stack's rules on the default bus and on the
 * organization bus (`serverless.yml`, through infra/), and the forwarding rules of the member
 * template (lib/core/deploy/member-template.ts). The tests check them against the AWS sample
 * events and the documented list of audited calls.
 *
 * @module
 */
import {
  AUDITED_API_CALLS,
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  ECR_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
  IMAGE_ACTION_SUCCESS,
  IMAGE_ACTION_TYPES,
} from './catalogue.ts';

/** A leaf of an event pattern: the event field must equal one of these values. */
export type PatternValues = readonly (string | number | boolean | null)[];

/**
 * An EventBridge event pattern, restricted to the subset this project uses: exact-value lists
 * and nested objects (no prefix/suffix/anything-but/numeric/exists operators, no `$or`).
 */
export interface EventPattern {
  readonly [field: string]: PatternValues | EventPattern;
}

/**
 * ECR Image Action events (`source: aws.ecr`, `detail-type: ECR Image Action`) for successful
 * pushes and deletes. ECR emits them "on a best effort basis" and without the previous digest,
 * which is why the ledger and the scheduled scan exist. `FAILURE` results are not routed: a
 * refused overwrite is seen through CloudTrail (`PutImage` with `errorCode`), not here.
 */
export const IMAGE_ACTION_PATTERN = {
  source: [ECR_SOURCE],
  'detail-type': [IMAGE_ACTION_DETAIL_TYPE],
  detail: {
    'action-type': IMAGE_ACTION_TYPES,
    result: [IMAGE_ACTION_SUCCESS],
  },
} as const satisfies EventPattern;

/**
 * The ECR API calls that change tags or tag-mutability settings, as CloudTrail delivers them to
 * EventBridge (`detail-type: AWS API Call via CloudTrail`; this needs a CloudTrail trail in the
 * account and region). Failed calls are routed too, on purpose: a `PutImage` that failed with
 * `ImageTagAlreadyExistsException` is the `OVERWRITE_BLOCKED` finding. Read-only calls
 * (`Describe*`, `List*`, `BatchGetImage`) are not routed, so they never invoke a function.
 */
export const API_CALL_PATTERN = {
  source: [ECR_SOURCE],
  'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
  detail: {
    eventSource: [ECR_EVENT_SOURCE],
    eventName: AUDITED_API_CALLS,
  },
} as const satisfies EventPattern;
