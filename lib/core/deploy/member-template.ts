/**
 * The member template: the CloudFormation template a StackSet deploys to every member account
 * and region of an organization (docs/organization.md). Per region, EventBridge rules on the
 * default bus forward the events the auditor routes — the same patterns as the central stack's
 * rules (lib/core/intake/event-patterns.ts) — to the central stack's organization bus. Once per
 * account (IAM is global; the roles exist only in the stack of `HomeRegion`), the role those
 * rules use, allowed nothing but `events:PutEvents` on that bus, and a read-only scan role that
 * only the central organization scan's item function role may assume, with exactly the scan's ECR actions
 * (lib/core/deploy/scan-read-actions.ts) — and, only when `CentralImportRoleArn` is given, the role
 * the central Security Hub import assumes to import the account's findings (docs/securityhub.md).
 *
 * Pure data: infra/ knows the central stack, the CLI (`member-template`) prints this, and the
 * build writes it to `dist/member-template.json` by running that command.
 *
 * @module
 */
import { API_CALL_PATTERN, IMAGE_ACTION_PATTERN } from '../intake/event-patterns.ts';
import type { CfnValue, PolicyDocument, PolicyStatement } from './cloudformation.ts';
import { SCAN_REGISTRY_ACTIONS, SCAN_REPOSITORY_ACTIONS } from './scan-read-actions.ts';

/** The template's parameters, by their logical names. */
const MEMBER_PARAMETERS = {
  centralBusArn: 'CentralBusArn',
  centralScanRoleArn: 'CentralScanRoleArn',
  scanRoleName: 'ScanRoleName',
  forwardRoleName: 'ForwardRoleName',
  homeRegion: 'HomeRegion',
  centralImportRoleArn: 'CentralImportRoleArn',
  importRoleName: 'ImportRoleName',
} as const;

/** The template's resources, by their logical ids. */
const MEMBER_RESOURCES = {
  imageActionRule: 'ForwardImageActionRule',
  apiCallRule: 'ForwardApiCallRule',
  forwardRole: 'ForwardRole',
  deadLetterQueue: 'ForwardDeadLetterQueue',
  deadLetterQueuePolicy: 'ForwardDeadLetterQueuePolicy',
  scanRole: 'ScanRole',
  importRole: 'SecurityHubImportRole',
} as const;

/** The condition true only in the stack of `HomeRegion`, where the account's roles are created. */
const HOME_REGION_CONDITION = 'IsHomeRegion';

/**
 * The condition of the Security Hub import role: the home region, and a `CentralImportRoleArn`
 * given (the central stack deploys the import only with `securityHubMinSeverity`).
 */
const IMPORT_ROLE_CONDITION = 'CreateImportRole';

/**
 * The Security Hub import role's name unless `ImportRoleName` says otherwise; the central
 * import function assumes the role of this name (infra/securityhub.ts).
 *
 * @example
 * ```ts
 * `arn:aws:iam::123456789012:role/${DEFAULT_IMPORT_ROLE_NAME}`;
 * ```
 */
export const DEFAULT_IMPORT_ROLE_NAME = 'ecr-tag-auditor-securityhub-import';

/** The scan role's name unless `ScanRoleName` says otherwise. */
const DEFAULT_SCAN_ROLE_NAME = 'ecr-tag-auditor-scan';

/** The forwarding role's name unless `ForwardRoleName` says otherwise. */
const DEFAULT_FORWARD_ROLE_NAME = 'ecr-tag-auditor-forward';

/** IAM role names: 1–64 of `[\w+=,.@-]` (IAM `roleNameType`). */
const ROLE_NAME_PATTERN = '^[A-Za-z0-9+=,.@_-]{1,64}$';

/**
 * Default values for the two ARN parameters (the CLI's `--central-bus-arn`, `--central-scan-role-arn`).
 *
 * @example
 * ```ts
 * const defaults: MemberTemplateDefaults = {
 *   centralScanRoleArn: 'arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-OrgItemRole-X1',
 * };
 * ```
 */
export interface MemberTemplateDefaults {
  readonly centralBusArn?: string;
  readonly centralScanRoleArn?: string;
}

/** A role's trust statement: who may assume it (no `Resource`). */
type TrustStatement = Omit<PolicyStatement, 'Resource'>;

const ref = (name: string): CfnValue => ({ Ref: name });

/**
 * The forwarding role's ARN, built from its name: the same in every region of the account, so
 * the rules of every region can name it although only `HomeRegion` creates it.
 */
const FORWARD_ROLE_ARN: CfnValue = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
  'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ForwardRoleName}',
};

/** This account's repositories in every region: the scan role is global, as IAM is. */
const ACCOUNT_REPOSITORIES_ANY_REGION: CfnValue = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
  'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*',
};

function parameters(defaults: MemberTemplateDefaults) {
  const withDefault = (value: string | undefined) =>
    value === undefined ? {} : { Default: value };
  return {
    [MEMBER_PARAMETERS.centralBusArn]: {
      Type: 'String',
      Description: 'The central stack output EventBusArn: the bus the rules forward to',
      AllowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$',
      ...withDefault(defaults.centralBusArn),
    },
    [MEMBER_PARAMETERS.centralScanRoleArn]: {
      Type: 'String',
      Description:
        'The central stack output OrgScanItemRoleArn (the organization scan item function): the only principal that may assume the scan role',
      AllowedPattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$',
      ...withDefault(defaults.centralScanRoleArn),
    },
    [MEMBER_PARAMETERS.scanRoleName]: {
      Type: 'String',
      Description: 'The name of the read-only scan role created once per account',
      AllowedPattern: ROLE_NAME_PATTERN,
      Default: DEFAULT_SCAN_ROLE_NAME,
    },
    [MEMBER_PARAMETERS.forwardRoleName]: {
      Type: 'String',
      Description: 'The name of the role the forwarding rules use, created once per account',
      AllowedPattern: ROLE_NAME_PATTERN,
      Default: DEFAULT_FORWARD_ROLE_NAME,
    },
    [MEMBER_PARAMETERS.centralImportRoleArn]: {
      Type: 'String',
      Description:
        'The central stack output SecurityHubImportRoleArn (only with securityHubMinSeverity): the only principal that may assume the import role; empty for no import role',
      AllowedPattern: '^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+)?$',
      Default: '',
    },
    [MEMBER_PARAMETERS.importRoleName]: {
      Type: 'String',
      Description: 'The name of the Security Hub import role created once per account',
      AllowedPattern: ROLE_NAME_PATTERN,
      Default: DEFAULT_IMPORT_ROLE_NAME,
    },
    [MEMBER_PARAMETERS.homeRegion]: {
      Type: 'String',
      Description:
        'The one region whose stack creates the account-wide IAM roles (deploy it first)',
      AllowedPattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$',
    },
  };
}

function forwardingRule(description: string, pattern: unknown) {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Description: description,
      // No EventBusName: the default bus, where ECR and CloudTrail deliver.
      EventPattern: pattern,
      State: 'ENABLED',
      Targets: [
        {
          Id: 'central-bus',
          Arn: ref(MEMBER_PARAMETERS.centralBusArn),
          RoleArn: FORWARD_ROLE_ARN,
          // What EventBridge cannot deliver to the central bus (a missing bus policy, throttling)
          // after its retries is kept here, as in the central stack, instead of being dropped.
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [MEMBER_RESOURCES.deadLetterQueue, 'Arn'] } },
        },
      ],
    },
  };
}

function role(
  description: string,
  trust: TrustStatement,
  statements: readonly PolicyStatement[],
  name: string,
  condition: string = HOME_REGION_CONDITION,
) {
  return {
    Type: 'AWS::IAM::Role',
    Condition: condition,
    Properties: {
      RoleName: ref(name),
      Description: description,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [trust],
      },
      Policies: [
        {
          PolicyName: 'least-privilege',
          PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
        },
      ],
    },
  };
}

const forwardRole = role(
  'ecr-tag-auditor: EventBridge forwards ECR events to the central bus',
  {
    Sid: 'EventBridgeOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['sts:AssumeRole'],
    // Confused deputy: only EventBridge acting for this account's rules.
    Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
  },
  [
    {
      Sid: 'PutEventsOnTheCentralBus',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [ref(MEMBER_PARAMETERS.centralBusArn)],
    },
  ],
  MEMBER_PARAMETERS.forwardRoleName,
);

const scanRole = role(
  'ecr-tag-auditor: the central scan reads repositories, images and creation templates',
  {
    Sid: 'TheCentralScanOnly',
    Effect: 'Allow',
    Principal: { AWS: ref(MEMBER_PARAMETERS.centralScanRoleArn) },
    Action: ['sts:AssumeRole'],
  },
  [
    {
      Sid: 'ReadRepositoriesAndImages',
      Effect: 'Allow',
      Action: [...SCAN_REPOSITORY_ACTIONS],
      Resource: [ACCOUNT_REPOSITORIES_ANY_REGION],
    },
    {
      // No resource type exists for this action (SCAN_REGISTRY_ACTIONS).
      Sid: 'DescribeRepositoryCreationTemplates',
      Effect: 'Allow',
      Action: [...SCAN_REGISTRY_ACTIONS],
      Resource: ['*'],
    },
  ],
  MEMBER_PARAMETERS.scanRoleName,
);

/**
 * The role the central Security Hub import assumes: with the default product ARN only the
 * finding's own account may import it (docs/securityhub.md). A role of its own rather than the
 * scan role's: the scan would otherwise import findings and the import read ECR. Security Hub
 * is regional and IAM global, so the product of every region of this account, and nothing else.
 */
const importRole = role(
  'ecr-tag-auditor: the central Security Hub import imports this account’s findings',
  {
    Sid: 'TheCentralImportOnly',
    Effect: 'Allow',
    Principal: { AWS: ref(MEMBER_PARAMETERS.centralImportRoleArn) },
    Action: ['sts:AssumeRole'],
  },
  [
    {
      Sid: 'ImportOwnFindings',
      Effect: 'Allow',
      Action: ['securityhub:BatchImportFindings'],
      Resource: [
        {
          'Fn::Sub':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default',
        },
      ],
    },
  ],
  MEMBER_PARAMETERS.importRoleName,
  IMPORT_ROLE_CONDITION,
);

/** The regional dead-letter queue of the forwarding rules: kept 14 days, encrypted by SQS. */
const deadLetterQueue = {
  Type: 'AWS::SQS::Queue',
  Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
};

/** EventBridge may send to the queue for this stack's two forwarding rules only. */
const deadLetterQueuePolicy = {
  Type: 'AWS::SQS::QueuePolicy',
  Properties: {
    Queues: [ref(MEMBER_RESOURCES.deadLetterQueue)],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowEventBridgeDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['sqs:SendMessage'],
          Resource: [{ 'Fn::GetAtt': [MEMBER_RESOURCES.deadLetterQueue, 'Arn'] }],
          Condition: {
            ArnEquals: {
              'aws:SourceArn': [
                { 'Fn::GetAtt': [MEMBER_RESOURCES.imageActionRule, 'Arn'] },
                { 'Fn::GetAtt': [MEMBER_RESOURCES.apiCallRule, 'Arn'] },
              ],
            },
          },
        },
      ],
    } satisfies PolicyDocument,
  },
};

/**
 * The member template as a CloudFormation template object; `defaults` fills in the ARN
 * parameters' default values.
 *
 * @example
 * ```ts
 * const template = memberTemplate({
 *   centralBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events',
 * });
 * JSON.stringify(template, null, 2); // what `ecr-tag-auditor member-template` prints
 * ```
 */
export function memberTemplate(defaults: MemberTemplateDefaults = {}) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecr-tag-auditor member account: forwards ECR events to the central bus; a read-only scan role for the central scan',
    Parameters: parameters(defaults),
    Conditions: {
      [HOME_REGION_CONDITION]: {
        'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: MEMBER_PARAMETERS.homeRegion }],
      },
      [IMPORT_ROLE_CONDITION]: {
        'Fn::And': [
          { Condition: HOME_REGION_CONDITION },
          { 'Fn::Not': [{ 'Fn::Equals': [ref(MEMBER_PARAMETERS.centralImportRoleArn), ''] }] },
        ],
      },
    },
    Resources: {
      [MEMBER_RESOURCES.imageActionRule]: forwardingRule(
        'ECR Image Action (PUSH, DELETE; SUCCESS) to the ecr-tag-auditor central bus',
        IMAGE_ACTION_PATTERN,
      ),
      [MEMBER_RESOURCES.apiCallRule]: forwardingRule(
        'ECR API calls via CloudTrail to the ecr-tag-auditor central bus (needs a CloudTrail trail)',
        API_CALL_PATTERN,
      ),
      [MEMBER_RESOURCES.deadLetterQueue]: deadLetterQueue,
      [MEMBER_RESOURCES.deadLetterQueuePolicy]: deadLetterQueuePolicy,
      [MEMBER_RESOURCES.forwardRole]: forwardRole,
      [MEMBER_RESOURCES.scanRole]: scanRole,
      [MEMBER_RESOURCES.importRole]: importRole,
    },
  };
}
