/**
 * `ecr-tag-auditor member-template` (docs/organization.md, docs/cli.md), in-process.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support.ts';

const BUS = 'arn:aws:events:eu-west-1:111122223333:event-bus/ecr-tag-auditor-prod-events';
const ROLE = 'arn:aws:iam::111122223333:role/ecr-tag-auditor-prod-ScheduledScanRole-X1';

describe('member-template', () => {
  it('prints the template as JSON: exit 0, nothing on stderr', async () => {
    // Act
    const run = await runCli(['member-template']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const template = JSON.parse(run.stdout);
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(template.Resources).sort()).toEqual([
      'ForwardApiCallRule',
      'ForwardDeadLetterQueue',
      'ForwardDeadLetterQueuePolicy',
      'ForwardImageActionRule',
      'ForwardRole',
      'ScanRole',
      'SecurityHubImportRole',
    ]);
    expect(template.Parameters.CentralBusArn.Default).toBeUndefined();
  });

  it('the ARN options become the parameters’ defaults', async () => {
    // Act
    const run = await runCli([
      'member-template',
      '--central-bus-arn',
      BUS,
      '--central-scan-role-arn',
      ROLE,
    ]);

    // Assess
    expect(run.code).toBe(0);
    const template = JSON.parse(run.stdout);
    expect(template.Parameters.CentralBusArn.Default).toBe(BUS);
    expect(template.Parameters.CentralScanRoleArn.Default).toBe(ROLE);
  });

  it.each([
    ['--central-bus-arn', 'arn:aws:events:eu-west-1:111122223333:rule/x', '--central-bus-arn'],
    ['--central-bus-arn', 'not-an-arn', '--central-bus-arn'],
    [
      '--central-bus-arn',
      'arn:aws:events:eu-west-1:111122223333:event-bus/<!channel>',
      '--central-bus-arn',
    ],
    ['--central-scan-role-arn', 'arn:aws:iam::111122223333:user/dev', '--central-scan-role-arn'],
    ['--central-scan-role-arn', BUS, '--central-scan-role-arn'],
  ])('%s %s: exit 2, no output, the option named', async (option, value, named) => {
    // Act
    const run = await runCli(['member-template', option, value]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(named);
  });

  it('an argument: exit 2', async () => {
    // Act
    const run = await runCli(['member-template', 'extra']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('--help: the options and exit codes on stdout, exit 0', async () => {
    // Act
    const run = await runCli(['member-template', '--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ecr-tag-auditor member-template');
    expect(run.stdout).toContain('--central-bus-arn ARN');
    expect(run.stdout).toContain('--central-scan-role-arn ARN');
    expect(run.stdout).toContain('Exit codes: 0 printed, 2 usage error');
  });

  it('is listed in the main help', async () => {
    // Act
    const run = await runCli(['--help']);

    // Assess
    expect(run.stdout).toMatch(/^ {2}member-template +print the CloudFormation template/m);
  });
});
