/**
 * `ecr-tag-auditor remediate` in-process against the fake ECR (test/fakes/ecr.ts), through the
 * real SDK client the command builds, pointed at the fake by `AWS_ENDPOINT_URL_ECR`; the ledger
 * is a `--state` file written by `scan --state` runs, as a user's would be (docs/remediation.md).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEcr } from '../fakes/ecr.ts';
import { FakeEcrFleet } from '../fakes/ecr-fleet.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSts } from '../fakes/sts.ts';
import { digest } from '../support/digest.ts';
import { linesOf, runCli, specPolicy, stubAwsCredentials, tempDir, write } from './support.ts';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
let ecr: FakeEcr;
let server: StartedServer;

beforeEach(async () => {
  ecr = new FakeEcr({ region: REGION, accountId: ACCOUNT });
  server = await ecr.start();
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', server.endpoint);
  stubAwsCredentials();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

/**
 * The registry of the examples: under the example policy (default IMMUTABLE_WITH_EXCLUSION
 * [dev-*, sha256-*], payments IMMUTABLE, sandbox/** MUTABLE, cache/** ignored) web and payments
 * are loosened, the template team-a too, sandbox/x is tightened, api is equal. `latest` of web
 * moves twice between three scans that write the `--state` file.
 */
async function seed(dir: string): Promise<{ policy: string; state: string }> {
  const policy = specPolicy(dir);
  const state = join(dir, 'state.json');
  ecr.addRepository('web', { imageTagMutability: 'MUTABLE' });
  ecr.addRepository('payments', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    filters: ['release-*'],
  });
  ecr.addRepository('api', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    filters: ['sha256-*', 'dev-*'],
  });
  ecr.addRepository('sandbox/x', { imageTagMutability: 'IMMUTABLE' });
  ecr.addRepository('cache/hub/nginx', { imageTagMutability: 'MUTABLE' });
  ecr.addTemplate('team-a', {
    imageTagMutability: 'MUTABLE',
    description: "Team A's repositories",
    appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
    lifecyclePolicy: '{"rules":[]}',
  });
  ecr.pushImage('web', 'v1', digest(10));
  ecr.pushImage('web', 'dev-1', digest(20));
  ecr.pushImage('payments', 'release-1', digest(30));
  for (const n of [1, 2, 3]) {
    ecr.pushImage('web', 'latest', digest(n));
    const scan = await runCli(['scan', '--policy', policy, '--region', REGION, '--state', state]);
    expect(scan.code).toBe(0);
  }
  ecr.reset();
  return { policy, state };
}

function remediate(...args: string[]) {
  return runCli(['remediate', '--region', REGION, ...args]);
}

const writes = () =>
  ecr.count('PutImageTagMutability') + ecr.count('UpdateRepositoryCreationTemplate');

describe('remediate (dry run)', () => {
  it('plans what exposes tags, names the tags that become immutable with their overwrites, and changes nothing', async () => {
    // Prepare
    const { policy, state } = await seed(tempDir());
    // Act
    const run = await remediate('--policy', policy, '--state', state);
    // Assess
    expect(run.code).toBe(0);
    expect(writes()).toBe(0);
    const rows = linesOf(run.stdout).slice(1, 4);
    expect(rows.map((row) => row.split(/\s{2,}/)[2])).toEqual([
      'template:team-a',
      'payments',
      'web',
    ]);
    expect(run.stdout).toContain(
      'latest moved 2 times in the last 30 days: these pushes will be refused after this change',
    );
    expect(run.stdout).toContain('Not moved in the last 30 days: v1.');
    expect(run.stdout).toContain(
      `command: aws ecr put-image-tag-mutability --region ${REGION} --registry-id ${ACCOUNT} --repository-name web --image-tag-mutability IMMUTABLE_WITH_EXCLUSION --image-tag-mutability-exclusion-filters 'filterType=WILDCARD,filter=dev-*' 'filterType=WILDCARD,filter=sha256-*'`,
    );
    expect(run.stdout).toContain('Not moved in the last 30 days: release-1.');
    expect(run.stderr).toBe(
      `ecr-tag-auditor: compared 1 templates and 4 repositories in ${ACCOUNT}/${REGION} (1 ignored, 1 equal); 3 change(s) planned, 1 tightened not planned (--include-tightened); dry run: nothing changed (--apply applies the plan)\n`,
    );
  });

  it('prints the plans as JSON: the exact requests, the commands and the impact', async () => {
    // Prepare
    const { policy, state } = await seed(tempDir());
    // Act
    const run = await remediate('--policy', policy, '--state', state, '--format', 'json');
    // Assess
    const plans = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(plans.map((p) => p.request)).toEqual([
      {
        operation: 'UpdateRepositoryCreationTemplate',
        input: {
          prefix: 'team-a',
          description: "Team A's repositories",
          encryptionConfiguration: { encryptionType: 'AES256' },
          resourceTags: [],
          lifecyclePolicy: '{"rules":[]}',
          appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [
            { filterType: 'WILDCARD', filter: 'dev-*' },
            { filterType: 'WILDCARD', filter: 'sha256-*' },
          ],
        },
      },
      {
        operation: 'PutImageTagMutability',
        input: { registryId: ACCOUNT, repositoryName: 'payments', imageTagMutability: 'IMMUTABLE' },
      },
      expect.objectContaining({ operation: 'PutImageTagMutability' }),
    ]);
    expect(plans[2]).toMatchObject({
      repository: 'web',
      direction: 'LOOSENED',
      impact: {
        tags: 3,
        historyKnown: true,
        flips: [
          { tag: 'latest', becomes: 'immutable', overwrites: 2, viaDelete: 0, complete: true },
          { tag: 'v1', becomes: 'immutable', overwrites: 0 },
        ],
      },
      result: null,
    });
    expect(plans[0]).toMatchObject({
      impact: null,
      awsCli: expect.stringContaining('--cli-input-json'),
    });
  });

  it('without --state, names the tags ECR lists and says their overwrites are unknown', async () => {
    // Prepare
    const { policy } = await seed(tempDir());
    // Act
    const run = await remediate('--policy', policy, '--repositories', 'web');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'latest, v1. No ledger (--state): how often they were overwritten is unknown',
    );
    expect(run.stderr).toContain('no --state: overwrite counts unknown');
    expect(ecr.count('DescribeImages')).toBe(1);
  });

  it('narrows to --repositories globs and plans tightened drift with --include-tightened', async () => {
    // Prepare
    const { policy, state } = await seed(tempDir());
    // Act
    const run = await remediate(
      '--policy',
      policy,
      '--state',
      state,
      '--repositories',
      'sandbox/**',
      '--repositories',
      'api',
      '--include-tightened',
      '--format',
      'ndjson',
    );
    // Assess
    const plans = linesOf(run.stdout).map((line) => JSON.parse(line));
    expect(plans.map((p) => [p.repository, p.direction])).toEqual([['sandbox/x', 'TIGHTENED']]);
    expect(plans[0].request.input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'sandbox/x',
      imageTagMutability: 'MUTABLE',
    });
    expect(run.stderr).toContain('compared 0 templates and 2 repositories');
  });

  it('prints a markdown report', async () => {
    // Prepare
    const { policy, state } = await seed(tempDir());
    // Act
    const run = await remediate('--policy', policy, '--state', state, '--format', 'markdown');
    // Assess
    expect(run.stdout).toMatch(/^# ecr-tag-auditor remediation plan\n\n3 change\(s\): 3 LOOSENED/);
    expect(run.stdout).toContain('```sh\naws ecr put-image-tag-mutability');
  });
});

describe('remediate --apply', () => {
  it('applies each change, reads it back EQUAL, keeps a template’s other settings, and plans nothing the next time', async () => {
    // Prepare: the fake resets template settings a request leaves out (its default)
    const { policy, state } = await seed(tempDir());
    // Act
    const run = await remediate('--policy', policy, '--state', state, '--apply');
    const again = await remediate('--policy', policy, '--state', state, '--apply');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.match(/ {2}result: {2}EQUAL \(read back: /g)).toHaveLength(3);
    expect(run.stderr).toContain(
      '3 change(s) planned, 1 tightened not planned (--include-tightened); applied 3: 3 EQUAL, 0 failed',
    );
    expect(ecr.repository('web')).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: [
        { filterType: 'WILDCARD', filter: 'dev-*' },
        { filterType: 'WILDCARD', filter: 'sha256-*' },
      ],
    });
    expect(ecr.repository('payments')).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      filters: [],
    });
    expect(ecr.repository('sandbox/x').imageTagMutability).toBe('IMMUTABLE');
    expect(ecr.templates.get('team-a')).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      description: "Team A's repositories",
      appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
      lifecyclePolicy: '{"rules":[]}',
    });
    expect(ecr.count('PutImageTagMutability')).toBe(2);
    expect(ecr.count('UpdateRepositoryCreationTemplate')).toBe(1);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Nothing to remediate.\n');
    expect(again.stderr).toContain('0 change(s) planned');
  });

  it('goes on past a change ECR refuses, names it and exits 3', async () => {
    // Prepare: the caller may not change payments
    const { policy, state } = await seed(tempDir());
    ecr.injectWith('PutImageTagMutability', ({ body }) =>
      (body as { repositoryName?: string }).repositoryName === 'payments'
        ? fault.error(
            'AccessDeniedException',
            400,
            'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:PutImageTagMutability',
          )
        : undefined,
    );
    // Act
    const run = await remediate('--policy', policy, '--state', state, '--apply', '--rate', '20');
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'payments: remediation failed: AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:PutImageTagMutability\n',
    );
    expect(run.stderr).toContain('applied 3: 2 EQUAL, 1 failed');
    expect(ecr.repository('web').imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(ecr.repository('payments').imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(ecr.count('PutImageTagMutability')).toBe(2);
  });

  it('reports the creation templates it cannot read (exit 3) and still remediates the repositories', async () => {
    // Prepare
    const { policy, state } = await seed(tempDir());
    ecr.inject(
      'DescribeRepositoryCreationTemplates',
      fault.error('AccessDeniedException', 400, 'no'),
    );
    // Act
    const run = await remediate('--policy', policy, '--state', state, '--apply');
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('repository creation templates: cannot read: no');
    expect(ecr.count('PutImageTagMutability')).toBe(2);
  });
});

describe('remediate: bad input', () => {
  it.each([
    [['--rate', '5'], 'remediate: --rate needs --apply'],
    [['--apply', '--rate', '0'], 'remediate: --rate must be a whole number from 1 to 20 (got "0")'],
    [
      ['--history-days', '1.5'],
      'remediate: --history-days must be a whole number from 1 to 365 (got "1.5")',
    ],
    [
      ['--repositories', 'Prod/*'],
      'remediate: --repositories: repository glob "Prod/*" can never match',
    ],
    [['--region', 'EU-WEST-1'], 'remediate: --region "EU-WEST-1" is not a valid AWS region'],
    [
      ['--format', 'yaml'],
      'remediate: --format must be one of table, json, ndjson, markdown (got "yaml")',
    ],
    [['--role-name', 'x'], 'remediate: --role-name needs --accounts FILE or --organization'],
    [['extra'], 'remediate: unexpected argument "extra"'],
  ])('refuses %j with one line naming the option (exit 2)', async (args, message) => {
    // Prepare
    const policy = specPolicy(tempDir());
    // Act
    const run = await remediate('--policy', policy, ...args);
    // Assess
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(message);
    expect(ecr.count()).toBe(0);
  });

  it('refuses a --state file that does not exist: remediate never creates one', async () => {
    // Prepare
    const dir = tempDir();
    // Act
    const run = await remediate('--policy', specPolicy(dir), '--state', join(dir, 'nope.json'));
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope.json: no such file (remediate reads the ledger');
  });

  it('needs --policy, and answers --help with its options', async () => {
    // Act
    const missing = await runCli(['remediate']);
    const help = await runCli(['remediate', '--help']);
    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('remediate: --policy FILE is required');
    expect(help.code).toBe(0);
    for (const option of [
      '--apply',
      '--include-tightened',
      '--repositories',
      '--state',
      '--rate',
    ]) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain(
      'ecr:PutImageTagMutability, ecr:UpdateRepositoryCreationTemplate',
    );
  });

  it('exits 2 when the registry cannot be listed at all', async () => {
    // Prepare
    const policy = specPolicy(tempDir());
    ecr.inject(
      'DescribeRepositories',
      fault.error('UnrecognizedClientException', 400, 'bad token'),
    );
    // Act
    const run = await remediate('--policy', policy);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`remediate: cannot list the registry in ${REGION}: bad token`);
  });
});

describe('remediate --accounts', () => {
  const A = '111111111111';
  const B = '222222222222';
  const ROLE = 'ecr-tag-auditor-remediate';
  let fleet: FakeEcrFleet;
  let sts: FakeSts;
  let servers: StartedServer[];

  beforeEach(async () => {
    fleet = new FakeEcrFleet();
    sts = new FakeSts();
    servers = await Promise.all([fleet.start(), sts.start()]);
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', servers[0]?.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', servers[1]?.endpoint);
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('remediates every account-region through the role assumed there; one not reachable is named (exit 3)', async () => {
    // Prepare: A has a loose repository in two regions; B's role does not trust the caller
    const dir = tempDir();
    const policy = specPolicy(dir);
    const accounts = write(dir, 'accounts.txt', `${A}\n${B}\n`);
    for (const region of ['eu-west-1', 'us-east-1']) {
      fleet.registry(A, region).addRepository('web', { imageTagMutability: 'MUTABLE' });
    }
    fleet.registry(B, 'eu-west-1').addRepository('web', { imageTagMutability: 'MUTABLE' });
    sts.denyRole(`arn:aws:iam::${B}:role/${ROLE}`);
    // Act
    const run = await remediate(
      '--policy',
      policy,
      '--accounts',
      accounts,
      '--role-name',
      ROLE,
      '--regions',
      'eu-west-1,us-east-1',
      '--apply',
      '--format',
      'json',
    );
    // Assess
    expect(run.code).toBe(3);
    const plans = JSON.parse(run.stdout) as {
      account: string;
      region: string;
      result: { status: string };
    }[];
    expect(plans.map((p) => [p.account, p.region, p.result.status])).toEqual([
      [A, 'eu-west-1', 'EQUAL'],
      [A, 'us-east-1', 'EQUAL'],
    ]);
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(fleet.registry(A, region).repository('web').imageTagMutability).toBe(
        'IMMUTABLE_WITH_EXCLUSION',
      );
    }
    expect(fleet.registry(B, 'eu-west-1').repository('web').imageTagMutability).toBe('MUTABLE');
    expect(run.stderr).toContain(
      `${B}/eu-west-1: not read: cannot assume arn:aws:iam::${B}:role/${ROLE}`,
    );
    expect(run.stderr).toContain('in 2 of 4 account-regions');
    expect(sts.issuedFor(A).map((c) => c.sessionName)).toEqual([
      'ecr-tag-auditor-remediate',
      'ecr-tag-auditor-remediate',
    ]);
  });
});
