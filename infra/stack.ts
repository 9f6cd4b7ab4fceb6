/**
 * The values `serverless.yml` takes from TypeScript, assembled in one object
 * ({@link serverlessValues}) that `infra/serverless-values.cjs` hands to the framework's
 * `${file(...)}` variables, plus the logical ids and function names both sides agree on.
 *
 * @module
 */
import {
  EVENT_BUS_SUFFIX,
  eventBusPolicyProperties,
  ORGANIZATION_ID_PATTERN,
  ORGANIZATION_RULE_SUFFIX,
} from './event-bus.ts';
import { API_CALL_PATTERN, IMAGE_ACTION_PATTERN, SCAN_SCHEDULE } from './event-patterns.ts';
import {
  alertsTopicKeyProperties,
  alertsTopicPolicyProperties,
  apiCallStatements,
  type CfnValue,
  failureQueuePolicyProperties,
  imageActionStatements,
  lambdaRoleProperties,
  type StackRefs,
  scheduledScanStatements,
} from './iam.ts';
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
} as const satisfies Record<string, string>;

/** The CloudFormation parameter holding the organization id (empty: a single account). */
const ORGANIZATION_ID_PARAMETER = 'OrganizationId';

const REFS: StackRefs = {
  table: LOGICAL_IDS.table,
  topic: LOGICAL_IDS.topic,
  failureQueue: LOGICAL_IDS.failureQueue,
  topicKey: LOGICAL_IDS.topicKey,
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
  stackRuleArn(`${FUNCTIONS.imageAction.bundle}-${ORGANIZATION_RULE_SUFFIX}`, true),
  stackRuleArn(`${FUNCTIONS.apiCall.bundle}-${ORGANIZATION_RULE_SUFFIX}`, true),
];

/** Everything `serverless.yml` reads through `${file(./infra/serverless-values.cjs):<name>}`. */
export function serverlessValues() {
  return {
    imageActionPattern: IMAGE_ACTION_PATTERN,
    apiCallPattern: API_CALL_PATTERN,
    scanSchedule: SCAN_SCHEDULE,
    ledgerTable: LEDGER_TABLE,
    alertsTopicPolicy: alertsTopicPolicyProperties(
      LOGICAL_IDS.topic,
      Object.values(FUNCTIONS).map((f) => ({ 'Fn::GetAtt': [f.role, 'Arn'] }) as const),
      ALARM_SUFFIXES.map(stackAlarmArn),
    ),
    alertsTopicKey: alertsTopicKeyProperties(ALARM_SUFFIXES.map(stackAlarmArn)),
    failureQueuePolicy: failureQueuePolicyProperties(LOGICAL_IDS.failureQueue, RULE_ARNS),
    organizationIdPattern: ORGANIZATION_ID_PATTERN,
    eventBusPolicy: eventBusPolicyProperties(LOGICAL_IDS.eventBus, ORGANIZATION_ID_PARAMETER),
    roles: {
      imageAction: lambdaRoleProperties(
        'ecr-tag-auditor image-action: ledger read/write, publish alerts',
        imageActionStatements({ ...REFS, logGroup: FUNCTIONS.imageAction.logGroup }),
      ),
      apiCall: lambdaRoleProperties(
        'ecr-tag-auditor api-call: ledger read/write/delete, publish alerts',
        apiCallStatements({ ...REFS, logGroup: FUNCTIONS.apiCall.logGroup }),
      ),
      scheduledScan: lambdaRoleProperties(
        'ecr-tag-auditor scheduled-scan: describe ECR, ledger read/write, publish alerts',
        scheduledScanStatements({ ...REFS, logGroup: FUNCTIONS.scheduledScan.logGroup }),
      ),
    },
  };
}
