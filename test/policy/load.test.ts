import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyError } from '../../lib/core/policy/errors.ts';
import { POLICY_LIMITS } from '../../lib/core/policy/limits.ts';
import { resolveRepository } from '../../lib/core/policy/resolve.ts';
import { loadPolicy } from '../../lib/io/policy/load.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { EXAMPLE_POLICY } from '../support/policies.ts';
import { policyErrorOf, policyErrorOfAsync, positions } from './helpers.ts';

const LINE = /^[^:]+:\d+:\d+: .+/;

describe('parsePolicy: valid policies', () => {
  it('loads the documented example verbatim', () => {
    // Act
    const policy = parsePolicy(EXAMPLE_POLICY, 'policy.yml');
    // Assess
    expect(policy).toEqual({
      file: 'policy.yml',
      default: {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'dev-*' },
          { filterType: 'WILDCARD', filter: 'sha256-*' },
        ],
      },
      rules: [
        {
          repositories: ['prod/*', 'payments'],
          config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
          index: 0,
          line: 6,
        },
        {
          repositories: ['sandbox/**'],
          config: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
          index: 1,
          line: 8,
        },
      ],
      ignore: ['cache/**'],
    });
  });

  it('accepts filters written as {filterType, filter} objects, mixed with strings', () => {
    const policy = parsePolicy(
      `version: 1
default:
  imageTagMutability: MUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters:
    - {filterType: WILDCARD, filter: "release-*"}
    - filterType: WILDCARD
      filter: v*.*
    - latest
`,
      'policy.yml',
    );
    expect(policy.default.imageTagMutabilityExclusionFilters).toEqual([
      { filterType: 'WILDCARD', filter: 'release-*' },
      { filterType: 'WILDCARD', filter: 'v*.*' },
      { filterType: 'WILDCARD', filter: 'latest' },
    ]);
    expect(policy.rules).toEqual([]);
    expect(policy.ignore).toEqual([]);
  });

  it('loads the same policy written as JSON', () => {
    // Prepare
    const json = JSON.stringify(
      {
        version: 1,
        default: {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [
            'dev-*',
            { filterType: 'WILDCARD', filter: 'sha256-*' },
          ],
        },
        rules: [
          { repositories: ['prod/*', 'payments'], imageTagMutability: 'IMMUTABLE' },
          { repositories: ['sandbox/**'], imageTagMutability: 'MUTABLE' },
        ],
        ignore: ['cache/**'],
      },
      null,
      2,
    );
    // Act
    const fromJson = parsePolicy(json, 'policy.json');
    const fromYaml = parsePolicy(EXAMPLE_POLICY, 'policy.json');
    // Assess: same content; only the rule lines differ.
    expect(fromJson.default).toEqual(fromYaml.default);
    expect(fromJson.ignore).toEqual(fromYaml.ignore);
    expect(fromJson.rules.map((r) => [r.repositories, r.config, r.index])).toEqual(
      fromYaml.rules.map((r) => [r.repositories, r.config, r.index]),
    );
    expect(fromJson.rules.map((r) => r.line)).toEqual([14, 21]);
  });

  it('resolves aliases, e.g. a filter list shared by default and a rule', () => {
    const policy = parsePolicy(
      `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: &standard ["dev-*", "pr-*"]
rules:
  - repositories: [legacy/*]
    imageTagMutability: MUTABLE_WITH_EXCLUSION
    imageTagMutabilityExclusionFilters: *standard
`,
      'policy.yml',
    );
    expect(policy.rules[0]?.config.imageTagMutabilityExclusionFilters.map((f) => f.filter)).toEqual(
      ['dev-*', 'pr-*'],
    );
  });

  it('returns a deeply frozen policy', () => {
    const policy = parsePolicy(EXAMPLE_POLICY, 'policy.yml');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.rules)).toBe(true);
    expect(Object.isFrozen(policy.rules[0])).toBe(true);
    expect(Object.isFrozen(policy.rules[0]?.repositories)).toBe(true);
    expect(Object.isFrozen(policy.default)).toBe(true);
    expect(Object.isFrozen(policy.default.imageTagMutabilityExclusionFilters[0])).toBe(true);
    expect(Object.isFrozen(policy.ignore)).toBe(true);
  });
});

describe('parsePolicy: errors at FILE:LINE:COL', () => {
  it('collects every error of a file into one PolicyError, in file order', () => {
    // Prepare: five independent mistakes.
    const text = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters:
    - dev-*
    - "a*b*c*"
rules:
  - repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
    colour: blue
  - imageTagMutability: MUTABLE
ignore: ["cache/**", 42]
`;
    // Act
    const error = policyErrorOf(() => parsePolicy(text, 'policy.yml'));
    // Assess
    expect(positions(error)).toEqual([
      '6:7 filter "a*b*c*" has 3 wildcards; ECR allows at most 2',
      '10:5 unknown key "colour" in a rule; expected one of repositories, accounts, regions, imageTagMutability, imageTagMutabilityExclusionFilters, remediate',
      '11:5 a rule needs at least one selector: repositories (repository globs), accounts (AWS account ids) or regions (AWS region names)',
      '12:22 a repository glob must be a string, found the number 42',
    ]);
    expect(error.errors.every((e) => e.file === 'policy.yml')).toBe(true);
    expect(error.message).toBe(
      error.errors.map((e) => `policy.yml:${e.line}:${e.column}: ${e.message}`).join('\n'),
    );
    expect(error.message.split('\n')[0]).toBe(
      'policy.yml:6:7: filter "a*b*c*" has 3 wildcards; ECR allows at most 2',
    );
    expect(error.name).toBe('PolicyError');
  });

  it('points a bad filter at its value, also inside a {filterType, filter} object', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters:
    - {filterType: WILDCARD, filter: "x*y*z*"}
`,
        'policy.yml',
      ),
    );
    expect(positions(error)).toEqual([
      '5:38 filter "x*y*z*" has 3 wildcards; ECR allows at most 2',
    ]);
  });

  it('points a bad filter in a JSON policy at its value', () => {
    const json = `{
  "version": 1,
  "default": {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
              "imageTagMutabilityExclusionFilters": ["ok-*", "a*b*c*"]}
}`;
    const error = policyErrorOf(() => parsePolicy(json, 'policy.json'));
    expect(error.message).toBe(
      'policy.json:4:62: filter "a*b*c*" has 3 wildcards; ECR allows at most 2',
    );
  });

  it('points an error in an aliased node at the anchored definition', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["ok"]
rules:
  - repositories: &repos [team/*, 7]
    imageTagMutability: MUTABLE
  - repositories: *repos
    imageTagMutability: IMMUTABLE
`,
        'policy.yml',
      ),
    );
    expect(positions(error)).toEqual([
      '6:35 a repository glob must be a string, found the number 7',
    ]);
  });

  it('points a missing key at the parent mapping', () => {
    // Prepare: no imageTagMutability in default; no version or default at the root.
    const inDefault = policyErrorOf(() =>
      parsePolicy(
        'version: 1\ndefault:\n  imageTagMutabilityExclusionFilters: ["dev-*"]\n',
        'policy.yml',
      ),
    );
    const atRoot = policyErrorOf(() => parsePolicy('\n\nrules: []\n', 'policy.yml'));
    // Assess
    expect(inDefault.errors.length).toBeGreaterThan(0);
    for (const issue of inDefault.errors) {
      expect([issue.line, issue.column]).toEqual([3, 3]);
    }
    expect(inDefault.errors.some((e) => /imageTagMutability/.test(e.message))).toBe(true);
    expect(positions(atRoot)).toEqual([
      '3:1 missing required key "version" (it must be 1)',
      '3:1 missing required key "default" (the configuration of repositories that no rule matches)',
    ]);
  });

  it('points a key without a value at the key', () => {
    const error = policyErrorOf(() =>
      parsePolicy('version: 1\ndefault:\n  imageTagMutability:\n', 'policy.yml'),
    );
    expect(error.errors.map((e) => [e.line, e.column])).toEqual([[3, 3]]);
    expect(error.errors[0]?.message).toMatch(/imageTagMutability/);
  });

  it('points an unknown key at the key, at every level', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
extra: true
default:
  imageTagMutability: MUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: [{filterType: WILDCARD, filter: a, note: x}]
  comment: hi
`,
        'policy.yml',
      ),
    );
    expect(positions(error)).toEqual([
      '2:1 unknown key "extra" in the policy; expected one of version, default, rules, ignore',
      '5:74 unknown key "note" in an exclusion filter; expected one of filterType, filter',
      '6:3 unknown key "comment" in default; expected one of imageTagMutability, imageTagMutabilityExclusionFilters',
    ]);
  });

  it('reports wrong types at the value', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: "1"
default:
  imageTagMutability: 5
rules:
  - repositories: prod/*
    imageTagMutability: IMMUTABLE
  - repositories: []
    imageTagMutability: IMMUTABLE
  - just a string
ignore: {cache: yes}
`,
        'policy.yml',
      ),
    );
    const byPosition = positions(error);
    expect(byPosition).toContain('1:10 version must be 1, found the string "1"');
    expect(byPosition).toContain(
      '5:19 repositories must be a list of repository globs, found the string "prod/*" (write ["prod/*"])',
    );
    expect(byPosition).toContain('7:19 repositories must list at least one repository glob');
    expect(byPosition).toContain(
      '9:5 a rule must be a mapping with a selector (repositories, accounts or regions) and imageTagMutability, found the string "just a string"',
    );
    expect(byPosition).toContain('10:9 ignore must be a list of repository globs, found a mapping');
    // The mode is checked by the ECR validator: its message is its own, its position is ours.
    expect(error.errors.some((e) => e.line === 3 && e.column === 23)).toBe(true);
  });

  it('refuses globs that can never match an ECR repository name', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
ignore: ["Cache/**", "", "a?b", "${'x'.repeat(257)}*"]
`,
        'policy.yml',
      ),
    );
    expect(positions(error)).toEqual([
      '3:10 repository glob "Cache/**" can never match: "C" does not occur in ECR repository names (a-z, 0-9, ".", "_", "-", "/")',
      '3:22 a repository glob must not be empty',
      '3:26 repository glob "a?b" can never match: "?" does not occur in ECR repository names (a-z, 0-9, ".", "_", "-", "/")',
      `3:33 repository glob "${'x'.repeat(77)}..." can never match: it has 257 characters besides "*" and ECR repository names have at most 256`,
    ]);
  });

  it('requires version 1', () => {
    const error = policyErrorOf(() =>
      parsePolicy('version: 2\ndefault: {imageTagMutability: MUTABLE}\n', 'p.yml'),
    );
    expect(error.message).toBe('p.yml:1:10: version must be 1, found the number 2');
  });

  it('reports YAML syntax errors at their position', () => {
    const error = policyErrorOf(() =>
      parsePolicy('version: 1\ndefault: {imageTagMutability: MUTABLE\n', 'policy.yml'),
    );
    expect(error.errors[0]).toMatchObject({ file: 'policy.yml', line: 3, column: 1 });
    expect(error.errors[0]?.message).toMatch(/^YAML syntax error: .*\}/);
  });

  it('reports a duplicate key at the second occurrence, YAML and JSON alike', () => {
    const yaml = policyErrorOf(() =>
      parsePolicy('version: 1\ndefault: {imageTagMutability: MUTABLE}\nversion: 1\n', 'policy.yml'),
    );
    const json = policyErrorOf(() =>
      parsePolicy(
        '{"version": 1, "default": {"imageTagMutability": "MUTABLE", "imageTagMutability": "IMMUTABLE"}}',
        'policy.json',
      ),
    );
    expect(yaml.message).toBe('policy.yml:3:1: duplicate key "version"');
    expect(json.message).toBe('policy.json:1:61: duplicate key "imageTagMutability"');
  });

  it('reports keys that differ only in type as duplicates', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        'version: 1\ndefault: {imageTagMutability: MUTABLE}\nrules:\n  - {repositories: [a], "imageTagMutability": MUTABLE, ? imageTagMutability : IMMUTABLE}\n',
        'policy.yml',
      ),
    );
    expect(error.errors.length).toBeGreaterThan(0);
    expect(error.errors[0]).toMatchObject({ line: 4, message: expect.stringMatching(/duplicate/) });
  });
});

describe('parsePolicy: account and region selectors', () => {
  it('loads rules that select accounts, regions and repositories, alone or together', () => {
    // Act
    const policy = parsePolicy(
      `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["111111111111", "222222222222"]
    imageTagMutability: MUTABLE
  - regions: [eu-west-1, us-gov-west-1]
    repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
  - accounts: ["333333333333"]
    regions: [ap-southeast-2]
    repositories: [payments]
    imageTagMutability: MUTABLE
`,
      'policy.yml',
    );
    // Assess: each rule keeps exactly the selectors it has.
    const mutable = { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] };
    expect(policy.rules).toEqual([
      { accounts: ['111111111111', '222222222222'], config: mutable, index: 0, line: 4 },
      {
        repositories: ['prod/*'],
        regions: ['eu-west-1', 'us-gov-west-1'],
        config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
        index: 1,
        line: 6,
      },
      {
        repositories: ['payments'],
        accounts: ['333333333333'],
        regions: ['ap-southeast-2'],
        config: mutable,
        index: 2,
        line: 9,
      },
    ]);
    expect(Object.isFrozen(policy.rules[0]?.accounts)).toBe(true);
    expect(policy.rules[0]).not.toHaveProperty('repositories');
  });

  it('reports an invalid account id at the value, also one written as a number', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["11111111111", "1111111111112", "abcdefghijkl", 012345678901]
    imageTagMutability: MUTABLE
`,
        'policy.yml',
      ),
    );
    // Assess
    expect(positions(error)).toEqual([
      '4:16 account "11111111111" is not a valid AWS account id (12 digits)',
      '4:31 account "1111111111112" is not a valid AWS account id (12 digits)',
      '4:48 account "abcdefghijkl" is not a valid AWS account id (12 digits)',
      '4:64 an AWS account id must be a string, found the number 12345678901 (quote it: "012345678901")',
    ]);
  });

  it('reports an invalid region at the value', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - regions:
      - eu-west-1
      - EU-WEST-1
      - euwest1
    imageTagMutability: MUTABLE
`,
        'p.yml',
      ),
    );
    // Assess
    expect(error.message).toBe(
      [
        'p.yml:6:9: region "EU-WEST-1" is not a valid AWS region (such as eu-west-1 or us-gov-west-1)',
        'p.yml:7:9: region "euwest1" is not a valid AWS region (such as eu-west-1 or us-gov-west-1)',
      ].join('\n'),
    );
  });

  it('refuses empty selector lists and a selector that is not a list', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: []
    imageTagMutability: MUTABLE
  - regions: []
    imageTagMutability: MUTABLE
  - accounts: "111111111111"
    imageTagMutability: MUTABLE
`,
        'policy.yml',
      ),
    );
    // Assess
    expect(positions(error)).toEqual([
      '4:15 accounts must list at least one AWS account id',
      '6:14 regions must list at least one AWS region name',
      '8:15 accounts must be a list of AWS account ids, found the string "111111111111" (write ["111111111111"])',
    ]);
  });

  it('refuses a rule without any selector, at the rule', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: [a]
    imageTagMutability: MUTABLE
  - imageTagMutability: MUTABLE
    imageTagMutabilityExclusionFilters: []
`,
        'policy.yml',
      ),
    );
    // Assess
    expect(error.message).toBe(
      'policy.yml:6:5: a rule needs at least one selector: repositories (repository globs), accounts (AWS account ids) or regions (AWS region names)',
    );
  });
});

describe('parsePolicy: hostile or malformed input', () => {
  // No clock here (speed is measured in bench/): expanding 10^9 nodes would not finish within the
  // test's timeout, refusing the bomb takes milliseconds.
  it('refuses an alias bomb before expanding it, with a position', () => {
    // Prepare: nine levels of ten aliases each expand to 10^9 nodes.
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i += 1) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    // Act
    const error = policyErrorOf(() => parsePolicy(`${levels.join('\n')}\n`, 'bomb.yml'));
    // Assess
    expect(error.errors).toHaveLength(1);
    expect(error.message).toMatch(
      /^bomb\.yml:\d+:\d+: YAML aliases expand to more than 10000 nodes; alias bombs are refused$/,
    );
  });

  it('refuses an alias inside the node it names, and an alias without anchor', () => {
    const cycle = policyErrorOf(() => parsePolicy('a: &x [1, *x]\n', 'p.yml'));
    const unknown = policyErrorOf(() => parsePolicy('version: *v\n', 'p.yml'));
    expect(cycle.message).toBe('p.yml:1:11: alias *x refers to a node that contains it');
    expect(unknown.message).toBe('p.yml:1:10: unknown alias *v: no anchor &v comes before it');
  });

  it('refuses a document larger than 1 MiB before parsing it', () => {
    // Prepare: valid YAML, just too long.
    const text = `version: 1\n# ${'x'.repeat(POLICY_LIMITS.maxBytes)}\n`;
    // Act
    const error = policyErrorOf(() => parsePolicy(text, 'big.yml'));
    // Assess
    expect(error.message).toBe(
      `big.yml:1:1: the policy file is ${text.length} bytes; at most 1048576 (1 MiB) are read`,
    );
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const text = `# ${'é'.repeat(POLICY_LIMITS.maxBytes / 2)}\n`;
    const error = policyErrorOf(() => parsePolicy(text, 'big.yml'));
    expect(error.errors[0]?.message).toMatch(/bytes; at most 1048576/);
  });

  it('refuses more than one YAML document', () => {
    const error = policyErrorOf(() =>
      parsePolicy('version: 1\ndefault: {imageTagMutability: MUTABLE}\n---\nversion: 1\n', 'p.yml'),
    );
    expect(error.message).toBe(
      'p.yml:3:1: the policy file must hold one YAML document, found 2 (the second starts here)',
    );
  });

  it('never lets __proto__ or constructor keys touch a prototype', () => {
    // Prepare
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const text = `version: 1
__proto__: {polluted: true}
constructor: {prototype: {polluted: true}}
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters:
    - {filterType: WILDCARD, filter: a, __proto__: {polluted: true}}
  __proto__: {polluted: true}
`;
    const json =
      '{"version": 1, "default": {"imageTagMutability": "MUTABLE"}, "__proto__": {"polluted": true}}';
    // Act
    const error = policyErrorOf(() => parsePolicy(text, 'p.yml'));
    const jsonError = policyErrorOf(() => parsePolicy(json, 'p.json'));
    // Assess
    expect(positions(error)).toEqual([
      '2:1 unknown key "__proto__" in the policy; expected one of version, default, rules, ignore',
      '3:1 unknown key "constructor" in the policy; expected one of version, default, rules, ignore',
      '7:41 unknown key "__proto__" in an exclusion filter; expected one of filterType, filter',
      '8:3 unknown key "__proto__" in default; expected one of imageTagMutability, imageTagMutabilityExclusionFilters',
    ]);
    expect(jsonError.message).toBe(
      'p.json:1:62: unknown key "__proto__" in the policy; expected one of version, default, rules, ignore',
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a __proto__ key in a wrongly typed value from reaching a prototype', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        'version: 1\ndefault:\n  imageTagMutability: {__proto__: {polluted: true}}\n',
        'p.yml',
      ),
    );
    expect(error.errors.map((e) => [e.line, e.column])).toEqual([[3, 23]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [
      'an empty file',
      '',
      'p.yml:1:1: the policy file is empty; it must be a mapping with version and default',
    ],
    [
      'only comments',
      '# nothing\n',
      'p.yml:1:1: the policy file is empty; it must be a mapping with version and default',
    ],
    [
      'a lone document marker',
      '---\n',
      'p.yml:1:1: the policy file is empty; it must be a mapping with version and default',
    ],
    [
      'a list',
      '- version: 1\n',
      'p.yml:1:1: the policy must be a mapping with the keys version and default (and optionally rules and ignore), found a list',
    ],
    [
      'a number',
      '42\n',
      'p.yml:1:1: the policy must be a mapping with the keys version and default (and optionally rules and ignore), found the number 42',
    ],
    [
      'a JSON string',
      '"version: 1"',
      'p.yml:1:1: the policy must be a mapping with the keys version and default (and optionally rules and ignore), found the string "version: 1"',
    ],
  ])('refuses %s as the root', (_what, text, message) => {
    expect(policyErrorOf(() => parsePolicy(text, 'p.yml')).message).toBe(message);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const nested = policyErrorOf(() =>
      parsePolicy(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`, 'p.yml'),
    );
    const unbalanced = policyErrorOf(() => parsePolicy('['.repeat(200_000), 'p.yml'));
    expect(nested.message).toBe('p.yml:1:67: collections are nested more than 64 levels deep');
    expect(unbalanced.errors.length).toBeGreaterThan(0);
    expect(unbalanced.errors.length).toBeLessThanOrEqual(POLICY_LIMITS.maxIssues);
  });

  it('caps the number of reported issues', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}: 1`).join('\n');
    const error = policyErrorOf(() => parsePolicy(keys, 'p.yml'));
    expect(error.errors).toHaveLength(POLICY_LIMITS.maxIssues);
    expect(error.errors.at(-1)?.message).toMatch(/^\d+ more problems not shown$/);
  });

  it('refuses YAML tags instead of producing Buffers, Sets or Dates', () => {
    const error = policyErrorOf(() =>
      parsePolicy('version: 1\ndefault:\n  imageTagMutability: !!binary SU1NVVRBQkxF\n', 'p.yml'),
    );
    expect(error.errors[0]).toMatchObject({ line: 3, column: 23 });
    expect(error.errors[0]?.message).toMatch(/^unsupported YAML tag/);
  });

  it('keeps every message on one line, whatever the input holds', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        'version: 1\n"a\\nb\\u2028c": 1\ndefault: {imageTagMutability: MUTABLE}\n',
        'p.yml',
      ),
    );
    expect(error.errors).toHaveLength(1);
    expect(error.message.split(/\r|\n|\u2028|\u2029/)).toHaveLength(1);
    expect(error.message).toMatch(LINE);
  });

  it('throws only PolicyErrors, with FILE:LINE:COL lines, for arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        (value) => outcomeIsClean(JSON.stringify(value) ?? 'null') !== false,
      ),
      { numRuns: 1000 },
    );
  });

  it('throws only PolicyErrors for policy-shaped JSON with arbitrary parts', () => {
    // Arbitrary values where the schema expects specific ones, so that the deeper checks (rules,
    // filters, globs, the ECR validator's issues and their positions) are reached too.
    const mode = fc.oneof(
      fc.constantFrom('MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const filter = fc.oneof(
      fc.stringMatching(/^[a-z*.-]{0,6}$/),
      fc.record({ filterType: fc.constantFrom('WILDCARD', 'REGEX'), filter: fc.string() }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const config = fc.record(
      {
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: fc.oneof(
          fc.array(filter, { maxLength: 7 }),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    const glob = fc.oneof(fc.stringMatching(/^[a-z/*]{0,6}$/), fc.jsonValue({ maxDepth: 1 }));
    const account = fc.oneof(fc.stringMatching(/^[0-9]{11,13}$/), fc.jsonValue({ maxDepth: 1 }));
    const region = fc.oneof(
      fc.stringMatching(/^[a-z]{2}-[a-z]{1,5}-[0-9]{1,3}$/),
      fc.jsonValue({ maxDepth: 1 }),
    );
    const selectors = fc.record(
      {
        repositories: fc.array(glob, { maxLength: 3 }),
        accounts: fc.oneof(fc.array(account, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        regions: fc.oneof(fc.array(region, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    const rule = fc.oneof(
      fc.tuple(selectors, config).map(([a, b]) => ({ ...a, ...b })),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const policy = fc.record(
      {
        version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
        default: fc.oneof(config, fc.jsonValue({ maxDepth: 2 })),
        rules: fc.oneof(fc.array(rule, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
        ignore: fc.oneof(fc.array(glob, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        __proto__: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    let loaded = 0;
    fc.assert(
      fc.property(policy, fc.boolean(), (value, pretty) => {
        const ok = outcomeIsClean(JSON.stringify(value, null, pretty ? 2 : undefined));
        if (ok === 'policy') loaded += 1;
        return ok !== false;
      }),
      // One valid policy among the examples, so that every run (whatever its seed) also takes
      // the loading path; the generator reaches more of them by chance.
      {
        numRuns: 2000,
        examples: [
          [
            {
              version: 1,
              default: {
                imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
                imageTagMutabilityExclusionFilters: ['dev-*'],
              },
            },
            false,
          ],
        ],
      },
    );
    // The generator must reach valid policies as well, or the property says little.
    expect(loaded).toBeGreaterThan(0);
  });

  it('throws only PolicyErrors for arbitrary YAML-ish text', () => {
    const char = fc.constantFrom(
      ...'ab1:-*&!|>[]{},"\'#%@`?~\n\t \\'.split(''),
      'version',
      'default',
      'rules',
      '\n  ',
    );
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 60 }),
        (chars) => outcomeIsClean(chars.join('')) !== false,
      ),
      { numRuns: 2000 },
    );
  });
});

/** Parses `text`; 'policy' or 'error' when the outcome is clean, false otherwise. */
function outcomeIsClean(text: string): 'policy' | 'error' | false {
  try {
    const policy = parsePolicy(text, 'fuzz.json');
    // A loaded policy must be usable.
    resolveRepository(policy, {
      account: '111111111111',
      region: 'eu-west-1',
      repository: 'some/repo',
    });
    return 'policy';
  } catch (error) {
    if (!(error instanceof PolicyError)) return false;
    const lines = error.message.split('\n');
    return lines.length === error.errors.length &&
      lines.length > 0 &&
      lines.every((line) => LINE.test(line))
      ? 'error'
      : false;
  }
}

describe('loadPolicy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it as given', async () => {
    const path = join(dir, 'policy.yml');
    await writeFile(path, EXAMPLE_POLICY);
    const policy = await loadPolicy(path);
    expect(policy.file).toBe(path);
    expect(policy.rules).toHaveLength(2);
  });

  it('reads a file with a UTF-8 byte order mark', async () => {
    const path = join(dir, 'bom.yml');
    await writeFile(path, `\uFEFF${EXAMPLE_POLICY}`);
    expect((await loadPolicy(path)).ignore).toEqual(['cache/**']);
  });

  it('reports errors with the path as the file name', async () => {
    const path = join(dir, 'bad.yml');
    await writeFile(path, 'version: 3\ndefault: {imageTagMutability: MUTABLE}\n');
    const error = await policyErrorOfAsync(() => loadPolicy(path));
    expect(error.message).toBe(`${path}:1:10: version must be 1, found the number 3`);
  });

  it('turns a missing file into a PolicyError naming the file, with the cause', async () => {
    const path = join(dir, 'missing.yml');
    const error = await policyErrorOfAsync(() => loadPolicy(path));
    expect(error.message).toBe(`${path}: cannot read the policy file: no such file`);
    expect(error.errors).toEqual([
      { file: path, line: 0, column: 0, message: 'cannot read the policy file: no such file' },
    ]);
    expect((error.cause as { code?: string }).code).toBe('ENOENT');
  });

  it('turns a directory into a PolicyError', async () => {
    const error = await policyErrorOfAsync(() => loadPolicy(dir));
    expect(error.message).toBe(`${dir}: cannot read the policy file: it is a directory`);
  });

  it('refuses a file over 1 MiB without reading all of it', async () => {
    // /dev/zero never ends: only a bounded read returns at all.
    const error = await policyErrorOfAsync(() => loadPolicy('/dev/zero'));
    expect(error.message).toBe(
      '/dev/zero:1:1: the policy file is larger than 1048576 bytes (1 MiB)',
    );
  });

  it('refuses a file that is not UTF-8', async () => {
    const path = join(dir, 'latin1.yml');
    await writeFile(path, Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]));
    const error = await policyErrorOfAsync(() => loadPolicy(path));
    expect(error.message).toBe(`${path}:1:1: the policy file is not valid UTF-8`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
