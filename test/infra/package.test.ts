/**
 * Packages the service once with osls (offline: no credentials, no network) and checks the
 * CloudFormation template and the function artifacts it produced.
 *
 * To stay clear of other work in the repository, it runs in a temporary mirror of the repository
 * (symbolic links to every top-level entry except `dist`, `.serverless` and `.git`; a copy of
 * `serverless.yml`, since osls only accepts a regular file there): the build
 * (`node scripts/build.mjs`, run there) writes the mirror's own `dist/`, and osls packages from
 * the mirror into a temporary `--package` directory.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_SCHEDULE } from '../../infra/event-patterns.ts';
import { ORG_SCAN_OBJECT_DAYS } from '../../infra/org-scan-bucket.ts';
import { SECURITY_HUB, SECURITY_HUB_PARAMETER_VALUES } from '../../infra/securityhub.ts';
import { FUNCTIONS, type FunctionKey, LOGICAL_IDS } from '../../infra/stack.ts';
import { LEDGER_TABLE } from '../../infra/table.ts';
import {
  FINDING_KINDS,
  type Finding,
  isAtLeast,
  SEVERITIES,
} from '../../lib/core/model/findings.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { runCli } from '../cli/support.ts';
import { eventBridgeMatches } from '../support/event-pattern.ts';
import type { Json } from '../support/json.ts';
import { mirrorRepository } from '../support/mirror.ts';
import { EXPECTED_API_CALL_PATTERN, EXPECTED_IMAGE_ACTION_PATTERN } from './expected-patterns.ts';
import { unresolvedReferences } from './references.ts';
import {
  type AnyStatement,
  actionsOf,
  leastPrivilegeViolations,
  listZip,
  offlinePackagingEnv,
} from './support.ts';

const execFileAsync = promisify(execFile);

/** Runs a command; on failure, the error carries its output. */
async function run(file: string, args: string[], options: Parameters<typeof execFileAsync>[2]) {
  try {
    return await execFileAsync(file, args, options);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAGE = 'ci';
const STACK_NAME = `ecr-tag-auditor-${STAGE}`;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: unknown;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, Record<string, unknown>>;
}

let work: string;
let mirror: string;
let output: string;
let template: Template;

/** Time the osls run took, reported once. */
let packageMs = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-package-'));
  mirror = mirrorRepository(join(work, 'repo'), { copy: ['serverless.yml'] });
  output = join(work, 'package');
  const home = join(work, 'home');
  mkdirSync(home);

  // No credentials and no instance metadata: packaging must work offline.
  const env = offlinePackagingEnv(home);

  const options = { cwd: mirror, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };
  await run(process.execPath, [join(ROOT, 'scripts/build.mjs')], options);
  const osls = join(ROOT, 'node_modules/osls/bin/serverless.js');
  const started = performance.now();
  await run(
    process.execPath,
    [osls, 'package', '--stage', STAGE, '--region', 'eu-west-1', '--package', output],
    options,
  );
  packageMs = performance.now() - started;
  template = JSON.parse(
    readFileSync(join(output, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const resources = (type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const resource = (logicalId: string): Resource => {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
};
const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
const FUNCTION_KEYS = Object.keys(FUNCTIONS) as FunctionKey[];

/** The ARN of the failure-queue alarm, as the policies spell it once the stack name is known. */
const alarmArn = () =>
  `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${String(resource(LOGICAL_IDS.failureQueueAlarm).Properties.AlarmName)}`;

/** The alarm ARNs a service statement admits, checking that its account is this one. */
function alarmArnsOf(statement: AnyStatement): string[] {
  const condition = statement.Condition as {
    StringEquals: Record<string, unknown>;
    ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': string }[] };
  };
  expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  return condition.ArnEquals['aws:SourceArn'].map((arn) =>
    arn['Fn::Sub'].replace(`\${AWS::StackName}`, STACK_NAME),
  );
}

describe('osls package', () => {
  it('runs offline in reasonable time', () => {
    console.info(`osls package took ${Math.round(packageMs)} ms`);
    expect(packageMs).toBeGreaterThan(0);
    expect(packageMs).toBeLessThan(120_000);
  });

  it('creates exactly the three event functions, the three of the organization scan and the Security Hub import, each with its own role', () => {
    // Written out, not read from FUNCTIONS: a function dropped from both the stack and FUNCTIONS
    // must fail here.
    expect([...FUNCTION_KEYS].sort()).toEqual(['apiCall', 'imageAction', 'scheduledScan']);
    expect(
      resources('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual([
      'ApiCallLambdaFunction',
      'ImageActionLambdaFunction',
      'OrgItemLambdaFunction',
      'OrgPlanLambdaFunction',
      'OrgSummaryLambdaFunction',
      'ScheduledScanLambdaFunction',
      'SecurityHubImportLambdaFunction',
    ]);
    // No shared framework role: every function has its own.
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    expect(
      resources('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([
      'ApiCallRole',
      'ImageActionRole',
      'OrgItemRole',
      'OrgPlanRole',
      'OrgScanScheduleRole',
      'OrgScanStateMachineRole',
      'OrgSummaryRole',
      'ScheduledScanRole',
      'SecurityHubImportRole',
    ]);
    for (const key of FUNCTION_KEYS) {
      expect(resource(FUNCTIONS[key].lambda).Properties.Role).toEqual(getAtt(FUNCTIONS[key].role));
    }
  });

  it.each(FUNCTION_KEYS)('%s: Node.js 24 on arm64, its bundle as handler', (key) => {
    const { Properties } = resource(FUNCTIONS[key].lambda);
    expect(Properties.Runtime).toBe('nodejs24.x');
    expect(Properties.Architectures).toEqual(['arm64']);
    expect(Properties.Handler).toBe(`dist/handlers/${FUNCTIONS[key].bundle}.handler`);
    expect(Properties.MemorySize).toBeGreaterThanOrEqual(128);
    const timeout = Properties.Timeout as number;
    if (key === 'scheduledScan') expect(timeout).toBe(900);
    else expect(timeout).toBeLessThanOrEqual(60);
  });

  it.each(FUNCTION_KEYS)('%s: ships exactly its bundle and its own chunks', (key) => {
    const zip = join(output, `${key}.zip`);
    const name = FUNCTIONS[key].bundle;
    const own = readdirSync(join(mirror, 'dist/handlers'))
      .filter((f) => f === `${name}.mjs` || f.startsWith(`${name}.chunk-`))
      .map((f) => `dist/handlers/${f}`);
    expect(own).toContain(`dist/handlers/${name}.mjs`);
    const listed = listZip(readFileSync(zip)).sort((a, b) => a.name.localeCompare(b.name));
    expect(listed).toEqual(
      own
        .sort((a, b) => a.localeCompare(b))
        .map((f) => ({ name: f, uncompressedSize: statSync(join(mirror, f)).size })),
    );
  });

  it.each(FUNCTION_KEYS)(
    '%s: gets the table, the topic, the bus and the minimum severity',
    (key) => {
      const { Environment } = resource(FUNCTIONS[key].lambda).Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      expect(Environment.Variables).toMatchObject({
        LEDGER_TABLE_NAME: { Ref: LOGICAL_IDS.table },
        ALERTS_TOPIC_ARN: { Ref: LOGICAL_IDS.topic },
        FINDINGS_BUS_ARN: getAtt(LOGICAL_IDS.eventBus),
        ALERT_MIN_SEVERITY: 'LOW',
      });
      expect(Environment.Variables).not.toHaveProperty('POLICY_PATH');
    },
  );

  it.each(FUNCTION_KEYS)('%s: failed async invocations go to the failure queue', (key) => {
    const configs = resources('AWS::Lambda::EventInvokeConfig').filter(
      ([, r]) =>
        JSON.stringify(r.Properties.FunctionName) ===
        JSON.stringify({ Ref: FUNCTIONS[key].lambda }),
    );
    expect(configs).toHaveLength(1);
    const properties = configs[0]?.[1].Properties ?? {};
    expect(properties.DestinationConfig).toEqual({
      OnFailure: { Destination: getAtt(LOGICAL_IDS.failureQueue) },
    });
    expect(properties.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(properties.MaximumRetryAttempts).toBeLessThanOrEqual(2);
  });

  it.each(FUNCTION_KEYS)('%s: logs to its own log group, with a retention', (key) => {
    const group = resource(FUNCTIONS[key].logGroup);
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(group.Properties.LogGroupName).toBe(`/aws/lambda/${STACK_NAME}-${key}`);
    expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('event routing', () => {
  /** The rules of the auditor's own functions: all but the Security Hub import's (below). */
  const rules = () =>
    resources('AWS::Events::Rule')
      .filter(([id]) => id !== SECURITY_HUB.rule)
      .map(([, r]) => r.Properties);
  const target = (rule: Record<string, unknown>) => (rule.Targets as Record<string, unknown>[])[0];
  const ORGANIZATION_BUS = { Ref: 'OrganizationEventBus' };
  const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

  it('runs both event rules on the default bus and on the organization bus, with the documented patterns (issue 11)', () => {
    const withPattern = rules().filter((r) => r.EventPattern !== undefined);
    const routes = withPattern.map((r) => ({
      bus: r.EventBusName ?? 'default',
      function: target(r)?.Arn,
      pattern: r.EventPattern,
    }));
    expect(routes.sort(byJson)).toEqual(
      [
        {
          bus: 'default',
          function: getAtt(FUNCTIONS.imageAction.lambda),
          pattern: EXPECTED_IMAGE_ACTION_PATTERN,
        },
        {
          bus: 'default',
          function: getAtt(FUNCTIONS.apiCall.lambda),
          pattern: EXPECTED_API_CALL_PATTERN,
        },
        {
          bus: ORGANIZATION_BUS,
          function: getAtt(FUNCTIONS.imageAction.lambda),
          pattern: EXPECTED_IMAGE_ACTION_PATTERN,
        },
        {
          bus: ORGANIZATION_BUS,
          function: getAtt(FUNCTIONS.apiCall.lambda),
          pattern: EXPECTED_API_CALL_PATTERN,
        },
      ].sort(byJson),
    );
  });

  it('routes no finding event back to the auditor: no rule on either bus matches one (issue 12)', () => {
    // Prepare: every kind of finding, as a rule on the bus receives it (docs/eventbridge.md).
    const findingEvents = FINDING_KINDS.map((kind) => ({
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'ECR Tag Audit Finding',
      source: 'ecr-tag-auditor',
      account: '111122223333',
      time: '2025-07-24T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: sampleFinding(kind),
    }));
    const patterns = rules()
      .filter((r) => r.EventPattern !== undefined)
      .map((r) => ({ bus: r.EventBusName ?? 'default', pattern: r.EventPattern as Json }));
    // Assess: the four event rules, two on the bus the findings are put on; none matches.
    expect(
      patterns.filter((p) => JSON.stringify(p.bus) === JSON.stringify(ORGANIZATION_BUS)),
    ).toHaveLength(2);
    for (const { pattern } of patterns) {
      expect(pattern.source).toEqual(['aws.ecr']);
      for (const event of findingEvents) expect(eventBridgeMatches(pattern, event)).toBe(false);
    }
  });

  it('lets EventBridge invoke each function only for its rules, on their own bus', () => {
    const sourceArns = resources('AWS::Lambda::Permission')
      .map(([, r]) => JSON.stringify(r.Properties.SourceArn))
      .filter((arn) => arn.includes('OrganizationEventBus'));
    expect(sourceArns).toHaveLength(2);
    expect(sourceArns.some((arn) => arn.includes(`${STACK_NAME}-image-action-org`))).toBe(true);
    expect(sourceArns.some((arn) => arn.includes(`${STACK_NAME}-api-call-org`))).toBe(true);
  });

  it('runs the scan on SCAN_SCHEDULE; the organization scan has its own schedule, off unless enabled', () => {
    const schedules = rules().filter((r) => r.ScheduleExpression !== undefined);
    expect(schedules.map((r) => r.Name).sort()).toEqual([
      `${STACK_NAME}-org-scan`,
      `${STACK_NAME}-scheduled-scan`,
    ]);
    const org = schedules.find((r) => r.Name === `${STACK_NAME}-org-scan`);
    expect(org?.State).toEqual({ 'Fn::If': ['OrgScanEnabled', 'ENABLED', 'DISABLED'] });
    expect(org && target(org)?.Arn).toEqual({ Ref: 'OrgScanStateMachine' });
    const scheduled = schedules.filter((r) => r.Name !== `${STACK_NAME}-org-scan`);
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]?.ScheduleExpression).toBe(SCAN_SCHEDULE);
    expect(scheduled[0] && target(scheduled[0])?.Arn).toEqual(
      getAtt(FUNCTIONS.scheduledScan.lambda),
    );
    expect(scheduled[0]?.State).toBe('ENABLED');
    expect(scheduled[0]?.EventBusName).toBeUndefined();
  });

  it('dead-letters what every rule cannot deliver (the schedule and the organization bus too), and the queue admits exactly those rules', () => {
    const all = resources('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(all).toHaveLength(7);
    for (const rule of all) {
      expect(target(rule)?.DeadLetterConfig).toEqual({ Arn: getAtt(LOGICAL_IDS.failureQueue) });
    }
    const policy = resource(LOGICAL_IDS.failureQueuePolicy).Properties.PolicyDocument as {
      Statement: AnyStatement[];
    };
    const allow = policy.Statement.find((s) => s.Effect === 'Allow') as AnyStatement & {
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': string }[] } };
    };
    expect(allow.Principal).toEqual({ Service: 'events.amazonaws.com' });
    const admitted = allow.Condition.ArnEquals['aws:SourceArn'].map((arn) =>
      arn['Fn::Sub'].replaceAll(`\${AWS::StackName}`, STACK_NAME),
    );
    const name = (r: Record<string, unknown>) =>
      typeof r.Name === 'string'
        ? r.Name
        : (r.Name as { 'Fn::Sub': string })['Fn::Sub'].replace(`\${AWS::StackName}`, STACK_NAME);
    const rulePath = (r: Record<string, unknown>) =>
      r.EventBusName === undefined ? name(r) : `${STACK_NAME}-events/${name(r)}`;
    expect(admitted.sort()).toEqual(
      all
        .map(
          (r) =>
            `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${rulePath(r)}`,
        )
        .sort(),
    );
  });
});

describe('the organization bus (issue 11)', () => {
  it('is a custom bus named <stack>-events, whose ARN is an output with the scan role ARN', () => {
    const bus = resource('OrganizationEventBus');
    expect(bus.Type).toBe('AWS::Events::EventBus');
    expect(bus.Properties).toEqual({ Name: `${STACK_NAME}-events` });
    expect(template.Outputs.EventBusArn?.Value).toEqual(getAtt('OrganizationEventBus'));
    expect(template.Outputs.OrgScanItemRoleArn?.Value).toEqual(getAtt('OrgItemRole'));
  });

  it('its policy lets exactly events:PutEvents from principals of the organization, and exists only with an organization id', () => {
    const policies = resources('AWS::Events::EventBusPolicy');
    expect(policies.map(([id]) => id).sort()).toEqual([
      'OrganizationEventBusFindingSourceGuard',
      'OrganizationEventBusPolicy',
    ]);
    const policy = resource('OrganizationEventBusPolicy');
    expect(policy.Condition).toBe('HasOrganization');
    expect(template.Conditions?.HasOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }],
    });
    expect(policy.Properties).toEqual({
      EventBusName: { Ref: 'OrganizationEventBus' },
      StatementId: 'AllowPutEventsFromTheOrganization',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: getAtt('OrganizationEventBus'),
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
    });
  });

  it('no account but the stack’s own may put events with the finding source on it (a forged finding)', () => {
    const guard = resource('OrganizationEventBusFindingSourceGuard');
    expect(guard.Condition).toBe('HasOrganization');
    expect(guard.Properties).toEqual({
      EventBusName: { Ref: 'OrganizationEventBus' },
      StatementId: 'DenyFindingEventsFromOtherAccounts',
      Statement: {
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: getAtt('OrganizationEventBus'),
        Condition: {
          StringEquals: { 'events:source': 'ecr-tag-auditor' },
          StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    });
  });

  it('the organization id is a stack parameter, empty by default, checked by its form', () => {
    const parameter = template.Parameters?.OrganizationId as Record<string, string>;
    expect(parameter.Type).toBe('String');
    expect(parameter.Default).toBe('');
    const allowed = new RegExp(parameter.AllowedPattern as string);
    for (const good of ['', 'o-a1b2c3d4e5', `o-${'a'.repeat(32)}`]) {
      expect(allowed.test(good)).toBe(true);
    }
    for (const bad of [
      'o-abc',
      'O-A1B2C3D4E5',
      'r-a1b2c3d4e5',
      'o-a1b2c3d4e5 ',
      `o-${'a'.repeat(33)}`,
    ]) {
      expect(allowed.test(bad)).toBe(false);
    }
  });
});

describe('the central template is well-formed', () => {
  it('every Ref, GetAtt, Sub placeholder and Condition resolves', () => {
    expect(unresolvedReferences(template)).toEqual([]);
  });
});

describe('the member template file (issue 11)', () => {
  it('dist/member-template.json is exactly what `member-template` prints', async () => {
    const written = readFileSync(join(mirror, 'dist/member-template.json'), 'utf8');
    const run = await runCli(['member-template']);
    expect(run.code).toBe(0);
    expect(written).toBe(run.stdout);
    expect(unresolvedReferences(JSON.parse(written))).toEqual([]);
  });
});

describe('stateful resources', () => {
  it('the ledger table has exactly the properties of infra/table.ts and outlives the stack', () => {
    const table = resource(LOGICAL_IDS.table);
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toEqual(LEDGER_TABLE);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('the alerts topic is encrypted with its own rotated key, which only the stack alarms may use besides the account (item 17)', () => {
    const topic = resource(LOGICAL_IDS.topic);
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toEqual(getAtt(LOGICAL_IDS.topicKey));
    expect(topic.Properties.FifoTopic).toBeUndefined(); // Q Developer cannot read FIFO topics
    const key = resource(LOGICAL_IDS.topicKey);
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = (key.Properties.KeyPolicy as { Statement: AnyStatement[] }).Statement;
    const services = statements.filter((s) => JSON.stringify(s.Principal).includes('Service'));
    expect(services).toHaveLength(1);
    expect(services[0]?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(actionsOf(services[0] as AnyStatement).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
    expect(alarmArnsOf(services[0] as AnyStatement)).toEqual([alarmArn()]);
  });

  it('the failure-queue alarm reaches the alerts topic by default, named as the policies admit it (item 17)', () => {
    const alarm = resource(LOGICAL_IDS.failureQueueAlarm).Properties;
    expect(alarm.AlarmName).toBe(`${STACK_NAME}-failures`);
    // Both branches of the optional pager topic include the alerts topic.
    const actions = alarm.AlarmActions as { 'Fn::If': [string, unknown[], unknown[]] };
    expect(actions['Fn::If'][1]).toContainEqual({ Ref: LOGICAL_IDS.topic });
    expect(actions['Fn::If'][2]).toEqual([{ Ref: LOGICAL_IDS.topic }]);
    expect(alarm.OKActions).toEqual([{ Ref: LOGICAL_IDS.topic }]);
  });

  it('the topic policy lets only the functions that alert publish, and only over TLS (item 16)', () => {
    const { Properties } = resource(LOGICAL_IDS.topicPolicy);
    expect(Properties.Topics).toEqual([{ Ref: LOGICAL_IDS.topic }]);
    const statements = (Properties.PolicyDocument as { Statement: AnyStatement[] }).Statement;
    // The organization's planner publishes nothing, so it is not among them.
    const roleArns = [
      'ApiCallRole',
      'ImageActionRole',
      'OrgItemRole',
      'OrgSummaryRole',
      'ScheduledScanRole',
    ].map((r) => getAtt(r));
    const sorted = (values: unknown) =>
      [...(values as unknown[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    // No account-wide principal, no wildcard principal may publish.
    const publishAllows = statements.filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('sns:Publish'),
    );
    const awsAllows = publishAllows.filter((s) => JSON.stringify(s.Principal).includes('"AWS"'));
    expect(awsAllows).toHaveLength(1);
    expect(sorted((awsAllows[0]?.Principal as { AWS: unknown } | undefined)?.AWS)).toEqual(
      roleArns,
    );
    expect(JSON.stringify(statements)).not.toContain(':root');
    for (const allow of publishAllows) expect(allow.Principal).not.toBe('*');
    // Same-account IAM policies would still allow publishing: every other IAM principal is denied.
    const denyOthers = statements.find(
      (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:PrincipalArn'),
    ) as AnyStatement & {
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': unknown };
        BoolIfExists: { 'aws:PrincipalIsAWSService': string };
      };
    };
    expect(denyOthers.Principal).toBe('*');
    expect(actionsOf(denyOthers)).toEqual(['sns:Publish']);
    expect(sorted(denyOthers.Condition.ArnNotEquals['aws:PrincipalArn'])).toEqual(roleArns);
    expect(denyOthers.Condition.BoolIfExists['aws:PrincipalIsAWSService']).toBe('false');
    const denyTls = statements.find(
      (s) =>
        s.Effect === 'Deny' &&
        JSON.stringify(s.Condition) ===
          JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
    );
    expect(denyTls?.Principal).toBe('*');
    expect(actionsOf(denyTls as AnyStatement)).toContain('sns:Publish');
    // CloudWatch, for this account's failure-queue alarm only.
    const services = publishAllows.filter((s) => JSON.stringify(s.Principal).includes('Service'));
    expect(services.map((s) => s.Principal)).toEqual([{ Service: 'cloudwatch.amazonaws.com' }]);
    expect(alarmArnsOf(services[0] as AnyStatement)).toEqual([alarmArn()]);
  });

  it('the failure queue is encrypted, keeps messages 14 days, and raises an alarm', () => {
    const queue = resource(LOGICAL_IDS.failureQueue);
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const alarm = resource(LOGICAL_IDS.failureQueueAlarm).Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(LOGICAL_IDS.failureQueue, 'QueueName') }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('outputs the topic ARN and the table name', () => {
    expect(template.Outputs.AlertsTopicArn?.Value).toEqual({ Ref: LOGICAL_IDS.topic });
    expect(template.Outputs.LedgerTableName?.Value).toEqual({ Ref: LOGICAL_IDS.table });
  });
});

describe('IAM in the template', () => {
  const roleStatements = (logicalId: string): AnyStatement[] => {
    const policies = resource(logicalId).Properties.Policies as {
      PolicyDocument: { Statement: AnyStatement[] };
    }[];
    expect(resource(logicalId).Properties.ManagedPolicyArns).toBeUndefined();
    return policies.flatMap((p) => p.PolicyDocument.Statement);
  };
  const actions = (logicalId: string) => roleStatements(logicalId).flatMap(actionsOf);

  it.each(FUNCTION_KEYS)('%s: no wildcard action, every resource scoped', (key) => {
    expect(leastPrivilegeViolations(roleStatements(FUNCTIONS[key].role))).toEqual([]);
  });

  it('no Allow statement anywhere in the template grants a wildcard action', () => {
    const allStatements: AnyStatement[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (Array.isArray(record.Statement))
          allStatements.push(...(record.Statement as AnyStatement[]));
        Object.values(record).forEach(collect);
      }
    };
    collect(template.Resources);
    const allowed = allStatements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('only the functions that deliver findings may put events, only on the stack bus, only findings (issue 12)', () => {
    // Every statement of every role in the template (conditional policies included).
    const statementsIn = (value: unknown): AnyStatement[] => {
      if (Array.isArray(value)) return value.flatMap(statementsIn);
      if (!value || typeof value !== 'object') return [];
      const record = value as Record<string, unknown>;
      const own = Array.isArray(record.Statement) ? (record.Statement as AnyStatement[]) : [];
      return [...own, ...Object.values(record).flatMap(statementsIn)];
    };
    const putsIn = (id: string) =>
      statementsIn(resource(id).Properties).filter((s) =>
        actionsOf(s).includes('events:PutEvents'),
      );
    const roles = resources('AWS::IAM::Role').map(([id]) => id);
    expect(roles.length).toBeGreaterThan(4);
    const putting = roles.filter((id) => putsIn(id).length > 0);
    expect(putting.sort()).toEqual(
      ['ApiCallRole', 'ImageActionRole', 'OrgItemRole', 'ScheduledScanRole'].sort(),
    );
    for (const id of putting) {
      expect(putsIn(id)).toEqual([
        {
          Sid: 'PutFindingEvents',
          Effect: 'Allow',
          Action: ['events:PutEvents'],
          Resource: [getAtt(LOGICAL_IDS.eventBus)],
          Condition: {
            StringEquals: {
              'events:source': 'ecr-tag-auditor',
              'events:detail-type': 'ECR Tag Audit Finding',
            },
          },
        },
      ]);
    }
    // The bus policy (organization mode) allows the organization, and denies the finding source
    // only to other accounts: the stack's own roles put with their IAM permission.
    const busPolicy = resource(LOGICAL_IDS.eventBusPolicy).Properties.Statement as AnyStatement;
    expect(busPolicy.Effect).toBe('Allow');
  });

  it('the event functions have no ECR permission (policy.yml has no rule with remediate: true)', () => {
    for (const key of ['imageAction', 'apiCall'] as const) {
      expect(actions(FUNCTIONS[key].role).filter((a) => a.startsWith('ecr:'))).toEqual([]);
    }
  });

  it('no function can delete from the ledger (a repository delete rewrites records)', () => {
    expect(actions(FUNCTIONS.scheduledScan.role)).not.toContain('dynamodb:DeleteItem');
    expect(actions(FUNCTIONS.imageAction.role)).not.toContain('dynamodb:DeleteItem');
    expect(actions(FUNCTIONS.apiCall.role)).not.toContain('dynamodb:DeleteItem');
  });

  it('only the scan reads ECR, and only with the read calls it needs (ListImages, not DescribeImages)', () => {
    expect(
      actions(FUNCTIONS.scheduledScan.role)
        .filter((a) => a.startsWith('ecr:'))
        .sort(),
    ).toEqual([
      'ecr:DescribeRepositories',
      'ecr:DescribeRepositoryCreationTemplates',
      'ecr:ListImages',
    ]);
  });
});

describe('the organization scan bucket (plans and results, issue 11)', () => {
  it('is encrypted, blocks public access, owns its objects, expires them after 14 days, and is retained', () => {
    const bucket = resource('OrgScanBucket') as unknown as {
      Type: string;
      DeletionPolicy: string;
      Properties: Record<string, unknown>;
    };
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({ Status: 'Enabled', ExpirationInDays: ORG_SCAN_OBJECT_DAYS }),
        ],
      },
    });
    expect(ORG_SCAN_OBJECT_DAYS).toBe(14);
  });

  it('its policy denies every request without TLS, on the bucket and its objects', () => {
    const policy = resource('OrgScanBucketPolicy') as unknown as {
      Properties: { Bucket: unknown; PolicyDocument: { Statement: Record<string, unknown>[] } };
    };
    expect(policy.Properties.Bucket).toEqual({ Ref: 'OrgScanBucket' });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [
          { 'Fn::GetAtt': ['OrgScanBucket', 'Arn'] },
          { 'Fn::Sub': `\${OrgScanBucket.Arn}/*` },
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('each role has only its S3 actions, on its prefix only', () => {
    const s3Grants = (role: string) =>
      (
        resource(role) as unknown as {
          Properties: { Policies: { PolicyDocument?: { Statement: AnyStatement[] } }[] };
        }
      ).Properties.Policies.flatMap((p) => p.PolicyDocument?.Statement ?? [])
        .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))
        .map((s) => [actionsOf(s), s.Resource]);
    const plans = { 'Fn::Sub': `\${OrgScanBucket.Arn}/plans/*` };
    const results = { 'Fn::Sub': `\${OrgScanBucket.Arn}/results/*` };
    expect(s3Grants('OrgPlanRole')).toEqual([[['s3:PutObject'], [plans]]]);
    expect(s3Grants('OrgSummaryRole')).toEqual([[['s3:GetObject'], [results]]]);
    expect(s3Grants('OrgScanStateMachineRole')).toEqual([
      [['s3:GetObject'], [plans]],
      [
        ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        [results],
      ],
    ]);
    expect(s3Grants('OrgItemRole')).toEqual([]);
  });

  it('org-plan and org-summary are told the bucket', () => {
    for (const fn of ['OrgPlanLambdaFunction', 'OrgSummaryLambdaFunction']) {
      const variables = (
        resource(fn) as unknown as {
          Properties: { Environment: { Variables: Record<string, unknown> } };
        }
      ).Properties.Environment.Variables;
      expect(variables.ORG_SCAN_BUCKET).toEqual({ Ref: 'OrgScanBucket' });
    }
  });
});

describe('the Security Hub import (issue 12)', () => {
  const CENTRAL = '111122223333';
  /** CloudFormation's evaluation of the conditions and `Fn::If`s of a value, for a parameter value. */
  function resolve(value: unknown, parameter: string): unknown {
    const condition = (name: string): boolean => {
      const definition = template.Conditions?.[name] as Json;
      const evaluate = (c: unknown): unknown => {
        if (Array.isArray(c)) return c.map(evaluate);
        const record = c as Record<string, unknown>;
        if (record && typeof record === 'object') {
          if ('Ref' in record) return record.Ref === SECURITY_HUB.parameter ? parameter : record;
          if ('Fn::Equals' in record) {
            const [a, b] = evaluate(record['Fn::Equals']) as unknown[];
            return a === b;
          }
          if ('Fn::Not' in record) return !(evaluate(record['Fn::Not']) as unknown[])[0];
        }
        return c;
      };
      return evaluate(definition) as boolean;
    };
    if (Array.isArray(value)) return value.map((v) => resolve(v, parameter));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if ('Fn::If' in record) {
      const [name, yes, no] = record['Fn::If'] as [string, unknown, unknown];
      return resolve(condition(name) ? yes : no, parameter);
    }
    if (record.Ref === 'AWS::AccountId') return CENTRAL;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v, parameter)]));
  }
  const importResources = () =>
    Object.entries(template.Resources).filter(([, r]) => r.Condition === SECURITY_HUB.condition);
  const findingEvent = (detail: Finding, account = CENTRAL) => ({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'ECR Tag Audit Finding',
    source: 'ecr-tag-auditor',
    account,
    time: '2025-07-24T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });

  it('exists only with the parameter SecurityHubMinSeverity, empty by default', () => {
    // Assess: every resource of the import, and only they, carry the condition.
    expect(
      importResources()
        .map(([id]) => id)
        .sort(),
    ).toEqual([
      'SecurityHubImportLambdaEvConf',
      'SecurityHubImportLambdaFunction',
      'SecurityHubImportLogGroup',
      'SecurityHubImportPermission',
      'SecurityHubImportRole',
      'SecurityHubImportRule',
    ]);
    expect(resolve({ 'Fn::If': [SECURITY_HUB.condition, 'on', 'off'] }, '')).toBe('off');
    for (const severity of SEVERITIES)
      expect(resolve({ 'Fn::If': [SECURITY_HUB.condition, 'on', 'off'] }, severity)).toBe('on');
    expect(template.Parameters?.[SECURITY_HUB.parameter]).toMatchObject({
      Type: 'String',
      Default: '',
      AllowedValues: ['', 'INFO', 'LOW', 'MEDIUM', 'HIGH'],
    });
    expect(SECURITY_HUB_PARAMETER_VALUES).toEqual(['', ...SEVERITIES]);
    expect(template.Outputs.SecurityHubImportRoleArn).toMatchObject({
      Condition: SECURITY_HUB.condition,
      Value: getAtt(SECURITY_HUB.role),
    });
  });

  it.each(SEVERITIES)(
    'with %s, routes the stack’s findings at or above it and every resolution, and nothing else',
    (minimum) => {
      // Prepare
      const rule = resource(SECURITY_HUB.rule).Properties;
      const pattern = resolve(rule.EventPattern, minimum);
      for (const kind of FINDING_KINDS) {
        for (const severity of SEVERITIES) {
          const event = findingEvent(sampleFinding(kind, { severity }));
          // Act
          const routed = eventBridgeMatches(pattern, event);
          // Assess
          expect(routed, `${kind} ${severity}`).toBe(
            isAtLeast(severity, minimum) || kind === 'CONFIG_DRIFT_RESOLVED',
          );
          expect(eventBridgeMatches(pattern, findingEvent(event.detail, '210987654321'))).toBe(
            false,
          );
        }
      }
    },
  );

  it('its rule is on the stack bus, its target the function, retried then dead-lettered', () => {
    const rule = resource(SECURITY_HUB.rule).Properties;
    expect(rule.EventBusName).toEqual({ Ref: LOGICAL_IDS.eventBus });
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([
      {
        Id: 'securityhub-import',
        Arn: getAtt(SECURITY_HUB.lambda),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: getAtt(LOGICAL_IDS.failureQueue) },
      },
    ]);
    expect(resource(SECURITY_HUB.permission).Properties).toEqual({
      FunctionName: getAtt(SECURITY_HUB.lambda),
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(SECURITY_HUB.rule),
    });
    const invokeConfig = resource('SecurityHubImportLambdaEvConf').Properties;
    expect(invokeConfig.DestinationConfig).toEqual({
      OnFailure: { Destination: getAtt(LOGICAL_IDS.failureQueue) },
    });
    const fn = resource(SECURITY_HUB.lambda).Properties as {
      Handler: string;
      Role: unknown;
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };
    expect(fn.Handler).toBe('dist/handlers/securityhub-import.handler');
    expect(fn.Role).toEqual(getAtt(SECURITY_HUB.role));
    expect(fn.Timeout).toBeLessThanOrEqual(60);
    expect(fn.Environment.Variables.SECURITYHUB_IMPORT_ROLE_NAME).toBe(SECURITY_HUB.importRoleName);
  });

  it('its role: BatchImportFindings on this account’s default product only, and the member import role', () => {
    const statements = (
      resource(SECURITY_HUB.role).Properties.Policies as {
        PolicyDocument: { Statement: AnyStatement[] };
      }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'securityhub:BatchImportFindings',
      'sqs:SendMessage',
      'sts:AssumeRole',
    ]);
    const byId = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(byId('ImportOwnFindings')?.Resource).toEqual([
      {
        'Fn::Sub':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
          'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
      },
    ]);
    expect(byId('AssumeMemberImportRole')).toEqual({
      Sid: 'AssumeMemberImportRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: [
        { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${SECURITY_HUB.importRoleName}` },
      ],
      Condition: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub escape of an IAM policy variable
        StringEquals: { 'aws:ResourceOrgID': { 'Fn::Sub': '${!aws:PrincipalOrgID}' } },
      },
    });
    // Every other statement is scoped to this stack, account and region.
    expect(
      leastPrivilegeViolations(statements.filter((s) => s.Sid !== 'AssumeMemberImportRole')),
    ).toEqual([]);
  });
});
