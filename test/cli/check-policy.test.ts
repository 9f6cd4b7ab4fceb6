/**
 * `ecr-tag-auditor check-policy FILE` (docs/policy.md, docs/cli.md), in-process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRepository } from '../../lib/core/policy/resolve.ts';
import { sealPolicy } from '../../lib/core/policy/seal.ts';
import { loadPolicy } from '../../lib/io/policy/load.ts';
import { linesOf, reEscape, runCli, specPolicy, tempDir, write } from './support.ts';

describe('check-policy', () => {
  it('a valid policy: exit 0 and a one-line summary on stdout', async () => {
    // Prepare
    const policy = specPolicy(tempDir());
    // Act
    const run = await runCli(['check-policy', policy]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `${policy}: valid: default IMMUTABLE_WITH_EXCLUSION [dev-*, sha256-*], 2 rule(s), 1 ignore pattern(s)\n`,
    );
  });

  it('--json prints the validated policy, which seals to the same policy as loading the file', async () => {
    // Prepare
    const policy = specPolicy(tempDir());
    // Act
    const run = await runCli(['check-policy', '--json', policy]);
    // Assess: one line of JSON, and the policy it holds answers as the file does.
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(linesOf(run.stdout)).toHaveLength(1);
    const loaded = await loadPolicy(policy);
    const sealed = sealPolicy(JSON.parse(run.stdout));
    expect(sealed).toEqual(loaded);
    expect(Object.isFrozen(sealed.default.imageTagMutabilityExclusionFilters[0])).toBe(true);
    for (const name of ['prod/api', 'payments', 'sandbox/a/b', 'cache/docker-hub/nginx', 'x']) {
      const ref = { account: '111111111111', region: 'eu-west-1', repository: name };
      expect(resolveRepository(sealed, ref)).toEqual(resolveRepository(loaded, ref));
    }
  });

  it('--json keeps account and region selectors: the sealed copy resolves as the file does', async () => {
    // Prepare
    const policy = write(
      tempDir(),
      'scoped.yml',
      `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["111111111111"]
    regions: [eu-west-1]
    imageTagMutability: MUTABLE
  - regions: [us-east-1]
    repositories: ["prod/*"]
    imageTagMutability: MUTABLE
`,
    );
    // Act
    const run = await runCli(['check-policy', '--json', policy]);
    // Assess
    expect(run.code).toBe(0);
    const sealed = sealPolicy(JSON.parse(run.stdout));
    expect(sealed).toEqual(await loadPolicy(policy));
    expect(sealed.rules.map((rule) => Object.keys(rule).sort())).toEqual([
      ['accounts', 'config', 'index', 'line', 'regions'],
      ['config', 'index', 'line', 'regions', 'repositories'],
    ]);
    const at = (account: string, region: string, repository: string) => {
      const resolution = resolveRepository(sealed, { account, region, repository });
      return resolution.ignored ? 'ignored' : (resolution.rule?.index ?? 'default');
    };
    expect(at('111111111111', 'eu-west-1', 'x')).toBe(0);
    expect(at('222222222222', 'eu-west-1', 'x')).toBe('default');
    expect(at('222222222222', 'us-east-1', 'prod/api')).toBe(1);
  });

  it('the same policy as JSON, with filters as objects, is valid too', async () => {
    const dir = tempDir();
    const policy = write(
      dir,
      'policy.json',
      JSON.stringify({
        version: 1,
        default: {
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'v*' }],
        },
      }),
    );
    const run = await runCli(['check-policy', policy]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid: default MUTABLE_WITH_EXCLUSION [v*], 0 rule(s)');
  });

  it('an invalid policy: every error as FILE:LINE:COL: message on stderr, exit 2', async () => {
    // Prepare: three errors on known lines
    const dir = tempDir();
    const policy = write(
      dir,
      'policy.yml',
      [
        'version: 1',
        'default:',
        '  imageTagMutability: IMMUTABLE_WITH_EXCLUSION',
        '  imageTagMutabilityExclusionFilters: ["dev-*"]',
        'rules:',
        '  - repositories: ["x"]',
        '    imageTagMutability: IMMUTABLE_WITH_EXCLUSION',
        '    imageTagMutabilityExclusionFilters: ["a*b*c*"]',
        '    colour: red',
        '  - repositories: ["y"]',
        '    imageTagMutability: SOMETIMES',
        '',
      ].join('\n'),
    );
    // Act
    const run = await runCli(['check-policy', policy]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = linesOf(run.stderr);
    expect(lines).toEqual([
      `${policy}:8:42: filter "a*b*c*" has 3 wildcards; ECR allows at most 2`,
      expect.stringMatching(new RegExp(`^${reEscape(policy)}:9:5: unknown key "colour"`)),
      expect.stringMatching(
        new RegExp(`^${reEscape(policy)}:11:25: imageTagMutability must be one of .*SOMETIMES`),
      ),
    ]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    [
      'a plain mode with filters',
      'imageTagMutability: IMMUTABLE\n  imageTagMutabilityExclusionFilters: ["dev-*"]',
      4,
    ],
    ['an exclusion mode without filters', 'imageTagMutability: MUTABLE_WITH_EXCLUSION', 3],
    [
      'six filters',
      'imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: [a, b, c, d, e, f]',
      4,
    ],
    [
      'a filter with a slash',
      'imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["dev/*"]',
      4,
    ],
    [
      'another filterType',
      'imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: [{filterType: REGEX, filter: "x"}]',
      4,
    ],
  ])('ECR rules are enforced: %s', async (_, defaultBody, line) => {
    const dir = tempDir();
    const policy = write(dir, 'p.yml', `version: 1\ndefault:\n  ${defaultBody}\n`);
    const run = await runCli(['check-policy', policy]);
    expect(run.code).toBe(2);
    const lines = linesOf(run.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines) expect(l).toMatch(new RegExp(`^${reEscape(policy)}:\\d+:\\d+: \\S`));
    expect(lines[0]).toMatch(new RegExp(`^${reEscape(policy)}:${line}:`));
  });

  it('a YAML syntax error is reported with its position', async () => {
    const dir = tempDir();
    const policy = write(dir, 'p.yml', 'version: 1\ndefault: [\n');
    const run = await runCli(['check-policy', policy]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(policy)}:\\d+:\\d+: YAML`)),
    ]);
  });

  it('an empty policy file is an error, not a valid empty policy', async () => {
    const dir = tempDir();
    const run = await runCli(['check-policy', write(dir, 'p.yml', '')]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
  });

  it('a missing file: exit 2 with one line naming it', async () => {
    const missing = join(tempDir(), 'nope.yml');
    const run = await runCli(['check-policy', missing]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(missing)}: .*no such file`)),
    ]);
  });

  it('a directory: exit 2 with one line', async () => {
    const dir = join(tempDir(), 'policy.yml');
    mkdirSync(dir);
    const run = await runCli(['check-policy', dir]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(dir);
  });
});
