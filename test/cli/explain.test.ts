/**
 * `ecr-tag-auditor explain` (docs/semantics.md, docs/policy.md, docs/cli.md), in-process on the example policy of docs/policy.md.
 */
import { describe, expect, it } from 'vitest';
import { linesOf, reEscape, runCli, specPolicy, tempDir, write } from './support.ts';

async function explain(...args: string[]) {
  const policy = specPolicy(tempDir());
  const run = await runCli(['explain', '--policy', policy, ...args]);
  return { ...run, policy, lines: linesOf(run.stdout) };
}

describe('explain: rule and expected configuration', () => {
  it('names the first matching rule with its file and line, and what it expects', async () => {
    const run = await explain('--repository', 'payments');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual([
      'Repository: payments',
      `Rule: rule 1 (${run.policy}:6)`,
      'Expected: IMMUTABLE',
    ]);
  });

  it('`*` of a repository glob stays within one path segment; `**` does not', async () => {
    const one = await explain('--repository', 'prod/api');
    const deeper = await explain('--repository', 'prod/api/v2');
    const sandbox = await explain('--repository', 'sandbox/alice/tools');
    expect(one.lines[1]).toMatch(/^Rule: rule 1 /);
    expect(deeper.lines.slice(1)).toEqual([
      'Rule: default',
      'Expected: IMMUTABLE_WITH_EXCLUSION [dev-*, sha256-*]',
    ]);
    expect(sandbox.lines.slice(1)).toEqual([
      `Rule: rule 2 (${sandbox.policy}:8)`,
      'Expected: MUTABLE',
    ]);
  });

  it('an ignored repository says so and nothing more', async () => {
    const run = await explain('--repository', 'cache/docker-hub/nginx', '--tag', 'latest');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'Repository: cache/docker-hub/nginx',
      'Ignored by the policy (pattern "cache/**"): never audited.',
    ]);
  });
});

describe('explain --tag', () => {
  it('a tag matching an exclusion filter is mutable, and the filter is named', async () => {
    const run = await explain('--repository', 'web', '--tag', 'dev-feature-x');
    expect(run.code).toBe(0);
    expect(run.lines.at(-1)).toBe(
      'Tag dev-feature-x (expected): mutable — tag "dev-feature-x" matches exclusion filter "dev-*", so under IMMUTABLE_WITH_EXCLUSION it is mutable',
    );
  });

  it('a tag matching no filter is immutable', async () => {
    const run = await explain('--repository', 'web', '--tag', 'v1.2.3');
    expect(run.lines.at(-1)).toBe(
      'Tag v1.2.3 (expected): immutable — tag "v1.2.3" matches no exclusion filter, so under IMMUTABLE_WITH_EXCLUSION it is immutable',
    );
  });

  it('filters match case-sensitively, and `*` matches the empty string', async () => {
    const upper = await explain('--repository', 'web', '--tag', 'DEV-1');
    const empty = await explain('--repository', 'web', '--tag', 'dev-');
    expect(upper.lines.at(-1)).toMatch(/^Tag DEV-1 \(expected\): immutable/);
    expect(empty.lines.at(-1)).toMatch(/^Tag dev- \(expected\): mutable — .*"dev-\*"/);
  });

  it('under a plain mode, the mode decides', async () => {
    const run = await explain('--repository', 'sandbox/x', '--tag', 'v1');
    expect(run.lines.at(-1)).toBe(
      'Tag v1 (expected): mutable — imageTagMutability is MUTABLE, so every tag is mutable',
    );
  });

  it.each(['.hidden', '-v1', 'a/b', 'x'.repeat(129), ''])(
    'an invalid tag %j is exit 2 with one line',
    async (tag) => {
      const run = await explain('--repository', 'web', `--tag=${tag}`);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = linesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('not a valid image tag');
    },
  );
  it.each([
    'Prod/API',
    'prod//api',
    '/prod',
    'prod/',
    'prod..api',
    '-api',
    'api_',
    'a'.repeat(257),
    'prod api',
  ])(
    'an invalid repository name %j is exit 2 with one line, never a default answer',
    async (name) => {
      // Act
      const run = await explain(`--repository=${name}`);
      // Assess
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = linesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('not a valid ECR repository name');
    },
  );

  it.each(['prod/api', 'a', 'a.b_c-d/e-f', 'a'.repeat(256)])(
    'a valid repository name %j is answered',
    async (name) => {
      // Act
      const run = await explain(`--repository=${name}`);
      // Assess
      expect(run.code).toBe(0);
      expect(run.lines[0]).toBe(`Repository: ${name}`);
    },
  );
});

describe('explain --actual-mode/--actual-filter', () => {
  it('LOOSENED: the actual config makes fewer tags immutable; the given tag is the first witness', async () => {
    // Act: the README's example
    const run = await explain(
      '--repository',
      'payments',
      '--tag',
      'release-1',
      '--actual-mode',
      'IMMUTABLE_WITH_EXCLUSION',
      '--actual-filter',
      'release-*',
    );
    // Assess
    expect(run.code).toBe(0);
    expect(run.lines.slice(2)).toEqual([
      'Expected: IMMUTABLE',
      'Tag release-1 (expected): immutable — imageTagMutability is IMMUTABLE, so every tag is immutable',
      'Actual: IMMUTABLE_WITH_EXCLUSION [release-*]',
      'Tag release-1 (actual): mutable — tag "release-1" matches exclusion filter "release-*", so under IMMUTABLE_WITH_EXCLUSION it is mutable',
      'Comparison: LOOSENED; mutability differs for: release-1, release-, release--, release-., release-0',
    ]);
  });

  it('TIGHTENED: the opposite direction, witnesses the shortest tags in ASCII order', async () => {
    const run = await explain('--repository', 'web', '--actual-mode', 'IMMUTABLE');
    expect(run.lines.at(-1)).toBe(
      'Comparison: TIGHTENED; mutability differs for: dev-, dev--, dev-., dev-0, dev-1',
    );
  });

  it('CHANGED: some tags each way; a known tag first, then the shortest', async () => {
    const run = await explain(
      '--repository',
      'web',
      '--tag',
      'dev-1',
      '--actual-mode',
      'IMMUTABLE_WITH_EXCLUSION',
      '--actual-filter',
      'v*',
      '--actual-filter',
      'sha256-*',
    );
    expect(run.lines.slice(-2)).toEqual([
      'Tag dev-1 (actual): immutable — tag "dev-1" matches no exclusion filter, so under IMMUTABLE_WITH_EXCLUSION it is immutable',
      'Comparison: CHANGED; mutability differs for: dev-1, v, v-, v., v0',
    ]);
  });

  it.each([
    ['MUTABLE_WITH_EXCLUSION ["*"] equals IMMUTABLE', 'payments', 'MUTABLE_WITH_EXCLUSION', ['*']],
    [
      'a redundant filter changes nothing',
      'web',
      'IMMUTABLE_WITH_EXCLUSION',
      ['dev-*', 'sha256-*', 'dev-x*'],
    ],
    ['filter order does not matter', 'web', 'IMMUTABLE_WITH_EXCLUSION', ['sha256-*', 'dev-*']],
    [
      'IMMUTABLE_WITH_EXCLUSION ["*"] equals MUTABLE',
      'sandbox/x',
      'IMMUTABLE_WITH_EXCLUSION',
      ['*'],
    ],
  ])('EQUAL by meaning: %s', async (_, repository, mode, filters) => {
    const run = await explain(
      '--repository',
      repository,
      '--actual-mode',
      mode,
      ...filters.flatMap((f) => ['--actual-filter', f]),
    );
    expect(run.code).toBe(0);
    expect(run.lines.at(-1)).toBe('Comparison: EQUAL');
  });

  it('filters that no valid tag can match (`-*`, `.x*`) make nothing immutable', async () => {
    const run = await explain(
      '--repository',
      'sandbox/x',
      '--actual-mode',
      'MUTABLE_WITH_EXCLUSION',
      '--actual-filter=-*',
      '--actual-filter',
      '.x*',
    );
    expect(run.lines.at(-1)).toBe('Comparison: EQUAL');
  });

  it.each([
    ['three wildcards', 'IMMUTABLE_WITH_EXCLUSION', ['a*b*c*'], /3 wildcards/],
    ['filters with a plain mode', 'IMMUTABLE', ['dev-*'], /IMMUTABLE/],
    ['an exclusion mode without filters', 'MUTABLE_WITH_EXCLUSION', [], /can't be null/],
    ['an unknown mode', 'SOMETIMES', [], /SOMETIMES/],
    ['six filters', 'IMMUTABLE_WITH_EXCLUSION', ['a', 'b', 'c', 'd', 'e', 'f'], /5/],
    ['a filter with a slash', 'IMMUTABLE_WITH_EXCLUSION', ['dev/*'], /dev\/\*/],
  ])(
    'an invalid actual configuration (%s) is exit 2 with one line',
    async (_, mode, filters, reason) => {
      // Act
      const run = await explain(
        '--repository',
        'web',
        '--actual-mode',
        mode,
        ...filters.flatMap((f) => ['--actual-filter', f]),
      );
      // Assess
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = linesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^ecr-tag-auditor: explain: the actual configuration is not valid for ECR: /,
      );
      expect(lines[0]).toMatch(reason);
    },
  );
});

/** Account 111111111111 mutable; eu-west-1 `prod/*` immutable; everything else the default. */
const SCOPED_POLICY = `version: 1
default: {imageTagMutability: IMMUTABLE_WITH_EXCLUSION, imageTagMutabilityExclusionFilters: ["dev-*"]}
rules:
  - accounts: ["111111111111"]
    imageTagMutability: MUTABLE
  - regions: [eu-west-1]
    repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
`;

async function explainScoped(...args: string[]) {
  const policy = write(tempDir(), 'scoped.yml', SCOPED_POLICY);
  const run = await runCli(['explain', '--policy', policy, ...args]);
  return { ...run, policy, lines: linesOf(run.stdout) };
}

describe('explain --account/--region', () => {
  it('applies a rule that selects the given account, and names account and region', async () => {
    // Act
    const run = await explainScoped(
      '--repository',
      'prod/api',
      '--account',
      '111111111111',
      '--region',
      'eu-west-1',
      '--tag',
      'v1',
    );
    // Assess: rule 1 wins over rule 2, which matches too.
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'Repository: prod/api',
      'Account: 111111111111',
      'Region: eu-west-1',
      `Rule: rule 1 (${run.policy}:4)`,
      'Expected: MUTABLE',
      'Tag v1 (expected): mutable — imageTagMutability is MUTABLE, so every tag is mutable',
    ]);
  });

  it('another account falls through to the rule of its region', async () => {
    const run = await explainScoped(
      '--repository',
      'prod/api',
      '--account',
      '222222222222',
      '--region',
      'eu-west-1',
    );
    expect(run.lines.slice(3)).toEqual([`Rule: rule 2 (${run.policy}:6)`, 'Expected: IMMUTABLE']);
  });

  it('without --account or --region, says that the rules selecting them do not apply', async () => {
    // Act
    const run = await explainScoped('--repository', 'prod/api');
    // Assess
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'Repository: prod/api',
      `Account: not given (--account); rules that select accounts do not apply: rule 1 (${run.policy}:4)`,
      `Region: not given (--region); rules that select regions do not apply: rule 2 (${run.policy}:6)`,
      'Rule: default',
      'Expected: IMMUTABLE_WITH_EXCLUSION [dev-*]',
    ]);
  });

  it.each([
    [
      '--account',
      '12345678901',
      'explain: --account "12345678901" is not a valid AWS account id (12 digits)',
    ],
    [
      '--account',
      'abcdefghijkl',
      'explain: --account "abcdefghijkl" is not a valid AWS account id (12 digits)',
    ],
    [
      '--region',
      'EU-WEST-1',
      'explain: --region "EU-WEST-1" is not a valid AWS region (such as eu-west-1 or us-gov-west-1)',
    ],
  ])('%s %s is exit 2 with one line', async (flag, value, message) => {
    const run = await explainScoped('--repository', 'prod/api', flag, value);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr)).toEqual([`ecr-tag-auditor: ${message} (see --help)`]);
  });

  it('--help names --account and --region', async () => {
    const run = await runCli(['explain', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}--account ID +the repository's 12-digit AWS account id/m);
    expect(run.stdout).toMatch(/^ {2}--region REGION +the repository's AWS region/m);
  });
});

describe('explain errors', () => {
  it('a broken policy is exit 2 with its errors, even with valid flags', async () => {
    const dir = tempDir();
    const policy = write(dir, 'p.yml', 'version: 2\ndefault:\n  imageTagMutability: MUTABLE\n');
    const run = await runCli(['explain', '--policy', policy, '--repository', 'web']);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(policy)}:1:\\d+: `)),
    ]);
  });
});
