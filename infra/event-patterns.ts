/**
 * The EventBridge routing of the central stack: `serverless.yml` reads these constants (through
 * `infra/serverless-values.cjs`). The event patterns themselves are defined in the core
 * (lib/core/intake/event-patterns.ts), where the member template reads them too.
 *
 * @module
 */
export { API_CALL_PATTERN, IMAGE_ACTION_PATTERN } from '../lib/core/intake/event-patterns.ts';

/**
 * How often the scheduled scan reads every repository and creation template
 * (`DescribeRepositories`, `ListImages`, `DescribeRepositoryCreationTemplates`).
 *
 * The events are the fast path; the scan is the safety net for what they miss: ECR Image Action
 * events are best effort, CloudTrail events need a trail and can be delayed, and a function can
 * fail. Six hours bounds how long a missed change stays unseen while keeping the read load low:
 * AWS publishes no TPS quota for these calls (they throttle with `ThrottlingException`),
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
