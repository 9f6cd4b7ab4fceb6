import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import {
  describePolicySource,
  resolveRepository,
  resolveTemplate,
} from '../../lib/core/policy/resolve.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';

const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["prod/*", "payments"]
    imageTagMutability: IMMUTABLE
  - repositories: ["prod/**", "sandbox/**"]
    imageTagMutability: MUTABLE
  - repositories: ["prod/legacy"]
    imageTagMutability: MUTABLE_WITH_EXCLUSION
    imageTagMutabilityExclusionFilters: ["release-*"]
ignore: ["cache/**", "prod/tmp"]
`,
  'policy.yml',
);

const [FIRST, SECOND, THIRD] = POLICY.rules;

/** The rule index of a resolution: a number, 'default', or 'ignored by GLOB'. */
function source(repository: string): string | number {
  const resolution = resolveRepository(POLICY, repository);
  if (resolution.ignored) return `ignored by ${resolution.by}`;
  return resolution.rule === null ? 'default' : resolution.rule.index;
}

describe('resolveRepository', () => {
  it.each([
    ['prod/api', 0],
    ['payments', 0],
    ['prod/team/api', 1],
    ['sandbox/x/y', 1],
    // The third rule can never win: `prod/*` above already matches it. First match wins.
    ['prod/legacy', 0],
    ['payments/x', 'default'],
    ['prod', 'default'],
    ['other', 'default'],
    ['cache/docker-hub/library/nginx', 'ignored by cache/**'],
    // ignore is checked before the rules, even where a rule matches.
    ['prod/tmp', 'ignored by prod/tmp'],
  ])('%s → %s', (repository, expected) => {
    expect(source(repository)).toBe(expected);
  });

  it('gives the matching rule with its configuration, or the default with rule null', () => {
    expect(resolveRepository(POLICY, 'prod/api')).toEqual({
      ignored: false,
      config: FIRST?.config,
      rule: FIRST,
    });
    expect(resolveRepository(POLICY, 'sandbox/a')).toEqual({
      ignored: false,
      config: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
      rule: SECOND,
    });
    expect(resolveRepository(POLICY, 'elsewhere')).toEqual({
      ignored: false,
      config: POLICY.default,
      rule: null,
    });
  });

  it('returns the cached result for a repeated name, and stays right past the cache size', () => {
    // Prepare
    const first = resolveRepository(POLICY, 'prod/api');
    // Act: fill the cache beyond its bound so that early entries are evicted.
    for (let i = 0; i < 12_000; i += 1) resolveRepository(POLICY, `team${i}/svc`);
    const afterEviction = resolveRepository(POLICY, 'prod/api');
    // Assess
    expect(resolveRepository(POLICY, 'team11999/svc')).toBe(
      resolveRepository(POLICY, 'team11999/svc'),
    );
    expect(afterEviction).toEqual(first);
    expect(Object.isFrozen(afterEviction)).toBe(true);
  });

  it('works on a policy built by hand, compiling it on first use', () => {
    const config: MutabilityConfig = {
      imageTagMutability: 'MUTABLE',
      imageTagMutabilityExclusionFilters: [],
    };
    const policy: Policy = {
      file: 'inline',
      default: config,
      rules: [
        {
          repositories: ['a/*'],
          config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
          index: 0,
          line: 1,
        },
      ],
      ignore: [],
    };
    const resolution = resolveRepository(policy, 'a/b');
    expect(resolution.ignored === false && resolution.rule?.index).toBe(0);
    expect(resolveRepository(policy, 'a/b/c')).toEqual({ ignored: false, config, rule: null });
  });
});

describe('resolveTemplate', () => {
  it('judges prefix P as the repository named P/', () => {
    // `prod/*` matches `prod/` (the star matches nothing).
    expect(resolveTemplate(POLICY, 'prod')).toEqual(resolveRepository(POLICY, 'prod/'));
    expect(resolveTemplate(POLICY, 'prod')).toMatchObject({ ignored: false, rule: FIRST });
    // `sandbox/**` matches `sandbox/`, and `team/sandbox/` matches nothing.
    expect(resolveTemplate(POLICY, 'sandbox')).toMatchObject({ ignored: false, rule: SECOND });
    expect(resolveTemplate(POLICY, 'team/sandbox')).toMatchObject({ ignored: false, rule: null });
    // `payments` names one repository: the template `payments` (→ `payments/`) is not it.
    expect(resolveTemplate(POLICY, 'payments')).toMatchObject({ ignored: false, rule: null });
  });

  it('adds no second slash to a prefix that ends with one', () => {
    expect(resolveTemplate(POLICY, 'prod/')).toBe(resolveTemplate(POLICY, 'prod'));
    // 'prod//' would match the `prod/**` rule rather than `prod/*`.
    expect(resolveTemplate(POLICY, 'prod/')).toMatchObject({ rule: FIRST });
  });

  it('judges ROOT by default, even where a rule matches every name', () => {
    const everything = parsePolicy(
      `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: ["**"]
    imageTagMutability: MUTABLE
`,
      'p.yml',
    );
    expect(resolveTemplate(everything, 'ROOT')).toEqual({
      ignored: false,
      config: everything.default,
      rule: null,
    });
    expect(resolveRepository(everything, 'ROOT/')).toMatchObject({ rule: everything.rules[0] });
  });

  it('ignores a template like a repository', () => {
    expect(resolveTemplate(POLICY, 'cache')).toEqual({ ignored: true, by: 'cache/**' });
    expect(resolveTemplate(POLICY, 'cache/ecr-public/')).toEqual({ ignored: true, by: 'cache/**' });
    // `prod/tmp` ignores that one repository, not the template `prod/tmp` (→ `prod/tmp/`).
    expect(resolveTemplate(POLICY, 'prod/tmp')).toMatchObject({ ignored: false, rule: SECOND });
  });
});

describe('describePolicySource', () => {
  it('names the rule by 1-based number and line, or default', () => {
    expect(describePolicySource(POLICY, null)).toBe('default');
    expect(describePolicySource(POLICY, FIRST ?? null)).toBe('rule 1 (policy.yml:6)');
    expect(describePolicySource(POLICY, SECOND ?? null)).toBe('rule 2 (policy.yml:8)');
    expect(describePolicySource(POLICY, THIRD ?? null)).toBe('rule 3 (policy.yml:10)');
  });
});
