/**
 * The EventBridge routing of ecr-tag-auditor: `serverless.yml` reads these constants (through
 * `infra/serverless-values.cjs`). The patterns are derived from the intake's catalogue
 * (lib/core/intake/catalogue.ts), so that EventBridge routes exactly what the intake audits; the
 * tests check them against the AWS sample events and the documented list of audited calls.
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
} from '../lib/core/intake/catalogue.ts';

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

/**
 * How often the scheduled scan reads every repository and creation template
 * (`DescribeRepositories`, `DescribeImages`, `DescribeRepositoryCreationTemplates`).
 *
 * The events are the fast path; the scan is the safety net for what they miss: ECR Image Action
 * events are best effort, CloudTrail events need a trail and can be delayed, and a function can
 * fail. Six hours bounds how long a missed change stays unseen while keeping the read load low:
 * AWS publishes no TPS quota for the Describe calls (they throttle with `ThrottlingException`),
 * and four full passes a day stay far away from throttling even in large registries and cost
 * next to nothing. Drift does not need minute resolution; overwrites are caught by the events.
 */
export const SCAN_SCHEDULE = 'rate(6 hours)';

/**
 * When the organization scan's state machine runs (docs/organization-scan.md): daily — every
 * account-region of the organization is one Lambda invocation, and the events keep the ledger
 * current in between.
 */
export const ORG_SCAN_SCHEDULE = 'rate(1 day)';
