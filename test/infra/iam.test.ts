import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_REPOSITORIES_ARN,
  alertsTopicPolicyProperties,
  apiCallStatements,
  type FunctionRefs,
  failureQueuePolicyProperties,
  imageActionStatements,
  type PolicyStatement,
  RESOURCE_WILDCARD_EXCEPTIONS,
  scheduledScanStatements,
} from '../../infra/iam.ts';
import { FUNCTIONS, serverlessValues } from '../../infra/stack.ts';
import {
  type AnyStatement,
  actionsOf,
  isScopedResource,
  leastPrivilegeViolations,
  resourcesOf,
} from './support.ts';

const refs: FunctionRefs = {
  table: 'Table',
  topic: 'Topic',
  failureQueue: 'Queue',
  topicKey: 'Key',
  eventBus: 'Bus',
  logGroup: 'OwnLogGroup',
};

const builders = {
  imageAction: imageActionStatements,
  apiCall: apiCallStatements,
  scheduledScan: scheduledScanStatements,
} as const;

const allActions = (statements: readonly PolicyStatement[]) => statements.flatMap(actionsOf);

describe('the least-privilege audit (test helper) catches violations', () => {
  const ok: AnyStatement = {
    Sid: 'Ok',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem'],
    Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }],
  };

  it.each<[string, AnyStatement]>([
    ['a service wildcard', { ...ok, Action: ['dynamodb:*'] }],
    ['a partial wildcard', { ...ok, Action: ['dynamodb:Get*'] }],
    ['the bare wildcard', { ...ok, Action: '*' }],
    ['Resource "*" for a scoped action', { ...ok, Resource: '*' }],
    [
      'Resource "*" for an exception mixed with a scoped action',
      { ...ok, Action: [...RESOURCE_WILDCARD_EXCEPTIONS, 'ecr:ListImages'], Resource: ['*'] },
    ],
    ['a literal ARN', { ...ok, Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/x'] }],
    [
      'a Sub ARN in any region',
      {
        ...ok,
        Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:ecr:*:\${AWS::AccountId}:repository/x` }],
      },
    ],
    [
      'a Sub ARN on every resource of the service',
      {
        ...ok,
        Resource: [
          { 'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:*` },
        ],
      },
    ],
    ['NotAction', { ...ok, NotAction: ['iam:*'] }],
    ['NotResource', { ...ok, NotResource: ['x'] }],
    ['a Ref to a pseudo parameter', { ...ok, Resource: [{ Ref: 'AWS::AccountId' }] }],
  ])('%s', (_name, statement) => {
    expect(leastPrivilegeViolations([ok])).toEqual([]);
    expect(leastPrivilegeViolations([ok, statement])).not.toEqual([]);
  });

  it('accepts the documented exception alone on Resource "*"', () => {
    expect(
      leastPrivilegeViolations([
        { Sid: 'X', Effect: 'Allow', Action: [...RESOURCE_WILDCARD_EXCEPTIONS], Resource: ['*'] },
      ]),
    ).toEqual([]);
  });

  it('accepts scoped Sub ARNs of this account and region', () => {
    expect(isScopedResource(ACCOUNT_REPOSITORIES_ARN)).toBe(true);
  });
});

describe.each(Object.entries(builders))('%s statements', (key, build) => {
  const statements = build(refs);

  it('pass the least-privilege audit', () => {
    expect(leastPrivilegeViolations(statements)).toEqual([]);
  });

  it('have unique Sids and only Allow statements', () => {
    const sids = statements.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('write logs to their own log group only', () => {
    const logs = statements.filter((s) => allActions([s]).some((a) => a.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(actionsOf(logs[0] as PolicyStatement).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(resourcesOf(logs[0] as PolicyStatement)).toEqual([
      { 'Fn::GetAtt': ['OwnLogGroup', 'Arn'] },
    ]);
  });

  it('use the ledger table, the topic, its key, the event bus and the failure queue, and nothing else of the stack', () => {
    const byService = (prefix: string) =>
      statements
        .filter((s) => allActions([s]).some((a) => a.startsWith(prefix)))
        .flatMap(resourcesOf);
    expect(byService('dynamodb:')).toEqual([{ 'Fn::GetAtt': ['Table', 'Arn'] }]);
    expect(byService('sns:')).toEqual([{ Ref: 'Topic' }]);
    expect(byService('sqs:')).toEqual([{ 'Fn::GetAtt': ['Queue', 'Arn'] }]);
    expect(byService('kms:')).toEqual([{ 'Fn::GetAtt': ['Key', 'Arn'] }]);
    expect(allActions(statements).filter((a) => a.startsWith('kms:'))).toEqual([
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
    expect(allActions(statements).filter((a) => a.startsWith('sns:'))).toEqual(['sns:Publish']);
    expect(allActions(statements).filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    expect(byService('events:')).toEqual([{ 'Fn::GetAtt': ['Bus', 'Arn'] }]);
    expect(allActions(statements).filter((a) => a.startsWith('events:'))).toEqual([
      'events:PutEvents',
    ]);
    const services = new Set(allActions(statements).map((a) => a.split(':')[0]));
    const expected =
      key === 'scheduledScan'
        ? ['dynamodb', 'ecr', 'events', 'kms', 'logs', 'sns', 'sqs']
        : ['dynamodb', 'events', 'kms', 'logs', 'sns', 'sqs'];
    expect([...services].sort()).toEqual(expected);
  });

  it('put on the bus only events of the auditor’s source and detail-type (issue 12)', () => {
    // Written out, not read from the code: what docs/eventbridge.md documents.
    const put = statements.filter((s) => allActions([s]).includes('events:PutEvents'));
    expect(put).toHaveLength(1);
    expect(put[0]?.Condition).toEqual({
      StringEquals: {
        'events:source': 'ecr-tag-auditor',
        'events:detail-type': 'ECR Tag Audit Finding',
      },
    });
  });

  it('never scan, batch or delete from the table (a forget rewrites records)', () => {
    const dynamo = allActions(statements).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).not.toContain('dynamodb:Scan');
    expect(dynamo.some((a) => a.startsWith('dynamodb:Batch'))).toBe(false);
    expect(dynamo).not.toContain('dynamodb:DeleteItem');
  });
});

describe('ECR permissions', () => {
  it('the event functions get none', () => {
    for (const build of [imageActionStatements, apiCallStatements]) {
      expect(allActions(build(refs)).filter((a) => a.startsWith('ecr:'))).toEqual([]);
    }
  });

  it('the scan reads repositories and images of this account and region, and templates on "*"', () => {
    const ecr = scheduledScanStatements(refs).filter((s) =>
      allActions([s]).some((a) => a.startsWith('ecr:')),
    );
    expect(ecr.map((s) => [actionsOf(s).sort(), resourcesOf(s)])).toEqual([
      [['ecr:DescribeRepositories', 'ecr:ListImages'], [ACCOUNT_REPOSITORIES_ARN]],
      [['ecr:DescribeRepositoryCreationTemplates'], ['*']],
    ]);
  });
});

describe('resource policies', () => {
  it('the topic: only the given roles and alarms publish, every other IAM principal is denied, TLS only', () => {
    const roles = [{ 'Fn::GetAtt': ['RoleA', 'Arn'] }, { 'Fn::GetAtt': ['RoleB', 'Arn'] }] as const;
    const alarms = [{ 'Fn::Sub': 'arn:x:alarm:a' }];
    const { PolicyDocument, Topics } = alertsTopicPolicyProperties('Topic', roles, alarms);
    expect(Topics).toEqual([{ Ref: 'Topic' }]);
    const allows = PolicyDocument.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({ Principal: { AWS: roles }, Action: ['sns:Publish'] }),
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': alarms },
        },
      }),
    ]);
    const denies = PolicyDocument.Statement.filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Condition)).toEqual([
      {
        ArnNotEquals: { 'aws:PrincipalArn': roles },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
      { Bool: { 'aws:SecureTransport': 'false' } },
    ]);
    for (const deny of denies) {
      expect(deny.Principal).toBe('*');
      expect(deny.Action).toEqual(['sns:Publish']);
    }
  });

  it('the failure queue: EventBridge may send only for the given rules; TLS only', () => {
    const rule = { 'Fn::Sub': 'arn:x:rule/r' };
    const { PolicyDocument } = failureQueuePolicyProperties('Queue', [rule]);
    const [allow, ...rest] = PolicyDocument.Statement;
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }],
      Condition: { ArnEquals: { 'aws:SourceArn': [rule] } },
    });
    expect(rest).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });
});

describe('serverlessValues (what serverless.yml reads)', () => {
  const values = serverlessValues();

  it('gives every function a role built from its own log group', () => {
    expect(Object.keys(values.roles).sort()).toEqual(Object.keys(FUNCTIONS).sort());
    for (const [key, role] of Object.entries(values.roles)) {
      const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
      const logGroup = FUNCTIONS[key as keyof typeof FUNCTIONS].logGroup;
      expect(statements.find((s) => s.Sid === 'WriteOwnLogs')?.Resource).toEqual([
        { 'Fn::GetAtt': [logGroup, 'Arn'] },
      ]);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: ['sts:AssumeRole'],
        },
      ]);
    }
  });
});
