/**
 * A rule's `remediate` switch (docs/policy.md#automatic-remediation): a boolean on rules only,
 * kept by sealing only when true, with FILE:LINE:COL errors like every other field.
 */
import { describe, expect, it } from 'vitest';
import { resolveRepository } from '../../lib/core/policy/resolve.ts';
import { sealPolicy } from '../../lib/core/policy/seal.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { policyErrorOf, positions } from './helpers.ts';

const REF = { account: '111111111111', region: 'eu-west-1' };

describe('parsePolicy: remediate', () => {
  it('keeps remediate: true on its rule only; false and absent leave the rule without it', () => {
    // Prepare
    const text = `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
    remediate: true
  - repositories: ["staging/*"]
    imageTagMutability: IMMUTABLE
    remediate: false
  - repositories: ["dev/*"]
    imageTagMutability: MUTABLE
`;
    // Act
    const policy = parsePolicy(text, 'policy.yml');
    // Assess
    expect(policy.rules.map((rule) => rule.remediate)).toEqual([true, undefined, undefined]);
    expect(Object.hasOwn(policy.rules[1] ?? {}, 'remediate')).toBe(false);
    const resolved = resolveRepository(policy, { ...REF, repository: 'prod/api' });
    expect(resolved.ignored === false && resolved.rule?.remediate).toBe(true);
  });

  it('refuses a value that is not a boolean, at the value (yes is a string in YAML 1.2)', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: [a]
    imageTagMutability: IMMUTABLE
    remediate: yes
  - repositories: [b]
    imageTagMutability: IMMUTABLE
    remediate: 1
  - repositories: [c]
    imageTagMutability: IMMUTABLE
    remediate:
`,
        'policy.yml',
      ),
    );
    // Assess
    expect(positions(error)).toEqual([
      '6:16 remediate must be true or false, found the string "yes"',
      '9:16 remediate must be true or false, found the number 1',
      '12:5 remediate must be true or false, found nothing',
    ]);
  });

  it('refuses remediate on the default, saying how to remediate every repository', () => {
    // Act
    const error = policyErrorOf(() =>
      parsePolicy(
        `version: 1
default:
  imageTagMutability: IMMUTABLE
  remediate: true
`,
        'policy.yml',
      ),
    );
    // Assess
    expect(positions(error)).toEqual([
      '4:3 unknown key "remediate" in default; expected one of imageTagMutability, imageTagMutabilityExclusionFilters (remediate is a switch of rules only: to remediate every repository, end the rules with one for repositories ["**"] that has remediate: true)',
    ]);
  });
});

describe('sealPolicy: remediate', () => {
  it('keeps only remediate: true from inlined JSON, frozen with the rule', () => {
    // Prepare: JSON as the build inlines it, with a value no validated policy has.
    const json = {
      file: 'policy.yml',
      default: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
      rules: [
        {
          repositories: ['a'],
          config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
          index: 0,
          line: 4,
          remediate: true,
        },
        {
          repositories: ['b'],
          config: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
          index: 1,
          line: 7,
          remediate: 'true',
        },
      ],
      ignore: [],
    };
    // Act
    const sealed = sealPolicy(JSON.parse(JSON.stringify(json)));
    // Assess
    expect(sealed.rules.map((rule) => rule.remediate)).toEqual([true, undefined]);
    expect(Object.isFrozen(sealed.rules[0])).toBe(true);
  });
});
