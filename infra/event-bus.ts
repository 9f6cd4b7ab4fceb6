/**
 * The central stack's organization bus: where the member accounts' forwarding rules deliver
 * (docs/organization.md). Its policy lets every account of one AWS Organization, and no other,
 * put events on it — the form AWS documents for an organization: principal `*` with the
 * organization id as `aws:PrincipalOrgID` in the condition (EventBridge API Reference,
 * PutPermission; CloudFormation, AWS::Events::EventBusPolicy). Without an organization id the
 * stack creates no policy: a bus without one accepts only its own account's events.
 *
 * @module
 */
import type { CfnValue } from '../lib/core/deploy/cloudformation.ts';

/**
 * What the `OrganizationId` parameter accepts: empty (no organization: single account) or an
 * AWS Organizations id, `o-` and 10 to 32 lower-case letters or digits (the Organizations API's
 * pattern for an organization id).
 *
 * @example
 * ```ts
 * new RegExp(ORGANIZATION_ID_PATTERN).test('o-a1b2c3d4e5'); // true
 * ```
 */
export const ORGANIZATION_ID_PATTERN = '^(o-[a-z0-9]{10,32})?$';

/**
 * The bus's name: `<stack name>-<suffix>`.
 *
 * @example
 * ```ts
 * `ecr-tag-auditor-prod-${EVENT_BUS_SUFFIX}`; // 'ecr-tag-auditor-prod-events'
 * ```
 */
export const EVENT_BUS_SUFFIX = 'events';

/**
 * The suffix of the rules on the organization bus: `<stack name>-<bundle>-<suffix>`.
 *
 * @example
 * ```ts
 * `ecr-tag-auditor-prod-image-action-${ORGANIZATION_RULE_SUFFIX}`; // '…-image-action-org'
 * ```
 */
export const ORGANIZATION_RULE_SUFFIX = 'org';

/**
 * The `Properties` of the bus's `AWS::Events::EventBusPolicy`: exactly `events:PutEvents` on
 * this bus, for the principals of the organization named by the `organizationId` parameter.
 *
 * @example
 * ```ts
 * eventBusPolicyProperties('OrganizationEventBus', 'OrganizationId');
 * ```
 */
export function eventBusPolicyProperties(bus: string, organizationId: string) {
  const busArn: CfnValue = { 'Fn::GetAtt': [bus, 'Arn'] };
  return {
    EventBusName: { Ref: bus },
    StatementId: 'AllowPutEventsFromTheOrganization',
    Statement: {
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: organizationId } } },
    },
  };
}

/**
 * The `Properties` of the bus's second `AWS::Events::EventBusPolicy`: no account but the stack's
 * own may put events with the auditor's finding source. The organization's accounts may put
 * events on the bus (the statement above), so without it a member account could put a forged
 * finding that consumers routing on `source` would take for the auditor's
 * (docs/eventbridge.md#iam-and-the-bus-policy). An explicit deny in the resource policy wins
 * over any allow of the caller's own IAM.
 *
 * @example
 * ```ts
 * findingSourceGuardProperties('OrganizationEventBus', 'ecr-tag-auditor');
 * ```
 */
export function findingSourceGuardProperties(bus: string, findingSource: string) {
  return {
    EventBusName: { Ref: bus },
    StatementId: 'DenyFindingEventsFromOtherAccounts',
    Statement: {
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [bus, 'Arn'] },
      Condition: {
        StringEquals: { 'events:source': findingSource },
        StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
      },
    },
  };
}
