/**
 * `ecr-tag-auditor scan` in-process against the fake ECR (test/fakes/ecr.ts), through the real SDK
 * client the command builds, pointed at the fake by `AWS_ENDPOINT_URL_ECR`: what consecutive runs
 * on one `--state` file report (docs/cli.md#scan).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AsffFinding } from '../../lib/render/asff.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';
import { batchProblems } from '../support/asff.ts';
import { digest } from '../support/digest.ts';
import {
  linesOf,
  parseFindings,
  runCli,
  specPolicy,
  stubAwsCredentials,
  tempDir,
} from './support.ts';

const REGION = 'eu-west-1';
let ecr: FakeEcr;
let server: StartedServer;

beforeEach(async () => {
  ecr = new FakeEcr({ region: REGION });
  server = await ecr.start();
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', server.endpoint);
  // The default credential chain, resolved from the environment only: no profile, no IMDS.
  stubAwsCredentials();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

/** One `scan --state` run with `options`. */
function scanWith(policy: string, state: string, ...options: string[]) {
  return runCli(['scan', '--policy', policy, '--region', REGION, '--state', state, ...options]);
}

/** One `scan --state` run, every finding printed as JSON, failing on HIGH. */
async function scan(policy: string, state: string) {
  const run = await scanWith(
    policy,
    state,
    '--format',
    'json',
    '--min-severity',
    'INFO',
    '--fail-on',
    'HIGH',
  );
  return { ...run, findings: run.code === 2 ? [] : parseFindings(run.stdout) };
}

/**
 * A repository as the example policy's default wants it, its tag v1 at digest 1 seen by a first
 * run on a new --state file, then moved to digest 2 with no event reaching the auditor.
 */
async function seededThenMoved() {
  const dir = tempDir();
  const policy = specPolicy(dir);
  const state = join(dir, 'state.json');
  ecr.addRepository('web', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    filters: ['dev-*', 'sha256-*'],
  });
  ecr.pushImage('web', 'v1', digest(1));
  const seeding = await scan(policy, state);
  ecr.pushImage('web', 'v1', digest(2));
  return { policy, state, seeding };
}

describe('scan --state, run after run', () => {
  it('reports an overwrite in the run that finds it, and not again in the next (--fail-on passes)', async () => {
    // Prepare
    const { policy, state, seeding } = await seededThenMoved();
    // Act
    const run1 = await scan(policy, state);
    const run2 = await scan(policy, state);
    // Assess
    expect(seeding.code).toBe(0);
    expect(seeding.findings).toEqual([]);
    expect(run1.code).toBe(1);
    expect(run1.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        tag: 'v1',
        previousDigest: digest(1),
        digest: digest(2),
        detectedBy: 'scan',
      },
    ]);
    expect(run2.findings).toEqual([]);
    expect(run2.code).toBe(0);
  });

  it('reports a drift that lasts in every run, with the same id: it is the registry as it is now', async () => {
    // Prepare: a repository looser than the policy wants
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    ecr.addRepository('web', { imageTagMutability: 'MUTABLE' });
    // Act
    const run1 = await scan(policy, state);
    const run2 = await scan(policy, state);
    // Assess
    expect(run1.findings).toMatchObject([{ kind: 'CONFIG_DRIFT', repository: 'web' }]);
    expect(run2.findings.map((f) => f.id)).toEqual(run1.findings.map((f) => f.id));
    expect([run1.code, run2.code]).toEqual([1, 1]);
  });

  it('writes the html report with the moved tag’s history from the --state ledger', async () => {
    // Prepare
    const { policy, state } = await seededThenMoved();
    // Act
    const run = await scanWith(policy, state, '--format', 'html');
    // Assess: both scans' sightings of v1, as the ledger holds them
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<!doctype html>/);
    expect(run.stdout).toContain(
      'History of tag <code>v1</code>, oldest first, as the ledger recorded it',
    );
    expect(run.stdout.match(/<li class="entry push (from|to)"/g)).toEqual([
      '<li class="entry push from"',
      '<li class="entry push to"',
    ]);
  });
});

describe('scan: the ECR calls it makes and the permissions its help names', () => {
  it('lists tags with ListImages, never DescribeImages, and --help names exactly the actions called', async () => {
    // Prepare: tag v1 seen by a first run, then moved
    const { policy, state } = await seededThenMoved();
    ecr.reset();
    // Act
    const run = await scan(policy, state);
    const help = await runCli(['scan', '--help']);
    // Assess: the move found from the tags listed, with these calls only
    expect(run.findings).toMatchObject([{ kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1' }]);
    const called = [...new Set(ecr.requests.map((r) => `ecr:${r.operation}`))].sort();
    expect(called).toEqual([
      'ecr:DescribeRepositories',
      'ecr:DescribeRepositoryCreationTemplates',
      'ecr:ListImages',
    ]);
    expect(ecr.count('DescribeImages')).toBe(0);
    for (const action of called) expect(help.stdout).toContain(action);
    expect(help.stdout).not.toContain('ecr:DescribeImages');
  });
});

describe('scan --format asff', () => {
  it('imports a drift into the scanned account and region, the exclusion mode kept exact', async () => {
    // Prepare
    const dir = tempDir();
    ecr.addRepository('payments', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['release-*'],
    });
    ecr.addTemplate('team-a', { imageTagMutability: 'MUTABLE' });
    // Act
    const run = await runCli([
      'scan',
      '--policy',
      specPolicy(dir),
      '--region',
      REGION,
      '--format',
      'asff',
    ]);
    // Assess
    expect(run.code).toBe(0);
    const [request, ...more] = linesOf(run.stdout).map((line) => JSON.parse(line));
    expect(more).toEqual([]);
    expect(batchProblems(request)).toEqual([]);
    const findings: AsffFinding[] = request.Findings;
    expect(findings.map((f) => f.ProductArn)).toEqual([
      `arn:aws:securityhub:${REGION}:${ecr.accountId}:product/${ecr.accountId}/default`,
      `arn:aws:securityhub:${REGION}:${ecr.accountId}:product/${ecr.accountId}/default`,
    ]);
    expect(findings.map((f) => f.ProductFields['ecr-tag-auditor/kind']).sort()).toEqual([
      'CONFIG_DRIFT',
      'TEMPLATE_DRIFT',
    ]);
    const drift = findings.find((f) => f.Resources[0]?.Type === 'AwsEcrRepository');
    expect(drift?.Resources[0]?.Details).toEqual({
      AwsEcrRepository: { RepositoryName: 'payments' },
      Other: {
        ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        ImageTagMutabilityExclusionFilters: 'release-*',
      },
    });
  });
});
