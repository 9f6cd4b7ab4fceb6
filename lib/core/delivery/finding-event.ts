/**
 * A finding as an EventBridge event on the auditor's bus (docs/eventbridge.md): `source`
 * {@link FINDING_EVENT_SOURCE}, `detail-type` {@link FINDING_EVENT_DETAIL_TYPE}, `detail` the
 * finding JSON exactly as docs/findings.md documents it — so that a rule can route findings on
 * any of their fields, as AWS's own security services publish theirs. The one definition of
 * these strings: the runtime puts them (lib/aws/finding-events.ts), the stack's IAM allows only
 * them (infra/iam.ts), the tests check both.
 *
 * @module
 */
import type { Finding } from '../model/findings.ts';

/**
 * The `source` of every finding event. Not `aws.*` (EventBridge reserves those for AWS), and not
 * the `aws.ecr` of the events the auditor reads, so that no rule of the auditor's own can match
 * what it puts.
 */
export const FINDING_EVENT_SOURCE = 'ecr-tag-auditor';

/** The `detail-type` of every finding event. */
export const FINDING_EVENT_DETAIL_TYPE = 'ECR Tag Audit Finding';

/**
 * One PutEvents entry, in the shape of the SDK's `PutEventsRequestEntry` (the core imports no
 * SDK). No `Time` (EventBridge stamps the put; the finding carries its own `eventTime`) and no
 * `Resources`.
 */
export interface FindingEventEntry {
  readonly Source: typeof FINDING_EVENT_SOURCE;
  readonly DetailType: typeof FINDING_EVENT_DETAIL_TYPE;
  readonly Detail: string;
  readonly EventBusName: string;
}

/**
 * The PutEvents entry of `finding` on the bus `eventBus` (a name or an ARN).
 *
 * @example
 * ```ts
 * findingEventEntry(finding, 'arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events');
 * // { Source: 'ecr-tag-auditor', DetailType: 'ECR Tag Audit Finding', Detail: '{"id":…}', EventBusName: 'arn:…' }
 * ```
 */
export function findingEventEntry(finding: Finding, eventBus: string): FindingEventEntry {
  return {
    Source: FINDING_EVENT_SOURCE,
    DetailType: FINDING_EVENT_DETAIL_TYPE,
    Detail: JSON.stringify(finding),
    EventBusName: eventBus,
  };
}
