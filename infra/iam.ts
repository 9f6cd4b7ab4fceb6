/**
 * Least-privilege IAM for the three functions, and the resource policies of the alerts topic and
 * the failure queue, as CloudFormation JSON. Every function has its own role; no statement allows
 * an action with a wildcard, and every resource is scoped to this stack's table, topic, queue,
 * event bus, log group or this account's repositories — with one documented exception,
 * {@link RESOURCE_WILDCARD_EXCEPTIONS}.
 *
 * The functions' logs permissions are here too: with a custom role per function the framework
 * does not add them (it only does so for its shared default role).
 *
 * @module
 */

import {
  FINDING_EVENT_DETAIL_TYPE,
  FINDING_EVENT_SOURCE,
} from '../lib/core/delivery/finding-event.ts';
import type {
  CfnValue,
  PolicyDocument,
  PolicyStatement,
} from '../lib/core/deploy/cloudformation.ts';
import { REMEDIATION_REPOSITORY_ACTIONS } from '../lib/core/deploy/remediation-actions.ts';
import type { RemediationScope } from '../lib/core/deploy/remediation-scope.ts';
import {
  SCAN_REGISTRY_ACTIONS,
  SCAN_REPOSITORY_ACTIONS,
} from '../lib/core/deploy/scan-read-actions.ts';

export type { CfnValue, PolicyStatement };

/** The logical ids of the stack's shared resources the statements point at. */
export interface StackRefs {
  /** The `AWS::DynamoDB::Table` (ledger). */
  readonly table: string;
  /** The `AWS::SNS::Topic` (alerts). */
  readonly topic: string;
  /** The `AWS::SQS::Queue` receiving failed invocations. */
  readonly failureQueue: string;
  /** The `AWS::KMS::Key` the topic is encrypted with. */
  readonly topicKey: string;
  /** The `AWS::Events::EventBus` every finding is put on (the organization bus). */
  readonly eventBus: string;
}

/** {@link StackRefs} plus the function's own `AWS::Logs::LogGroup`. */
export interface FunctionRefs extends StackRefs {
  readonly logGroup: string;
}

/** The log-delivery actions a state machine's role needs to log to CloudWatch Logs. */
const STATES_LOG_DELIVERY = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

/**
 * Actions that must be granted on `Resource: "*"` because they support no resource type: the
 * scan's `ecr:DescribeRepositoryCreationTemplates` (see SCAN_REGISTRY_ACTIONS,
 * lib/core/deploy/scan-read-actions.ts, for the Service Authorization Reference page).
 */
export const RESOURCE_WILDCARD_EXCEPTIONS = [
  ...SCAN_REGISTRY_ACTIONS,
  // Lists the organization's accounts; no resource type ("Actions, resources, and condition keys
  // for AWS Organizations",
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html).
  // Granted to org-plan only, and only in organization mode.
  'organizations:ListAccounts',
  // Step Functions delivers its execution logs through CloudWatch Logs' log-delivery API, whose
  // actions support no resource type; the Developer Guide's "Using CloudWatch Logs to log
  // execution history in Step Functions"
  // (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html) grants them on "*".
  ...STATES_LOG_DELIVERY,
] as const;

/** DynamoDB actions every function needs: read, conditional create and update of ledger items. */
const LEDGER_READ_WRITE = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
] as const;

const getAtt = (logicalId: string, attribute: string): CfnValue => ({
  'Fn::GetAtt': [logicalId, attribute],
});

/** The ARN pattern of this account's repositories in the stack's region. */
export const ACCOUNT_REPOSITORIES_ARN: CfnValue = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
  'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*',
};

/** Writing to the function's own log group, and nothing else of CloudWatch Logs. */
function ownLogsStatement(logGroup: string): PolicyStatement {
  return {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    // The log group's `Arn` attribute ends in `:*`, covering its log streams.
    Resource: [getAtt(logGroup, 'Arn')],
  };
}

function commonStatements(refs: FunctionRefs, ledgerActions: readonly string[]): PolicyStatement[] {
  return [
    ownLogsStatement(refs.logGroup),
    {
      Sid: 'Ledger',
      Effect: 'Allow',
      Action: ledgerActions,
      Resource: [getAtt(refs.table, 'Arn')],
    },
    {
      Sid: 'PublishAlerts',
      Effect: 'Allow',
      Action: ['sns:Publish'],
      Resource: [{ Ref: refs.topic }],
    },
    {
      // Publishing to a topic encrypted with a customer-managed key takes the key's data keys.
      Sid: 'EncryptAlerts',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: [getAtt(refs.topicKey, 'Arn')],
    },
    {
      // Every finding as an event on the stack's bus (docs/eventbridge.md): that bus only, and
      // only with the auditor's own source and detail-type (EventBridge's condition keys for
      // PutEvents), so that these roles cannot pass other events off as anything else.
      Sid: 'PutFindingEvents',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [getAtt(refs.eventBus, 'Arn')],
      Condition: {
        StringEquals: {
          'events:source': FINDING_EVENT_SOURCE,
          'events:detail-type': FINDING_EVENT_DETAIL_TYPE,
        },
      },
    },
    {
      // Lambda sends failed asynchronous invocations to the on-failure destination with the
      // function's own role.
      Sid: 'OnFailureDestination',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [getAtt(refs.failureQueue, 'Arn')],
    },
  ];
}

/**
 * `image-action` (ECR Image Action events): reads and writes tag items — a delete by digest
 * queries the repository's tags — and publishes alerts. It never deletes an item (a deleted tag
 * is a tombstone) and calls no ECR API.
 */
export function imageActionStatements(refs: FunctionRefs): PolicyStatement[] {
  return commonStatements(refs, LEDGER_READ_WRITE);
}

/**
 * `api-call` (CloudTrail events): as `image-action`. A `DeleteRepository` or
 * `DeleteRepositoryCreationTemplate` forgets by rewriting records (what is older than the delete
 * goes, its time stays as a floor — docs/ledger.md), so it deletes no item either. It reads no
 * ECR API for auditing: everything it needs is in the CloudTrail record. Only when the bundled
 * policy has rules with `remediate: true` (`scopes`, lib/core/deploy/remediation-scope.ts) does
 * it get, per such rule, `ecr:PutImageTagMutability` and `ecr:DescribeRepositories` (the check
 * before and the read-back after a restore) on this account's repositories in this region that
 * the rule's globs name — as IAM patterns, which may name more — with the rule's accounts and
 * regions as conditions. Never a template action: templates are not remediated automatically.
 */
export function apiCallStatements(
  refs: FunctionRefs,
  scopes: readonly RemediationScope[] = [],
): PolicyStatement[] {
  return [...commonStatements(refs, LEDGER_READ_WRITE), ...scopes.map(autoRemediationStatement)];
}

/** The statement of one rule with `remediate: true` (see {@link apiCallStatements}). */
function autoRemediationStatement(scope: RemediationScope): PolicyStatement {
  const conditions: Record<string, readonly string[]> = {};
  if (scope.accounts) conditions['aws:ResourceAccount'] = scope.accounts;
  if (scope.regions) conditions['aws:RequestedRegion'] = scope.regions;
  return {
    Sid: `AutoRemediateRule${scope.rule}`,
    Effect: 'Allow',
    Action: [...REMEDIATION_REPOSITORY_ACTIONS, 'ecr:DescribeRepositories'],
    Resource: scope.repositoryPatterns.map((pattern) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
    })),
    ...(Object.keys(conditions).length > 0 ? { Condition: { StringEquals: conditions } } : {}),
  };
}

/**
 * `scheduled-scan`: reads this account's repositories, images and creation templates, records
 * what it sees and publishes alerts. Like every function it gets no `dynamodb:DeleteItem`: a
 * repository that disappeared is forgotten by the `DeleteRepository` event, and the scan only
 * adds or updates.
 */
export function scheduledScanStatements(refs: FunctionRefs): PolicyStatement[] {
  return [
    ...commonStatements(refs, LEDGER_READ_WRITE),
    {
      Sid: 'ReadRepositoriesAndImages',
      Effect: 'Allow',
      Action: [...SCAN_REPOSITORY_ACTIONS],
      Resource: [ACCOUNT_REPOSITORIES_ARN],
    },
    {
      // No resource type exists for this action: see RESOURCE_WILDCARD_EXCEPTIONS.
      Sid: 'DescribeRepositoryCreationTemplates',
      Effect: 'Allow',
      Action: ['ecr:DescribeRepositoryCreationTemplates'],
      Resource: ['*'],
    },
  ];
}

/** The `Properties` of an `AWS::IAM::Role` that only Lambda can assume, with one inline policy. */
export function lambdaRoleProperties(description: string, statements: readonly PolicyStatement[]) {
  return {
    Description: description,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: ['sts:AssumeRole'],
        },
      ],
    },
    Policies: [
      {
        PolicyName: 'least-privilege',
        PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
      },
    ],
  };
}

/**
 * The `Properties` of the alerts topic's `AWS::SNS::TopicPolicy`: only the stack's functions'
 * roles (`publisherRoles`, their ARNs) may publish, and only over TLS. The policy replaces SNS's
 * default one; subscribing and managing the topic stay governed by the principals' own IAM
 * policies (same account).
 *
 * An Allow for the roles is not enough: in the same account, a principal whose own IAM policy
 * allows `sns:Publish` may publish unless a resource policy denies it. So every IAM principal but
 * those roles is denied explicitly (`aws:PrincipalArn`, as IAM recommends over `NotPrincipal`;
 * `aws:PrincipalIsAWSService` keeps the Deny off service principals, which only an Allow here
 * can let in) — any other role could otherwise post unescaped text into Slack. CloudWatch
 * (`cloudwatch.amazonaws.com`) may publish for the given alarms of this account only
 * (`aws:SourceAccount`, `aws:SourceArn`), so that alarms reach the channel.
 *
 * @example
 * ```ts
 * alertsTopicPolicyProperties('AlertsTopic', [{ 'Fn::GetAtt': ['ImageActionRole', 'Arn'] }], []);
 * ```
 */
export function alertsTopicPolicyProperties(
  topic: string,
  publisherRoles: readonly CfnValue[],
  alarmArns: readonly CfnValue[],
) {
  const topicRef: CfnValue = { Ref: topic };
  const statements: PolicyStatement[] = [
    {
      Sid: 'AllowPublishFromTheStackFunctions',
      Effect: 'Allow',
      Principal: { AWS: publisherRoles },
      Action: ['sns:Publish'],
      Resource: [topicRef],
    },
    {
      // The stack's own alarms, and only they (confused deputy: account and alarm ARN).
      Sid: 'AllowPublishFromTheStackAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['sns:Publish'],
      Resource: [topicRef],
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnEquals: { 'aws:SourceArn': alarmArns },
      },
    },
    {
      Sid: 'DenyPublishFromAnyOtherPrincipal',
      Effect: 'Deny',
      Principal: '*',
      Action: ['sns:Publish'],
      Resource: [topicRef],
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': publisherRoles },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    },
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['sns:Publish'],
      Resource: [topicRef],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  return {
    Topics: [topicRef],
    PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
  };
}

/**
 * The `Properties` of the failure queue's `AWS::SQS::QueuePolicy`: EventBridge may send the
 * events it could not deliver to a function (the rules' dead-letter queue), but only for the
 * given rules; nothing may use the queue without TLS. Lambda's on-failure destination needs no
 * statement here: it sends with the function's role, in this account.
 */
export function failureQueuePolicyProperties(queue: string, ruleArns: readonly CfnValue[]) {
  const queueArn = getAtt(queue, 'Arn');
  const statements: PolicyStatement[] = [
    {
      Sid: 'AllowEventBridgeDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [queueArn],
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
    },
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      // A Deny may be broad: every SQS action on this queue requires TLS.
      Action: ['sqs:*'],
      Resource: [queueArn],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  return {
    Queues: [{ Ref: queue }],
    PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
  };
}

/** Key administration, granted to the account (explicit actions: no wildcard anywhere). */
const KEY_ADMINISTRATION = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/**
 * The `Properties` of the alerts topic's `AWS::KMS::Key`. The AWS-managed key `alias/aws/sns`
 * cannot be used by CloudWatch to publish alarms (its policy cannot grant a service principal:
 * "Enable compatibility between event sources from AWS services and encrypted topics", SNS
 * Developer Guide, key management), so the topic has its own key: the account administers it and
 * may let its principals use it through SNS (the functions' roles then hold `kms:GenerateDataKey`
 * and `kms:Decrypt` on it); CloudWatch may use it for the given alarms of this account only.
 *
 * @example
 * ```ts
 * alertsTopicKeyProperties([{ 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:…:alarm:x' }]);
 * ```
 */
export function alertsTopicKeyProperties(alarmArns: readonly CfnValue[]) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
  const account: CfnValue = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' };
  const statements: PolicyStatement[] = [
    {
      Sid: 'AdministerTheKey',
      Effect: 'Allow',
      Principal: { AWS: account },
      Action: [...KEY_ADMINISTRATION],
      Resource: ['*'],
    },
    {
      Sid: 'UseThroughSnsByThisAccount',
      Effect: 'Allow',
      Principal: { AWS: account },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: ['*'],
      Condition: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } },
      },
    },
    {
      Sid: 'UseByTheStackAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: ['*'],
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnEquals: { 'aws:SourceArn': alarmArns },
      },
    },
  ];
  return {
    Description: 'ecr-tag-auditor alerts topic: the functions and the stack alarms publish',
    EnableKeyRotation: true,
    KeyPolicy: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
  };
}

/**
 * `org-plan`: its own logs and writing the plans (`s3:PutObject` on the bucket's plan prefix,
 * nothing else of the bucket); listing the organization's accounts is a separate statement
 * ({@link listAccountsStatement}) the role gets only in organization mode.
 */
export function orgPlanStatements(
  refs: Pick<FunctionRefs, 'logGroup'>,
  planObjectsArn: CfnValue,
): PolicyStatement[] {
  return [
    ownLogsStatement(refs.logGroup),
    {
      Sid: 'WritePlans',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [planObjectsArn],
    },
  ];
}

/** `org-plan` in organization mode: the organization's accounts (no resource type exists). */
export function listAccountsStatement(): PolicyStatement {
  return {
    Sid: 'ListOrganizationAccounts',
    Effect: 'Allow',
    Action: ['organizations:ListAccounts'],
    Resource: ['*'],
  };
}

/**
 * `org-item`: as `scheduled-scan` for the ledger and the alerts (no ECR of its own account: it
 * reads every registry through the member scan role), and `sts:AssumeRole` on the role named
 * `scanRoleName` in any account — of this organization only: `aws:ResourceOrgID` (the role's
 * organization) must equal `${aws:PrincipalOrgID}` (the caller's), the pattern of the IAM User
 * Guide's "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
 * It is invoked synchronously by the state machine, so it sends nothing to the failure queue.
 */
export function orgItemStatements(refs: FunctionRefs, scanRoleName: string): PolicyStatement[] {
  return [
    ...commonStatements(refs, LEDGER_READ_WRITE).filter((s) => s.Sid !== 'OnFailureDestination'),
    assumeOrganizationRoleStatement('AssumeMemberScanRole', scanRoleName),
  ];
}

/**
 * `sts:AssumeRole` on the role named `roleName` in any account of this organization only:
 * `aws:ResourceOrgID` (the role's organization) must equal `${aws:PrincipalOrgID}` (the caller's).
 */
function assumeOrganizationRoleStatement(sid: string, roleName: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: ['sts:AssumeRole'],
    Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleName}` }],
    // `${!…}` is Fn::Sub's escape: CloudFormation writes the policy variable `${aws:PrincipalOrgID}`
    // (which the framework would otherwise take for one of its own variables).
    Condition: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub escape of an IAM policy variable
      StringEquals: { 'aws:ResourceOrgID': { 'Fn::Sub': '${!aws:PrincipalOrgID}' } },
    },
  };
}

/**
 * `org-summary`: its own logs, reading the Map runs' results (`s3:GetObject` on the bucket's
 * results prefix: the manifest and the result files) and publishing the summary.
 */
export function orgSummaryStatements(
  refs: FunctionRefs,
  resultObjectsArn: CfnValue,
): PolicyStatement[] {
  return [
    ...commonStatements(refs, []).filter((s) =>
      ['WriteOwnLogs', 'PublishAlerts', 'EncryptAlerts'].includes(s.Sid),
    ),
    { Sid: 'ReadResults', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [resultObjectsArn] },
  ];
}

/** Where the state machine reads its plans and writes its results (prefixes of the bucket). */
export interface OrgScanObjects {
  /** The plans' objects (the Map's `ItemReader`). */
  readonly plans: CfnValue;
  /** The results' objects (the Map's `ResultWriter`). */
  readonly results: CfnValue;
}

/**
 * The organization scan's state machine: invoke exactly its three functions, run the child
 * executions of its Distributed Map (`states:StartExecution` on itself, and describing and
 * stopping its executions: "IAM policies for using Distributed Map states",
 * https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html), read the
 * plans (`ItemReader`: `s3:GetObject` on the plan prefix only) and write the results
 * (`ResultWriter`: the actions of the Developer Guide's "IAM policies for ResultWriter",
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html, on the
 * results prefix only), and log.
 */
export function orgScanStateMachineStatements(
  functionArns: readonly CfnValue[],
  stateMachineName: string,
  objects: OrgScanObjects,
): PolicyStatement[] {
  const arn = (kind: string, rest: string): CfnValue => ({
    'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:${kind}:\${AWS::StackName}-${stateMachineName}${rest}`,
  });
  return [
    {
      Sid: 'InvokeOrgScanFunctions',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [...functionArns],
    },
    {
      Sid: 'StartChildExecutions',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [arn('stateMachine', '')],
    },
    {
      Sid: 'ManageChildExecutions',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [arn('execution', ':*'), arn('execution', '/*')],
    },
    {
      Sid: 'ReadPlans',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [objects.plans],
    },
    {
      Sid: 'WriteResults',
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:ListMultipartUploadParts',
        's3:AbortMultipartUpload',
      ],
      Resource: [objects.results],
    },
    {
      // No resource type exists for these: see RESOURCE_WILDCARD_EXCEPTIONS.
      Sid: 'DeliverExecutionLogs',
      Effect: 'Allow',
      Action: [...STATES_LOG_DELIVERY],
      Resource: ['*'],
    },
  ];
}

/** The `Properties` of an `AWS::IAM::Role` only `service` (of this account) can assume. */
export function serviceRoleProperties(
  service: 'states.amazonaws.com' | 'events.amazonaws.com',
  description: string,
  statements: readonly PolicyStatement[],
) {
  return {
    Description: description,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: service },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    },
    Policies: [
      {
        PolicyName: 'least-privilege',
        PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
      },
    ],
  };
}

/**
 * `securityhub-import` (docs/securityhub.md): its own logs; `securityhub:BatchImportFindings` on
 * the default product of this account in this region only — the resource type the Service
 * Authorization Reference gives the action is the product
 * (`arn:…:securityhub:REGION:ACCOUNT:product/COMPANY/PRODUCT`), and with the default product the
 * caller must be the findings' account anyway; `sts:AssumeRole` on the member import role
 * `importRoleName`, in accounts of this organization only (as {@link orgItemStatements}), for
 * every other account-region; and the failure queue (its on-failure destination). No ledger, no
 * topic, no bus: it reads nothing but its event.
 */
export function securityHubImportStatements(
  refs: Pick<FunctionRefs, 'logGroup' | 'failureQueue'>,
  importRoleName: string,
): PolicyStatement[] {
  return [
    ownLogsStatement(refs.logGroup),
    {
      Sid: 'ImportOwnFindings',
      Effect: 'Allow',
      Action: ['securityhub:BatchImportFindings'],
      Resource: [
        {
          'Fn::Sub':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
        },
      ],
    },
    assumeOrganizationRoleStatement('AssumeMemberImportRole', importRoleName),
    {
      Sid: 'OnFailureDestination',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [getAtt(refs.failureQueue, 'Arn')],
    },
  ];
}
