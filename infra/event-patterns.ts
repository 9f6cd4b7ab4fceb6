/**
 * The EventBridge routing of ecr-tag-auditor, defined once: `serverless.yml` reads these
 * constants (through `infra/serverless-values.cjs`) and the tests check them against the AWS
 * sample events with {@link matchesPattern}.
 *
 * @module
 */

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
  source: ['aws.ecr'],
  'detail-type': ['ECR Image Action'],
  detail: {
    'action-type': ['PUSH', 'DELETE'],
    result: ['SUCCESS'],
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
  source: ['aws.ecr'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ecr.amazonaws.com'],
    eventName: [
      'PutImage',
      'BatchDeleteImage',
      'CreateRepository',
      'DeleteRepository',
      'PutImageTagMutability',
      'CreateRepositoryCreationTemplate',
      'UpdateRepositoryCreationTemplate',
      'DeleteRepositoryCreationTemplate',
    ],
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
 * EventBridge's matching for the subset of patterns above: every field of the pattern must be
 * present in the event; a value list matches when the event's value (or, for an array in the
 * event, any of its elements) equals one of the listed values; a nested pattern object matches
 * a nested event object, recursively. A field absent from the event never matches, and fields of
 * the event that the pattern does not name are ignored.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  for (const [field, expected] of Object.entries(pattern)) {
    if (!Object.hasOwn(event, field)) return false;
    const actual = event[field];
    if (isValueList(expected)) {
      const candidates = Array.isArray(actual) ? actual : [actual];
      if (!candidates.some((value) => isScalar(value) && expected.includes(value))) return false;
    } else if (!matchesPattern(expected, actual)) {
      return false;
    }
  }
  return true;
}

function isValueList(value: PatternValues | EventPattern): value is PatternValues {
  return Array.isArray(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}
