/**
 * `ecr-tag-auditor scan` across accounts (`--accounts`, `--organization`), in-process, through
 * the real SDK clients the command builds, pointed by `AWS_ENDPOINT_URL_*` at the fake STS,
 * Organizations and the fake ECR fleet (docs/cli.md#scanning-several-accounts).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEcrFleet } from '../fakes/ecr-fleet.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeOrganizations } from '../fakes/organizations.ts';
import { FakeSts } from '../fakes/sts.ts';
import { digest } from '../support/digest.ts';
import {
  linesOf,
  parseFindings,
  runCli,
  specPolicy,
  stubAwsCredentials,
  tempDir,
  write,
} from './support.ts';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const ROLE = 'ecr-tag-auditor-scan';
const roleOf = (account: string) => `arn:aws:iam::${account}:role/${ROLE}`;

let fleet: FakeEcrFleet;
let sts: FakeSts;
let organizations: FakeOrganizations;
let servers: StartedServer[];

beforeEach(async () => {
  fleet = new FakeEcrFleet();
  sts = new FakeSts();
  organizations = new FakeOrganizations();
  servers = await Promise.all([fleet.start(), sts.start(), organizations.start()]);
  const [ecrServer, stsServer, organizationsServer] = servers;
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecrServer?.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', stsServer?.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', organizationsServer?.endpoint);
  // The caller's credentials, from the environment only: no profile, no IMDS.
  stubAwsCredentials();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.map((s) => s.close()));
});

/** One `scan` run across accounts, every finding printed as JSON, failing on HIGH. */
async function scan(...args: string[]) {
  const run = await runCli([
    'scan',
    '--role-name',
    ROLE,
    '--region',
    'eu-west-1',
    '--format',
    'json',
    '--min-severity',
    'INFO',
    '--fail-on',
    'HIGH',
    ...args,
  ]);
  return { ...run, findings: run.code === 2 ? [] : parseFindings(run.stdout) };
}

describe('scan --accounts', () => {
  it('scans 3 accounts × 2 regions; names the ones not scanned (exit 3) and prints the others’ findings, run after run on one --state', async () => {
    // Prepare: account A as the policy wants but for one loose repository; B's role does not
    // trust the caller; STS throttles every AssumeRole into C beyond the retries
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const accounts = write(
      dir,
      'accounts.txt',
      `# the audited accounts\n${A}\n${B}  # denied\n\n${C}\n`,
    );
    const wanted = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
      filters: ['dev-*', 'sha256-*'],
    };
    for (const region of ['eu-west-1', 'us-east-1']) {
      fleet.registry(A, region).addRepository('api', wanted);
      fleet.registry(A, region).pushImage('api', 'v1', digest(1));
    }
    fleet.registry(A, 'eu-west-1').addRepository('web', { imageTagMutability: 'MUTABLE' });
    fleet.registry(B, 'eu-west-1').addRepository('hidden', { imageTagMutability: 'MUTABLE' });
    sts.denyRole(roleOf(B));
    sts.injectWith('AssumeRole', ({ body }) =>
      (body as { RoleArn?: string }).RoleArn === roleOf(C) ? fault.throttle() : undefined,
    );
    const args = ['--policy', policy, '--accounts', accounts, '--regions', 'eu-west-1,us-east-1'];
    const seeding = await scan(...args, '--state', state, '--concurrency', '3');
    // v1 moves in one account-region only, with no event reaching the auditor
    fleet.registry(A, 'us-east-1').pushImage('api', 'v1', digest(2));
    // Act
    const run = await scan(...args, '--state', state, '--concurrency', '3');
    // Assess
    const notScanned = `4 account-region(s) not scanned: ${B}/eu-west-1, ${B}/us-east-1, ${C}/eu-west-1, ${C}/us-east-1`;
    for (const r of [seeding, run]) {
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(notScanned);
      expect(r.stderr).toContain(`${B}/eu-west-1: not scanned: cannot assume ${roleOf(B)}`);
      expect(r.stderr).toMatch(
        new RegExp(`${C}/us-east-1: not scanned: cannot assume .*Rate exceeded`),
      );
      expect(r.stderr).toContain('scanned 2 of 6 account-regions: 3 repositories');
    }
    expect(seeding.findings).toMatchObject([
      { kind: 'CONFIG_DRIFT', account: A, region: 'eu-west-1', repository: 'web' },
    ]);
    expect(run.findings).toMatchObject([
      { kind: 'CONFIG_DRIFT', account: A, region: 'eu-west-1', repository: 'web' },
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        account: A,
        region: 'us-east-1',
        repository: 'api',
        tag: 'v1',
        previousDigest: digest(1),
        digest: digest(2),
        detectedBy: 'scan',
      },
    ]);
    expect(run.findings).toHaveLength(2);
    // one AssumeRole per account-region and run; B's registry never read
    expect(sts.issuedFor(A)).toHaveLength(4);
    expect(
      sts
        .issuedFor(A)
        .map((c) => c.signedRegion)
        .sort(),
    ).toEqual(['eu-west-1', 'eu-west-1', 'us-east-1', 'us-east-1']);
    expect(fleet.registry(B, 'eu-west-1').count()).toBe(0);
  });

  it('keeps in --state what it knew of an account-region a run could not scan', async () => {
    // Prepare: A seeded; then a run where A's role is refused while v1 moves; then A again
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const accounts = write(dir, 'accounts.txt', `${A}\n${B}\n`);
    for (const account of [A, B]) {
      fleet.registry(account, 'eu-west-1').addRepository('api', {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        filters: ['dev-*', 'sha256-*'],
      });
      fleet.registry(account, 'eu-west-1').pushImage('api', 'v1', digest(1));
    }
    const args = ['--policy', policy, '--accounts', accounts, '--state', state];
    const seeding = await scan(...args);
    sts.denyRole(roleOf(A));
    fleet.registry(A, 'eu-west-1').pushImage('api', 'v1', digest(2));
    // Act
    const denied = await scan(...args);
    sts.reset();
    const again = await scan(...args);
    // Assess
    expect([seeding.code, denied.code, again.code]).toEqual([0, 3, 1]);
    expect(denied.stderr).toContain(`1 account-region(s) not scanned: ${A}/eu-west-1`);
    expect(denied.findings).toEqual([]);
    expect(again.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        account: A,
        region: 'eu-west-1',
        previousDigest: digest(1),
        digest: digest(2),
      },
    ]);
  });

  it('refuses bad combinations and bad accounts files as usage errors (exit 2)', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const accounts = write(dir, 'accounts.txt', `${A}\n12345\n`);
    // Act
    const badLine = await scan('--policy', policy, '--accounts', accounts);
    const both = await scan('--policy', policy, '--accounts', accounts, '--organization');
    const noRole = await runCli(['scan', '--policy', policy, '--organization']);
    const regionsAlone = await runCli(['scan', '--policy', policy, '--regions', 'eu-west-1']);
    const badRegion = await scan('--policy', policy, '--organization', '--regions', 'Mars');
    // Assess
    expect(badLine.stderr).toContain(`${accounts}:2: not a 12-digit account id: "12345"`);
    expect(both.stderr).toContain('--accounts and --organization cannot be used together');
    expect(noRole.stderr).toContain('--role-name NAME is required');
    expect(regionsAlone.stderr).toContain('--regions needs --accounts FILE or --organization');
    expect(badRegion.stderr).toContain('not an AWS region name: "Mars"');
    expect([badLine, both, noRole, regionsAlone, badRegion].map((r) => r.code)).toEqual([
      2, 2, 2, 2, 2,
    ]);
    expect(sts.count()).toBe(0);
  });
});

describe('scan --organization', () => {
  it('scans the organization’s active accounts, one progress line per account-region', async () => {
    // Prepare: C is suspended
    const dir = tempDir();
    const policy = specPolicy(dir);
    organizations.addAccount(B);
    organizations.addAccount(C, 'SUSPENDED');
    organizations.addAccount(A);
    for (const account of [A, B]) {
      fleet.registry(account, 'eu-west-1').addRepository('api', {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        filters: ['dev-*', 'sha256-*'],
      });
    }
    // Act
    const run = await scan('--policy', policy, '--organization');
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toEqual([]);
    const progress = linesOf(run.stderr).filter((l) => /^\d{12}\//.test(l));
    expect(progress.sort()).toEqual([
      `${A}/eu-west-1: 1 repositories (0 ignored, 0 failed), 0 templates, 0 tags; 0 finding(s)`,
      `${B}/eu-west-1: 1 repositories (0 ignored, 0 failed), 0 templates, 0 tags; 0 finding(s)`,
    ]);
    expect(sts.issuedFor(C)).toEqual([]);
    expect(sts.issued.map((c) => c.roleArn).sort()).toEqual([roleOf(A), roleOf(B)]);
  });

  it('is a usage error (exit 2) when the caller cannot list the organization', async () => {
    // Prepare
    const dir = tempDir();
    organizations.callerIsMember = true;
    // Act
    const run = await scan('--policy', specPolicy(dir), '--organization');
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot list the organization's accounts");
  });
});
