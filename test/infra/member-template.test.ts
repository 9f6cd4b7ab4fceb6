/**
 * The member template of an organization-wide deployment (lib/core/deploy/member-template.ts,
 * docs/organization.md): what a StackSet creates in every member account and region. The
 * expected actions, principals and patterns are written out here, not read from the code.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
import { describe, expect, it } from 'vitest';
import { memberTemplate } from '../../lib/core/deploy/member-template.ts';
import { EXPECTED_API_CALL_PATTERN, EXPECTED_IMAGE_ACTION_PATTERN } from './expected-patterns.ts';
import { unresolvedReferences } from './references.ts';
import { type AnyStatement, actionsOf, resourcesOf } from './support.ts';

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
}

const template = (defaults = {}) => memberTemplate(defaults) as unknown as Template;

const ofType = (t: Template, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

const policyStatements = (r: Resource): AnyStatement[] =>
  (r.Properties.Policies as { PolicyDocument: { Statement: AnyStatement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const trustStatements = (r: Resource): AnyStatement[] =>
  (r.Properties.AssumeRolePolicyDocument as { Statement: AnyStatement[] }).Statement;

/** The role whose name is the given parameter. */
function roleNamed(t: Template, parameter: string): Resource {
  const found = ofType(t, 'AWS::IAM::Role').filter(
    ([, r]) => JSON.stringify(r.Properties.RoleName) === JSON.stringify({ Ref: parameter }),
  );
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
}

const FORWARD_ROLE_ARN = {
  'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ForwardRoleName}',
};

describe('member template: parameters', () => {
  it('asks for the central bus, the central scan and import roles, the role names and the home region', () => {
    // Act
    const { Parameters } = template();

    // Assess
    expect(Object.keys(Parameters).sort()).toEqual([
      'CentralBusArn',
      'CentralImportRoleArn',
      'CentralScanRoleArn',
      'ForwardRoleName',
      'HomeRegion',
      'ImportRoleName',
      'ScanRoleName',
    ]);
    // The import role is optional: an existing StackSet needs no new value.
    expect(Parameters.CentralImportRoleArn?.Default).toBe('');
    expect(Parameters.ImportRoleName?.Default).toBe('ecr-tag-auditor-securityhub-import');
    expect(Parameters.ScanRoleName?.Default).toBe('ecr-tag-auditor-scan');
    expect(Parameters.ForwardRoleName?.Default).toBe('ecr-tag-auditor-forward');
    expect(Parameters.CentralBusArn?.Default).toBeUndefined();
    expect(Parameters.CentralScanRoleArn?.Default).toBeUndefined();
    expect(Parameters.HomeRegion?.Default).toBeUndefined();
  });

  it('fills in the ARN defaults it is given', () => {
    // Prepare
    const bus = 'arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events';
    const role = 'arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-ScheduledScanRole-X1';

    // Act
    const { Parameters } = template({ centralBusArn: bus, centralScanRoleArn: role });

    // Assess
    expect(Parameters.CentralBusArn?.Default).toBe(bus);
    expect(Parameters.CentralScanRoleArn?.Default).toBe(role);
  });

  it.each([
    [
      'CentralBusArn',
      'arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events',
      true,
    ],
    ['CentralBusArn', 'arn:aws-cn:events:cn-north-1:111122223333:event-bus/b', true],
    ['CentralBusArn', 'arn:aws:events:eu-west-1:111122223333:rule/r', false],
    ['CentralBusArn', 'arn:aws:sqs:eu-west-1:111122223333:event-bus/b', false],
    [
      'CentralScanRoleArn',
      'arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-ScheduledScanRole-X1',
      true,
    ],
    ['CentralScanRoleArn', 'arn:aws:iam::111122223333:user/dev', false],
    ['CentralScanRoleArn', 'arn:aws:iam::*:role/x', false],
    ['HomeRegion', 'eu-west-1', true],
    ['HomeRegion', 'us-gov-west-1', true],
    ['HomeRegion', 'eu-west', false],
    ['ScanRoleName', 'ecr-tag-auditor-scan', true],
    ['ScanRoleName', 'a b', false],
    ['ScanRoleName', 'x'.repeat(65), false],
    ['CentralImportRoleArn', '', true],
    [
      'CentralImportRoleArn',
      'arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-SecurityHubImportRole-X1',
      true,
    ],
    ['CentralImportRoleArn', 'arn:aws:iam::*:role/x', false],
    ['ImportRoleName', 'a b', false],
  ])('%s AllowedPattern on %s: %s', (name, value, accepted) => {
    // Prepare
    const pattern = template().Parameters[name]?.AllowedPattern as string;

    // Act / Assess
    expect(new RegExp(pattern).test(value)).toBe(accepted);
  });
});

describe('member template: forwarding rules (every region)', () => {
  const rules = () => ofType(template(), 'AWS::Events::Rule').map(([, r]) => r);

  it('two rules on the default bus, with the auditor patterns, in every region (no condition)', () => {
    // Act
    const found = rules();

    // Assess
    expect(found.map((r) => r.Properties.EventPattern)).toEqual([
      EXPECTED_IMAGE_ACTION_PATTERN,
      EXPECTED_API_CALL_PATTERN,
    ]);
    for (const rule of found) {
      expect(rule.Condition).toBeUndefined();
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.State).toBe('ENABLED');
    }
  });

  it('each targets exactly the central bus, with the forwarding role named by ARN', () => {
    // Act
    const targets = rules().map((r) => r.Properties.Targets);

    // Assess
    for (const list of targets) {
      expect(list).toEqual([
        {
          Id: 'central-bus',
          Arn: { Ref: 'CentralBusArn' },
          RoleArn: FORWARD_ROLE_ARN,
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } },
        },
      ]);
    }
  });

  it('dead-letters to an encrypted regional queue that only EventBridge may send to, for these two rules', () => {
    // Prepare
    const t = template();

    // Act
    const queue = t.Resources.ForwardDeadLetterQueue as Resource;
    const policy = t.Resources.ForwardDeadLetterQueuePolicy as Resource;

    // Assess
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Condition).toBeUndefined();
    expect(queue.Properties).toEqual({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    expect(policy.Properties).toEqual({
      Queues: [{ Ref: 'ForwardDeadLetterQueue' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowEventBridgeDeadLetters',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['sqs:SendMessage'],
            Resource: [{ 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] }],
            Condition: {
              ArnEquals: {
                'aws:SourceArn': [
                  { 'Fn::GetAtt': ['ForwardImageActionRule', 'Arn'] },
                  { 'Fn::GetAtt': ['ForwardApiCallRule', 'Arn'] },
                ],
              },
            },
          },
        ],
      },
    });
  });
});

describe('member template: IAM (once per account)', () => {
  it('creates the roles only in HomeRegion; the import role only with CentralImportRoleArn', () => {
    // Prepare
    const t = template();

    // Act
    const roles = ofType(t, 'AWS::IAM::Role');

    // Assess
    expect(roles.map(([id]) => id).sort()).toEqual([
      'ForwardRole',
      'ScanRole',
      'SecurityHubImportRole',
    ]);
    expect(Object.fromEntries(roles.map(([id, role]) => [id, role.Condition]))).toEqual({
      ForwardRole: 'IsHomeRegion',
      ScanRole: 'IsHomeRegion',
      SecurityHubImportRole: 'CreateImportRole',
    });
    expect(t.Conditions).toEqual({
      IsHomeRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HomeRegion' }] },
      CreateImportRole: {
        'Fn::And': [
          { Condition: 'IsHomeRegion' },
          { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CentralImportRoleArn' }, ''] }] },
        ],
      },
    });
  });

  it('no statement anywhere allows a wildcard action, NotAction or NotPrincipal', () => {
    // Prepare: every Statement list of the template (roles, trust, the queue policy).
    const statements: AnyStatement[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (Array.isArray(record.Statement))
          statements.push(...(record.Statement as AnyStatement[]));
        Object.values(record).forEach(collect);
      }
    };
    collect(template().Resources);
    expect(statements).toHaveLength(8);

    // Act
    const actions = statements.flatMap(actionsOf);

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(JSON.stringify(statements)).not.toMatch(/NotAction|NotPrincipal|NotResource/);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('the forwarding role may only events:PutEvents on exactly the CentralBusArn', () => {
    // Act
    const statements = policyStatements(roleNamed(template(), 'ForwardRoleName'));

    // Assess
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] as AnyStatement)).toEqual(['events:PutEvents']);
    expect(resourcesOf(statements[0] as AnyStatement)).toEqual([{ Ref: 'CentralBusArn' }]);
    expect(statements[0]?.Condition).toBeUndefined();
  });

  it('the forwarding role is assumable only by EventBridge acting for this account', () => {
    // Act
    const trust = trustStatements(roleNamed(template(), 'ForwardRoleName'));

    // Assess
    expect(trust).toEqual([
      {
        Sid: 'EventBridgeOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('the scan role trusts only the CentralScanRoleArn', () => {
    // Act
    const trust = trustStatements(roleNamed(template(), 'ScanRoleName'));

    // Assess
    expect(trust).toEqual([
      {
        Sid: 'TheCentralScanOnly',
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'CentralScanRoleArn' } },
        Action: ['sts:AssumeRole'],
      },
    ]);
  });

  it('the scan role has exactly the scan ECR read actions; "*" only for creation templates', () => {
    // Act
    const statements = policyStatements(roleNamed(template(), 'ScanRoleName'));

    // Assess
    expect(
      statements.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s) })),
    ).toEqual([
      {
        actions: ['ecr:DescribeRepositories', 'ecr:ListImages'],
        resources: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*' }],
      },
      { actions: ['ecr:DescribeRepositoryCreationTemplates'], resources: ['*'] },
    ]);
  });
});

describe('member template: the Security Hub import role (issue 12)', () => {
  it('trusts only the CentralImportRoleArn', () => {
    // Act
    const trust = trustStatements(roleNamed(template(), 'ImportRoleName'));

    // Assess
    expect(trust).toEqual([
      {
        Sid: 'TheCentralImportOnly',
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'CentralImportRoleArn' } },
        Action: ['sts:AssumeRole'],
      },
    ]);
  });

  it('may only BatchImportFindings, on this account’s default product in every region', () => {
    // Act
    const statements = policyStatements(roleNamed(template(), 'ImportRoleName'));

    // Assess
    expect(
      statements.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s), c: s.Condition })),
    ).toEqual([
      {
        actions: ['securityhub:BatchImportFindings'],
        resources: [
          {
            'Fn::Sub':
              'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default',
          },
        ],
        c: undefined,
      },
    ]);
  });
});

describe('member template: well-formed', () => {
  it('every Ref, GetAtt, Sub placeholder and Condition resolves', () => {
    // Act / Assess
    expect(unresolvedReferences(template())).toEqual([]);
  });

  it('the reference check catches an undeclared name (it can fail)', () => {
    // Prepare
    const broken = {
      Parameters: { A: {} },
      Resources: {
        R: { Condition: 'Nope', Properties: { X: { Ref: 'B' }, Y: { 'Fn::Sub': '${A}-${C}' } } },
      },
    };

    // Act / Assess
    expect(unresolvedReferences(broken)).toEqual(['Ref B', 'Fn::Sub ${C}', 'R: Condition Nope']);
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    // Prepare
    const t = template();

    // Act / Assess
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});
