/**
 * The values `serverless.yml` takes from TypeScript, assembled in one object
 * ({@link serverlessValues}) that `infra/serverless-values.cjs` hands to the framework's
 * `${file(...)}` variables, plus the logical ids and function names both sides agree on.
 *
 * @module
 */

import { FINDING_EVENT_SOURCE } from '../lib/core/delivery/finding-event.ts';
import { remediationScopes } from '../lib/core/deploy/remediation-scope.ts';
import type { Policy } from '../lib/core/policy/types.ts';
import {
  EVENT_BUS_SUFFIX,
  eventBusPolicyProperties,
  findingSourceGuardProperties,
  ORGANIZATION_ID_PATTERN,
  ORGANIZATION_RULE_SUFFIX,
} from './event-bus.ts';
import {
  API_CALL_PATTERN,
  IMAGE_ACTION_PATTERN,
  ORG_SCAN_SCHEDULE,
  SCAN_SCHEDULE,
} from './event-patterns.ts';
import {
  alertsTopicKeyProperties,
  alertsTopicPolicyProperties,
  apiCallStatements,
  type CfnValue,
  failureQueuePolicyProperties,
  imageActionStatements,
  lambdaRoleProperties,
  listAccountsStatement,
  orgItemStatements,
  orgPlanStatements,
  orgScanStateMachineStatements,
  orgSummaryStatements,
  type StackRefs,
  scheduledScanStatements,
  securityHubImportStatements,
  serviceRoleProperties,
} from './iam.ts';
import {
  ORG_SCAN_BUCKET,
  orgScanBucketPolicyProperties,
  orgScanBucketProperties,
  PLAN_OBJECTS_ARN,
  RESULT_OBJECTS_ARN,
} from './org-scan-bucket.ts';
import { ORG_SCAN_SUBSTITUTIONS, orgScanDefinition } from './org-scan-state-machine.ts';
import {
  SECURITY_HUB,
  SECURITY_HUB_PARAMETER_VALUES,
  securityHubConditions,
  securityHubPermission,
  securityHubRule,
} from './securityhub.ts';
import { LEDGER_TABLE } from './table.ts';

/** Logical ids of the resources `serverless.yml` declares. */
export const LOGICAL_IDS = {
  table: 'LedgerTable',
  topic: 'AlertsTopic',
  topicPolicy: 'AlertsTopicPolicy',
  failureQueue: 'FailureQueue',
  failureQueuePolicy: 'FailureQueuePolicy',
  failureQueueAlarm: 'FailureQueueAlarm',
  topicKey: 'AlertsTopicKey',
  eventBus: 'OrganizationEventBus',
  eventBusPolicy: 'OrganizationEventBusPolicy',
  findingSourceGuard: 'OrganizationEventBusFindingSourceGuard',
} as const satisfies Record<string, string>;

/** The CloudFormation parameter holding the organization id (empty: a single account). */
const ORGANIZATION_ID_PARAMETER = 'OrganizationId';

const REFS: StackRefs = {
  table: LOGICAL_IDS.table,
  topic: LOGICAL_IDS.topic,
  failureQueue: LOGICAL_IDS.failureQueue,
  topicKey: LOGICAL_IDS.topicKey,
  eventBus: LOGICAL_IDS.eventBus,
};

/** The alarms' names: `<stack name>-<suffix>` (serverless.yml names each alarm so). */
export const ALARM_SUFFIXES = ['failures'] as const;

/** The ARN of an alarm this stack names `<stack name>-<suffix>`. */
export function stackAlarmArn(suffix: string): CfnValue {
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${AWS::StackName}-${suffix}`,
  };
}

/**
 * The functions: key in `serverless.yml`, bundle (`dist/handlers/<bundle>.mjs`), the logical ids
 * the framework derives from the key (`<Key>LogGroup`, `<Key>LambdaFunction`) and the role
 * declared in `serverless.yml`, and the suffix of the EventBridge rule name
 * (`<stack name>-<bundle>`).
 */
export const FUNCTIONS = {
  imageAction: {
    bundle: 'image-action',
    role: 'ImageActionRole',
    logGroup: 'ImageActionLogGroup',
    lambda: 'ImageActionLambdaFunction',
  },
  apiCall: {
    bundle: 'api-call',
    role: 'ApiCallRole',
    logGroup: 'ApiCallLogGroup',
    lambda: 'ApiCallLambdaFunction',
  },
  scheduledScan: {
    bundle: 'scheduled-scan',
    role: 'ScheduledScanRole',
    logGroup: 'ScheduledScanLogGroup',
    lambda: 'ScheduledScanLambdaFunction',
  },
} as const;

/**
 * The organization scan's functions (docs/organization-scan.md), invoked by its state machine
 * only: the same fields as {@link FUNCTIONS}.
 */
export const ORG_FUNCTIONS = {
  orgPlan: {
    bundle: 'org-plan',
    role: 'OrgPlanRole',
    logGroup: 'OrgPlanLogGroup',
    lambda: 'OrgPlanLambdaFunction',
  },
  orgItem: {
    bundle: 'org-item',
    role: 'OrgItemRole',
    logGroup: 'OrgItemLogGroup',
    lambda: 'OrgItemLambdaFunction',
  },
  orgSummary: {
    bundle: 'org-summary',
    role: 'OrgSummaryRole',
    logGroup: 'OrgSummaryLogGroup',
    lambda: 'OrgSummaryLambdaFunction',
  },
} as const;

/** The organization scan's resources besides its functions, and the name of its scan role. */
export const ORG_SCAN = {
  stateMachine: 'OrgScanStateMachine',
  /** The state machine's name: `<stack name>-<suffix>`, as the rule's. */
  suffix: 'org-scan',
  stateMachineRole: 'OrgScanStateMachineRole',
  logGroup: 'OrgScanLogGroup',
  scheduleRule: 'OrgScanScheduleRule',
  scheduleRole: 'OrgScanScheduleRole',
  /** The bucket of the plans and the Map runs' results, and its policy. */
  bucket: ORG_SCAN_BUCKET.bucket,
  bucketPolicy: ORG_SCAN_BUCKET.policy,
  /** The role org-item assumes in every member account (deployed there with this name). */
  scanRoleName: 'ecr-tag-auditor-scan',
} as const;

/** The conditions `serverless.yml` declares for the organization scan. */
export const ORG_SCAN_CONDITIONS = {
  /** No static account list: every active account of the organization is scanned. */
  organizationMode: 'OrganizationMode',
  /** The schedule rule is enabled (parameter `orgScan: 'true'`). */
  enabled: 'OrgScanEnabled',
} as const;

/** The key of a function in `serverless.yml`. */
export type FunctionKey = keyof typeof FUNCTIONS;

/**
 * The ARN of an EventBridge rule this stack names `<stack name>-<suffix>` (serverless.yml sets
 * each rule's `name` to `${self:provider.stackName}-<suffix>`); with `onOrganizationBus`, the
 * rule is on the organization bus (`rule/<bus name>/<rule name>`).
 *
 * @example
 * ```ts
 * stackRuleArn('api-call-org', true);
 * // { 'Fn::Sub': 'arn:${AWS::Partition}:events:…:rule/${AWS::StackName}-events/${AWS::StackName}-api-call-org' }
 * ```
 */
export function stackRuleArn(suffix: string, onOrganizationBus = false): CfnValue {
  const bus = onOrganizationBus ? `\${AWS::StackName}-${EVENT_BUS_SUFFIX}/` : '';
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${bus}\${AWS::StackName}-${suffix}`,
  };
}

/**
 * Every EventBridge rule of the stack — the two event rules on the default bus, the same two on
 * the organization bus, and the scan's schedule — each of which dead-letters what it cannot
 * deliver to the failure queue.
 */
const RULE_ARNS = [
  stackRuleArn(FUNCTIONS.imageAction.bundle),
  stackRuleArn(FUNCTIONS.apiCall.bundle),
  stackRuleArn(FUNCTIONS.scheduledScan.bundle),
  stackRuleArn(ORG_SCAN.suffix),
  stackRuleArn(`${FUNCTIONS.imageAction.bundle}-${ORGANIZATION_RULE_SUFFIX}`, true),
  stackRuleArn(`${FUNCTIONS.apiCall.bundle}-${ORGANIZATION_RULE_SUFFIX}`, true),
  // Only with the Security Hub import; admitting a rule that does not exist admits nothing.
  stackRuleArn(SECURITY_HUB.bundle, true),
];

/** The roles that may publish to the alerts topic: every function's but org-plan's. */
const PUBLISHER_ROLES = [
  ...Object.values(FUNCTIONS).map((f) => f.role),
  ORG_FUNCTIONS.orgItem.role,
  ORG_FUNCTIONS.orgSummary.role,
];

/**
 * Everything `serverless.yml` reads through `${file(./infra/serverless-values.cjs):<name>}`.
 * `policy` is the one the build validated and inlined into the bundles (dist/policy.json): its
 * rules with `remediate: true` are what `api-call` may write (none without it).
 */
export function serverlessValues(policy?: Policy) {
  return {
    imageActionPattern: IMAGE_ACTION_PATTERN,
    apiCallPattern: API_CALL_PATTERN,
    scanSchedule: SCAN_SCHEDULE,
    ledgerTable: LEDGER_TABLE,
    alertsTopicPolicy: alertsTopicPolicyProperties(
      LOGICAL_IDS.topic,
      PUBLISHER_ROLES.map((role) => ({ 'Fn::GetAtt': [role, 'Arn'] }) as const),
      ALARM_SUFFIXES.map(stackAlarmArn),
    ),
    alertsTopicKey: alertsTopicKeyProperties(ALARM_SUFFIXES.map(stackAlarmArn)),
    failureQueuePolicy: failureQueuePolicyProperties(LOGICAL_IDS.failureQueue, RULE_ARNS),
    orgScan: orgScanValues(),
    securityHub: securityHubValues(),
    organizationIdPattern: ORGANIZATION_ID_PATTERN,
    eventBusPolicy: eventBusPolicyProperties(LOGICAL_IDS.eventBus, ORGANIZATION_ID_PARAMETER),
    findingSourceGuard: findingSourceGuardProperties(LOGICAL_IDS.eventBus, FINDING_EVENT_SOURCE),
    roles: {
      imageAction: lambdaRoleProperties(
        'ecr-tag-auditor image-action: ledger read/write, publish alerts, put finding events',
        imageActionStatements({ ...REFS, logGroup: FUNCTIONS.imageAction.logGroup }),
      ),
      apiCall: lambdaRoleProperties(
        'ecr-tag-auditor api-call: ledger read/write/delete, publish alerts, put finding events',
        apiCallStatements(
          { ...REFS, logGroup: FUNCTIONS.apiCall.logGroup },
          policy ? remediationScopes(policy) : [],
        ),
      ),
      scheduledScan: lambdaRoleProperties(
        'ecr-tag-auditor scheduled-scan: describe ECR, ledger read/write, publish alerts, put finding events',
        scheduledScanStatements({ ...REFS, logGroup: FUNCTIONS.scheduledScan.logGroup }),
      ),
    },
  };
}

/**
 * What `serverless.yml` reads of the Security Hub import (`securityHub.<name>`); the stack
 * parameter takes the osls parameter `securityHubMinSeverity` as its default there.
 */
function securityHubValues() {
  return {
    importRoleName: SECURITY_HUB.importRoleName,
    parameterValues: [...SECURITY_HUB_PARAMETER_VALUES],
    conditions: securityHubConditions(),
    rule: securityHubRule(LOGICAL_IDS.eventBus, LOGICAL_IDS.failureQueue),
    permission: securityHubPermission(),
    role: lambdaRoleProperties(
      'ecr-tag-auditor securityhub-import: import findings into Security Hub, assume the member import role',
      securityHubImportStatements(
        { logGroup: SECURITY_HUB.logGroup, failureQueue: LOGICAL_IDS.failureQueue },
        SECURITY_HUB.importRoleName,
      ),
    ),
  };
}

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as const;

/** What `serverless.yml` reads of the organization scan (`orgScan.<name>`). */
function orgScanValues() {
  return {
    schedule: ORG_SCAN_SCHEDULE,
    scanRoleName: ORG_SCAN.scanRoleName,
    bucket: orgScanBucketProperties(),
    bucketPolicy: orgScanBucketPolicyProperties(),
    stateMachine: {
      StateMachineName: { 'Fn::Sub': `\${AWS::StackName}-${ORG_SCAN.suffix}` },
      StateMachineType: 'STANDARD',
      RoleArn: arnOf(ORG_SCAN.stateMachineRole),
      Definition: orgScanDefinition(),
      DefinitionSubstitutions: {
        [ORG_SCAN_SUBSTITUTIONS.plan]: arnOf(ORG_FUNCTIONS.orgPlan.lambda),
        [ORG_SCAN_SUBSTITUTIONS.item]: arnOf(ORG_FUNCTIONS.orgItem.lambda),
        [ORG_SCAN_SUBSTITUTIONS.summary]: arnOf(ORG_FUNCTIONS.orgSummary.lambda),
      },
      LoggingConfiguration: {
        Level: 'ERROR',
        // The items name accounts and regions only; the results hold no secrets either, but the
        // execution history keeps them already.
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arnOf(ORG_SCAN.logGroup) } }],
      },
    },
    roles: {
      stateMachine: serviceRoleProperties(
        'states.amazonaws.com',
        'ecr-tag-auditor org-scan state machine: invoke its three functions, run its Map, read plans and write results',
        orgScanStateMachineStatements(
          Object.values(ORG_FUNCTIONS).map((f) => arnOf(f.lambda)),
          ORG_SCAN.suffix,
          { plans: PLAN_OBJECTS_ARN, results: RESULT_OBJECTS_ARN },
        ),
      ),
      schedule: serviceRoleProperties(
        'events.amazonaws.com',
        'ecr-tag-auditor org-scan schedule: start the state machine',
        [
          {
            Sid: 'StartOrgScan',
            Effect: 'Allow',
            Action: ['states:StartExecution'],
            Resource: [{ Ref: ORG_SCAN.stateMachine }],
          },
        ],
      ),
      orgPlan: orgPlanRoleProperties(),
      orgItem: lambdaRoleProperties(
        'ecr-tag-auditor org-item: assume the member scan role, ledger read/write, publish alerts, put finding events',
        orgItemStatements(
          { ...REFS, logGroup: ORG_FUNCTIONS.orgItem.logGroup },
          ORG_SCAN.scanRoleName,
        ),
      ),
      orgSummary: lambdaRoleProperties(
        'ecr-tag-auditor org-summary: publish the organization summary',
        orgSummaryStatements(
          { ...REFS, logGroup: ORG_FUNCTIONS.orgSummary.logGroup },
          RESULT_OBJECTS_ARN,
        ),
      ),
    },
  };
}

/**
 * org-plan's role: its logs, plus `organizations:ListAccounts` only in organization mode (the
 * stack's `OrganizationMode` condition: no static account list given).
 */
function orgPlanRoleProperties() {
  const base = lambdaRoleProperties(
    'ecr-tag-auditor org-plan: its logs (and, in organization mode, the accounts)',
    orgPlanStatements({ logGroup: ORG_FUNCTIONS.orgPlan.logGroup }, PLAN_OBJECTS_ARN),
  );
  return {
    ...base,
    Policies: [
      ...base.Policies,
      {
        'Fn::If': [
          ORG_SCAN_CONDITIONS.organizationMode,
          {
            PolicyName: 'list-organization-accounts',
            PolicyDocument: { Version: '2012-10-17', Statement: [listAccountsStatement()] },
          },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ],
  };
}
