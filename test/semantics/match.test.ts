import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mutability } from '../../lib/core/model/config.ts';
import { explainTag, filterMatches, isTagImmutable } from '../../lib/core/semantics/match.ts';
import { config as cfg } from '../support/config.ts';

/** The oracle: escape every character, `*` becomes `.*`, anchor both ends. */
function globRegex(filter: string): RegExp {
  const body = [...filter]
    .map((ch) => (ch === '*' ? '.*' : ch.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

describe('filterMatches', () => {
  it.each([
    ['prod*', 'prod', true],
    ['prod*', 'prod-1', true],
    ['prod*', 'pro', false],
    ['a*b', 'ab', true],
    ['a*b', 'a-x-b', true],
    ['a*b', 'ba', false],
    ['a*b', 'abc', false],
    ['*', 'anything', true],
    ['**', 'x', true],
    ['v1', 'v1', true],
    ['v1', 'v10', false],
    ['v1', 'xv1', false],
    ['Dev-*', 'dev-1', false],
    ['dev-*', 'Dev-1', false],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['release-*-rc*', 'release-1.2-rc3', true],
    ['release-*-rc*', 'release--rc', true],
    ['release-*-rc*', 'release-1.2', false],
    ['*-rc*', '1.0-rc', true],
    ['*a*a*', 'aa', true],
    ['*a*a*', 'ba', false],
  ])('%j matches %j: %s', (filter, tag, expected) => {
    expect(filterMatches(filter, tag)).toBe(expected);
  });

  it('agrees with a regular-expression oracle', () => {
    const chars = ['a', 'b', '-', '.', 'A', '*'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((cs) => cs.join('')),
        fc.array(fc.constantFrom(...chars.slice(0, 5)), { maxLength: 12 }).map((cs) => cs.join('')),
        (filter, tag) => {
          expect(filterMatches(filter, tag)).toBe(globRegex(filter).test(tag));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stays linear on inputs that make backtracking matchers explode', () => {
    // Prepare: far beyond ECR's 2 wildcards, on purpose; a naive backtracking matcher takes
    // exponential time here and the test would time out.
    const filter = `${'*a'.repeat(30)}*b`;
    const tag = 'a'.repeat(5000);

    // Act and assess
    expect(filterMatches(filter, tag)).toBe(false);
    expect(filterMatches(filter, `${tag}b`)).toBe(true);
  });
});

describe('isTagImmutable', () => {
  it.each([
    ['IMMUTABLE', [], 'x', true],
    ['MUTABLE', [], 'x', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'dev-1', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'v1', true],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'v1', true],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'latest', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['a', 'b*'], 'b1', false],
    ['MUTABLE_WITH_EXCLUSION', ['a', 'b*'], 'c', false],
  ] as const)('%s %j: %j immutable = %s', (mode, filters, tag, expected) => {
    expect(isTagImmutable(cfg(mode, ...filters), tag)).toBe(expected);
  });
});

describe('explainTag', () => {
  it('names the first matching filter and why', () => {
    // Prepare
    const config = cfg('IMMUTABLE_WITH_EXCLUSION', 'release-*', 'dev-*', 'dev-1*');

    // Act
    const explained = explainTag(config, 'dev-12');

    // Assess
    expect(explained.immutable).toBe(false);
    expect(explained.decidedBy).toEqual({ filterType: 'WILDCARD', filter: 'dev-*' });
    expect(explained.reason).toBe(
      'tag "dev-12" matches exclusion filter "dev-*", so under IMMUTABLE_WITH_EXCLUSION it is mutable',
    );
  });

  it('says when no filter matches', () => {
    // Act
    const explained = explainTag(cfg('MUTABLE_WITH_EXCLUSION', 'v*'), 'latest');

    // Assess
    expect(explained).toEqual({
      immutable: false,
      decidedBy: null,
      reason:
        'tag "latest" matches no exclusion filter, so under MUTABLE_WITH_EXCLUSION it is mutable',
    });
  });

  it('explains the plain modes and notes invalid tags', () => {
    // Act
    const plain = explainTag(cfg('IMMUTABLE'), 'v1');
    const invalid = explainTag(cfg('MUTABLE'), '-x');

    // Assess
    expect(plain).toEqual({
      immutable: true,
      decidedBy: null,
      reason: 'imageTagMutability is IMMUTABLE, so every tag is immutable',
    });
    expect(invalid.immutable).toBe(false);
    expect(invalid.reason).toContain('"-x" is not a valid image tag');
  });

  it('agrees with isTagImmutable', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Mutability>(
          'MUTABLE',
          'IMMUTABLE',
          'IMMUTABLE_WITH_EXCLUSION',
          'MUTABLE_WITH_EXCLUSION',
        ),
        fc.array(fc.stringMatching(/^[ab*]{1,4}$/), { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[ab]{1,6}$/),
        (mode, filters, tag) => {
          const config = cfg(mode, ...filters);
          const explained = explainTag(config, tag);
          expect(explained.immutable).toBe(isTagImmutable(config, tag));
          if (explained.decidedBy !== null) {
            expect(filterMatches(explained.decidedBy.filter, tag)).toBe(true);
          }
        },
      ),
    );
  });
});
