import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { RepositoryRef, TemplateRef } from '../../lib/core/model/refs.ts';
import {
  describePolicySource,
  resolveRepository,
  resolveTemplate,
  templateRepositoryName,
} from '../../lib/core/policy/resolve.ts';
import { sealPolicy } from '../../lib/core/policy/seal.ts';
import type { Policy, PolicyRule } from '../../lib/core/policy/types.ts';
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

/** A repository of one account and region (the rules above select by name only). */
function repo(repository: string): RepositoryRef {
  return { account: '111111111111', region: 'eu-west-1', repository };
}

/** A creation template of the same account and region. */
function template(templatePrefix: string): TemplateRef {
  return { account: '111111111111', region: 'eu-west-1', templatePrefix };
}

/** The rule index of a resolution: a number, 'default', or 'ignored by GLOB'. */
function source(repository: string): string | number {
  const resolution = resolveRepository(POLICY, repo(repository));
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
    expect(resolveRepository(POLICY, repo('prod/api'))).toEqual({
      ignored: false,
      config: FIRST?.config,
      rule: FIRST,
    });
    expect(resolveRepository(POLICY, repo('sandbox/a'))).toEqual({
      ignored: false,
      config: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
      rule: SECOND,
    });
    expect(resolveRepository(POLICY, repo('elsewhere'))).toEqual({
      ignored: false,
      config: POLICY.default,
      rule: null,
    });
  });

  it('returns the cached result for a repeated name, and stays right past the cache size', () => {
    // Prepare
    const first = resolveRepository(POLICY, repo('prod/api'));
    // Act: fill the cache beyond its bound so that early entries are evicted.
    for (let i = 0; i < 12_000; i += 1) resolveRepository(POLICY, repo(`team${i}/svc`));
    const afterEviction = resolveRepository(POLICY, repo('prod/api'));
    // Assess
    expect(resolveRepository(POLICY, repo('team11999/svc'))).toBe(
      resolveRepository(POLICY, repo('team11999/svc')),
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
    const resolution = resolveRepository(policy, repo('a/b'));
    expect(resolution.ignored === false && resolution.rule?.index).toBe(0);
    expect(resolveRepository(policy, repo('a/b/c'))).toEqual({
      ignored: false,
      config,
      rule: null,
    });
  });
});

describe('resolveTemplate', () => {
  it('judges prefix P as the repository named P/', () => {
    // `prod/*` matches `prod/` (the star matches nothing).
    expect(resolveTemplate(POLICY, template('prod'))).toEqual(
      resolveRepository(POLICY, repo('prod/')),
    );
    expect(resolveTemplate(POLICY, template('prod'))).toMatchObject({
      ignored: false,
      rule: FIRST,
    });
    // `sandbox/**` matches `sandbox/`, and `team/sandbox/` matches nothing.
    expect(resolveTemplate(POLICY, template('sandbox'))).toMatchObject({
      ignored: false,
      rule: SECOND,
    });
    expect(resolveTemplate(POLICY, template('team/sandbox'))).toMatchObject({
      ignored: false,
      rule: null,
    });
    // `payments` names one repository: the template `payments` (→ `payments/`) is not it.
    expect(resolveTemplate(POLICY, template('payments'))).toMatchObject({
      ignored: false,
      rule: null,
    });
  });

  it('adds no second slash to a prefix that ends with one', () => {
    expect(resolveTemplate(POLICY, template('prod/'))).toBe(
      resolveTemplate(POLICY, template('prod')),
    );
    // 'prod//' would match the `prod/**` rule rather than `prod/*`.
    expect(resolveTemplate(POLICY, template('prod/'))).toMatchObject({ rule: FIRST });
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
    expect(resolveTemplate(everything, template('ROOT'))).toEqual({
      ignored: false,
      config: everything.default,
      rule: null,
    });
    expect(resolveRepository(everything, repo('ROOT/'))).toMatchObject({
      rule: everything.rules[0],
    });
  });

  it('ignores a template like a repository', () => {
    expect(resolveTemplate(POLICY, template('cache'))).toEqual({ ignored: true, by: 'cache/**' });
    expect(resolveTemplate(POLICY, template('cache/ecr-public/'))).toEqual({
      ignored: true,
      by: 'cache/**',
    });
    // `prod/tmp` ignores that one repository, not the template `prod/tmp` (→ `prod/tmp/`).
    expect(resolveTemplate(POLICY, template('prod/tmp'))).toMatchObject({
      ignored: false,
      rule: SECOND,
    });
  });
});

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** Accounts A and B mutable in eu-west-1, account A's `prod/*` immutable, ignore `cache/**`. */
const SCOPED = parsePolicy(
  `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["${A}"]
    repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE_WITH_EXCLUSION
    imageTagMutabilityExclusionFilters: [latest]
  - accounts: ["${A}", "${B}"]
    regions: [eu-west-1]
    imageTagMutability: MUTABLE
  - regions: [us-east-1]
    imageTagMutability: MUTABLE_WITH_EXCLUSION
    imageTagMutabilityExclusionFilters: [dev-*]
ignore: ["cache/**"]
`,
  'scoped.yml',
);

/** The rule index that decides, 'default', or 'ignored'. */
function scopedSource(account: string | null, region: string | null, repository: string) {
  const resolution = resolveRepository(SCOPED, { account, region, repository });
  if (resolution.ignored) return 'ignored';
  return resolution.rule === null ? 'default' : resolution.rule.index;
}

describe('resolveRepository: account and region selectors', () => {
  it.each([
    // Every selector of rule 0 matches.
    [A, 'us-west-2', 'prod/api', 0],
    // Rule 0's account matches but its glob does not; rule 1 needs eu-west-1 too.
    [A, 'us-west-2', 'team/api', 'default'],
    [A, 'eu-west-1', 'team/api', 1],
    // First match wins: account A's prod/api in eu-west-1 is rule 0, not rule 1.
    [A, 'eu-west-1', 'prod/api', 0],
    [B, 'eu-west-1', 'prod/api', 1],
    [B, 'us-east-1', 'prod/api', 2],
    [C, 'eu-west-1', 'prod/api', 'default'],
    [C, 'us-east-1', 'anything', 2],
    // An unknown account or region matches no accounts (regions) selector.
    [null, 'eu-west-1', 'prod/api', 'default'],
    [null, 'us-east-1', 'prod/api', 2],
    [A, null, 'prod/api', 0],
    [B, null, 'prod/api', 'default'],
    // ignore is by name, in every account and region, before any rule.
    [A, 'eu-west-1', 'cache/docker-hub/nginx', 'ignored'],
  ] as const)('%s %s %s → %s', (account, region, repository, expected) => {
    expect(scopedSource(account, region, repository)).toBe(expected);
  });

  it('caches per account and region, not per name alone', () => {
    // Act: the same name, first in one account, then in another.
    const inA = resolveRepository(SCOPED, { account: A, region: 'eu-west-1', repository: 'x' });
    const inC = resolveRepository(SCOPED, { account: C, region: 'eu-west-1', repository: 'x' });
    // Assess
    expect(inA).toMatchObject({ ignored: false, rule: SCOPED.rules[1] });
    expect(inC).toMatchObject({ ignored: false, rule: null });
  });
});

describe('resolveTemplate: account and region selectors', () => {
  it('selects a template by its account and region, and its prefix for repositories', () => {
    const at = (account: string, region: string, templatePrefix: string) =>
      resolveTemplate(SCOPED, { account, region, templatePrefix });
    expect(at(A, 'us-west-2', 'prod')).toMatchObject({ rule: SCOPED.rules[0] });
    expect(at(B, 'us-west-2', 'prod')).toMatchObject({ rule: null });
    expect(at(B, 'eu-west-1', 'team')).toMatchObject({ rule: SCOPED.rules[1] });
  });

  it('judges ROOT by the first rule without repositories whose accounts and regions match', () => {
    const root = (account: string, region: string) =>
      resolveTemplate(SCOPED, { account, region, templatePrefix: 'ROOT' });
    // Rule 0 selects repositories, so it never judges ROOT even in its account.
    expect(root(A, 'eu-west-1')).toMatchObject({ ignored: false, rule: SCOPED.rules[1] });
    expect(root(C, 'us-east-1')).toMatchObject({ ignored: false, rule: SCOPED.rules[2] });
    expect(root(A, 'us-west-2')).toEqual({ ignored: false, config: SCOPED.default, rule: null });
  });
});

/** The universes the property draws from: small, so that selectors match often. */
const ACCOUNTS = [A, B, C] as const;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'] as const;
const GLOBS = ['prod/*', 'prod/**', 'api', '*'] as const;
const NAMES = ['prod/api', 'prod/eu/api', 'api', 'other'] as const;

/** The documented glob meaning, written as a regular expression (a model, not the NFA). */
function globModel(glob: string, name: string): boolean {
  const source = glob.replace(/\*\*|\*/g, (stars) => (stars === '**' ? '.*' : '[^/]*'));
  return new RegExp(`^${source}$`).test(name);
}

type Selectors = Pick<PolicyRule, 'accounts' | 'regions' | 'repositories'>;

/** The model: a rule applies exactly when each selector it has matches. */
function appliesModel(
  rule: Selectors,
  account: string | null,
  region: string | null,
  name: string,
) {
  const checks: boolean[] = [];
  if (rule.accounts) checks.push(account !== null && rule.accounts.includes(account));
  if (rule.regions) checks.push(region !== null && rule.regions.includes(region));
  if (rule.repositories) checks.push(rule.repositories.some((glob) => globModel(glob, name)));
  return checks.length > 0 && checks.every(Boolean);
}

const someOf = <T>(values: readonly T[]) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length });

/** A rule with a non-empty random subset of the selectors. */
const selectors: fc.Arbitrary<Selectors> = fc
  .record(
    { accounts: someOf(ACCOUNTS), regions: someOf(REGIONS), repositories: someOf(GLOBS) },
    { requiredKeys: [] },
  )
  .filter((rule) => Object.keys(rule).length > 0);

describe('resolveRepository: property against a model of the selectors', () => {
  it('applies the first rule whose every selector matches, else the default', () => {
    fc.assert(
      fc.property(
        fc.array(selectors, { minLength: 1, maxLength: 4 }),
        fc.option(fc.constantFrom(...ACCOUNTS)),
        fc.option(fc.constantFrom(...REGIONS)),
        fc.constantFrom(...NAMES),
        (ruleSelectors, account, region, repository) => {
          // Prepare: each rule expects a configuration of its own, so a wrong pick shows.
          const policy = sealPolicy({
            file: 'model.yml',
            default: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
            rules: ruleSelectors.map((rule, index) => ({
              ...rule,
              config: {
                imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
                imageTagMutabilityExclusionFilters: [
                  { filterType: 'WILDCARD', filter: `r${index}` },
                ],
              },
              index,
              line: index + 1,
            })),
            ignore: [],
          });
          const expected = ruleSelectors.findIndex((rule) =>
            appliesModel(rule, account, region, repository),
          );
          // Act
          const resolution = resolveRepository(policy, { account, region, repository });
          // Assess
          expect(resolution.ignored).toBe(false);
          if (resolution.ignored) return;
          expect(resolution.rule?.index ?? -1).toBe(expected);
          expect(resolution.config).toBe(
            expected === -1 ? policy.default : policy.rules[expected]?.config,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('templateRepositoryName', () => {
  it('names prefix P as P/, keeps a trailing slash, and names ROOT by nothing', () => {
    expect(templateRepositoryName('prod')).toBe('prod/');
    expect(templateRepositoryName('prod/')).toBe('prod/');
    expect(templateRepositoryName('team/a')).toBe('team/a/');
    expect(templateRepositoryName('ROOT')).toBeNull();
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
