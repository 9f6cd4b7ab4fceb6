/**
 * The template packaged from a policy with `remediate: true` rules (docs/remediation.md#iam-of-the-automatic-path):
 * the build writes the policy it inlines to dist/policy.json, and the api-call role gets, per
 * such rule, PutImageTagMutability and DescribeRepositories on that rule's repositories in this
 * account and region (conditions for its accounts and regions) — and no other role, no template
 * action. The same template without such a rule is checked in package.test.ts (no ECR action).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/stack.ts';
import { mirrorRepository } from '../support/mirror.ts';
import {
  type AnyStatement,
  actionsOf,
  leastPrivilegeViolations,
  offlinePackagingEnv,
} from './support.ts';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const POLICY = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["prod/*", "payments", "team/**"]
    imageTagMutability: IMMUTABLE
    remediate: true
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
  - accounts: ["111111111111"]
    regions: ["eu-west-1"]
    imageTagMutability: IMMUTABLE
    remediate: true
`;

interface Role {
  Properties: { Policies: { PolicyDocument: { Statement: AnyStatement[] } }[] };
}

let work: string;
let template: { Resources: Record<string, Role & { Type: string }> };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-package-remediate-'));
  const mirror = mirrorRepository(join(work, 'repo'), {
    copy: ['serverless.yml'],
    write: { 'policy.yml': POLICY },
  });
  const home = join(work, 'home');
  mkdirSync(home);
  const env = offlinePackagingEnv(home);
  const options = { cwd: mirror, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };
  const output = join(work, 'package');
  try {
    await execFileAsync(process.execPath, [join(ROOT, 'scripts/build.mjs')], options);
    await execFileAsync(
      process.execPath,
      [
        join(ROOT, 'node_modules/osls/bin/serverless.js'),
        'package',
        '--stage',
        'ci',
        '--region',
        'eu-west-1',
        '--package',
        output,
      ],
      options,
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`build or package failed:\n${stdout}\n${stderr}`, { cause: error });
  }
  template = JSON.parse(
    readFileSync(join(output, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every statement of a role's inline policies, also those inside an `Fn::If`. */
function statementsOf(role: string): AnyStatement[] {
  const found: AnyStatement[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (typeof value === 'object' && value !== null) {
      const statement = (value as { Statement?: unknown }).Statement;
      if (Array.isArray(statement)) found.push(...(statement as AnyStatement[]));
      else for (const item of Object.values(value)) walk(item);
    }
  };
  walk((template.Resources[role] as Role).Properties.Policies);
  return found;
}
const repositoryArn = (pattern: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${pattern}`,
});

describe('a policy with remediate: true', () => {
  it('gives api-call one statement per such rule, on its globs as IAM patterns, with its accounts and regions as conditions', () => {
    // Act
    const statements = statementsOf(FUNCTIONS.apiCall.role).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ecr:')),
    );
    // Assess
    expect(statements).toEqual([
      {
        Sid: 'AutoRemediateRule1',
        Effect: 'Allow',
        Action: ['ecr:PutImageTagMutability', 'ecr:DescribeRepositories'],
        Resource: [repositoryArn('prod/*'), repositoryArn('payments'), repositoryArn('team/*')],
      },
      {
        Sid: 'AutoRemediateRule3',
        Effect: 'Allow',
        Action: ['ecr:PutImageTagMutability', 'ecr:DescribeRepositories'],
        Resource: [repositoryArn('*')],
        Condition: {
          StringEquals: {
            'aws:ResourceAccount': ['111111111111'],
            'aws:RequestedRegion': ['eu-west-1'],
          },
        },
      },
    ]);
    expect(leastPrivilegeViolations(statementsOf(FUNCTIONS.apiCall.role))).toEqual([]);
  });

  it('gives no other role an ECR write, and nobody a template action', () => {
    // Act
    const writers = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([id]) =>
        statementsOf(id).some((s) => actionsOf(s).includes('ecr:PutImageTagMutability')),
      )
      .map(([id]) => id);
    const templateWriters = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([id]) =>
        statementsOf(id).some((s) => actionsOf(s).includes('ecr:UpdateRepositoryCreationTemplate')),
      );
    // Assess
    expect(writers).toEqual([FUNCTIONS.apiCall.role]);
    expect(templateWriters).toEqual([]);
  });
});
