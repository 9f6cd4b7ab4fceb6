/**
 * The optional Security Hub import of the central stack (docs/securityhub.md): deployed only when
 * the `securityHubMinSeverity` parameter (CloudFormation parameter `SecurityHubMinSeverity`) is
 * set. A rule on the stack's bus sends the auditor's finding events at or above that severity —
 * and every drift resolution, which is `INFO` but must reach Security Hub to archive its drift's
 * record — to the `securityhub-import` function.
 *
 * @module
 */
import {
  FINDING_EVENT_DETAIL_TYPE,
  FINDING_EVENT_SOURCE,
} from '../lib/core/delivery/finding-event.ts';
import type { CfnValue } from '../lib/core/deploy/cloudformation.ts';
import { DEFAULT_IMPORT_ROLE_NAME } from '../lib/core/deploy/member-template.ts';
import type { Severity } from '../lib/core/model/findings.ts';

/**
 * The severities lowest first, as lib/core/model/findings.ts orders them (`SEVERITIES`, which
 * test/infra/securityhub.test.ts holds this to): infra/ is bundled for a neutral platform and
 * cannot import that module's `node:crypto`.
 */
const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH'] as const satisfies readonly Severity[];

/** Logical ids and names of the import's resources; `serverless.yml` declares them so. */
export const SECURITY_HUB = {
  /** The function's key in serverless.yml and its bundle. */
  functionKey: 'securityHubImport',
  bundle: 'securityhub-import',
  lambda: 'SecurityHubImportLambdaFunction',
  logGroup: 'SecurityHubImportLogGroup',
  role: 'SecurityHubImportRole',
  rule: 'SecurityHubImportRule',
  permission: 'SecurityHubImportPermission',
  /** The stack parameter: empty (no import) or the lowest severity imported. */
  parameter: 'SecurityHubMinSeverity',
  /** True when the parameter is set: every resource of the import carries it. */
  condition: 'SecurityHubImport',
  /** The role the function assumes in member accounts (the member template creates it). */
  importRoleName: DEFAULT_IMPORT_ROLE_NAME,
} as const;

/** The condition true when the parameter is exactly `severity`. */
const fromCondition = (severity: Severity) =>
  `SecurityHubFrom${severity.charAt(0)}${severity.slice(1).toLowerCase()}`;

/** The severities lowest first but the lowest: a condition each (the lowest is the fallback). */
const ABOVE_LOWEST = SEVERITIES.slice(1);

/**
 * The stack's conditions of the import: {@link SECURITY_HUB}.condition, and one per severity
 * above `INFO` (`SecurityHubFromLow`, …) that the rule's pattern chooses its severities by.
 *
 * @example
 * ```ts
 * securityHubConditions().SecurityHubImport; // { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SecurityHubMinSeverity' }, ''] }] }
 * ```
 */
export function securityHubConditions(): Record<string, unknown> {
  const parameter = { Ref: SECURITY_HUB.parameter };
  return {
    [SECURITY_HUB.condition]: { 'Fn::Not': [{ 'Fn::Equals': [parameter, ''] }] },
    ...Object.fromEntries(
      ABOVE_LOWEST.map((s) => [fromCondition(s), { 'Fn::Equals': [parameter, s] }]),
    ),
  };
}

/** The severities at or above the parameter, chosen by CloudFormation (nested `Fn::If`). */
function severitiesAtOrAbove(): unknown {
  let value: unknown = [...SEVERITIES];
  for (const severity of ABOVE_LOWEST) {
    const atOrAbove = SEVERITIES.slice(SEVERITIES.indexOf(severity));
    value = { 'Fn::If': [fromCondition(severity), atOrAbove, value] };
  }
  return value;
}

/**
 * The rule's event pattern: the auditor's finding events put by this stack's own account (the
 * organization's accounts may put events on the bus, and any of them could use this source:
 * docs/eventbridge.md), at or above the parameter's severity, or drift resolutions.
 */
function securityHubPattern() {
  return {
    source: [FINDING_EVENT_SOURCE],
    'detail-type': [FINDING_EVENT_DETAIL_TYPE],
    account: [{ Ref: 'AWS::AccountId' }],
    detail: {
      $or: [{ severity: severitiesAtOrAbove() }, { kind: ['CONFIG_DRIFT_RESOLVED'] }],
    },
  };
}

/** What the stack parameter accepts: empty (no import) or a severity. */
export const SECURITY_HUB_PARAMETER_VALUES = ['', ...SEVERITIES] as const;

/**
 * The rule on the stack's bus (`<stack>-securityhub-import`): its target the function, retried
 * by EventBridge for up to 24 hours, then dead-lettered to the failure queue like every rule's.
 */
export function securityHubRule(eventBus: string, failureQueue: string) {
  return {
    Type: 'AWS::Events::Rule',
    Condition: SECURITY_HUB.condition,
    Properties: {
      Name: { 'Fn::Sub': `\${AWS::StackName}-${SECURITY_HUB.bundle}` },
      Description: 'ecr-tag-auditor findings to the Security Hub import',
      EventBusName: { Ref: eventBus },
      EventPattern: securityHubPattern(),
      State: 'ENABLED',
      Targets: [
        {
          Id: SECURITY_HUB.bundle,
          Arn: { 'Fn::GetAtt': [SECURITY_HUB.lambda, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [failureQueue, 'Arn'] } },
        },
      ],
    },
  };
}

/** EventBridge may invoke the function for that rule only. */
export function securityHubPermission() {
  return {
    Type: 'AWS::Lambda::Permission',
    Condition: SECURITY_HUB.condition,
    Properties: {
      FunctionName: { 'Fn::GetAtt': [SECURITY_HUB.lambda, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [SECURITY_HUB.rule, 'Arn'] } satisfies CfnValue,
    },
  };
}
