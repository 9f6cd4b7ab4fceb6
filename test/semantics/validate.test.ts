import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MUTABILITY_MODES, type Mutability } from '../../lib/core/model/config.ts';
import {
  type ConfigIssue,
  normalizeRepositoryConfig,
  validateMutabilityConfig,
} from '../../lib/core/semantics/validate.ts';

const KEY = 'imageTagMutabilityExclusionFilters';

function issuesOf(input: unknown): ConfigIssue[] {
  const result = validateMutabilityConfig(input);
  if (result.ok) throw new Error('expected the configuration to be rejected');
  return result.issues;
}

describe('validateMutabilityConfig: accepted configurations', () => {
  it.each([
    [{ imageTagMutability: 'MUTABLE' }, 'MUTABLE', []],
    [{ imageTagMutability: 'IMMUTABLE', [KEY]: null }, 'IMMUTABLE', []],
    [{ imageTagMutability: 'IMMUTABLE', [KEY]: [] }, 'IMMUTABLE', []],
    [
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: ['dev-*'] },
      'IMMUTABLE_WITH_EXCLUSION',
      ['dev-*'],
    ],
    [
      {
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        [KEY]: [{ filterType: 'WILDCARD', filter: 'v*.*' }, 'latest', 'a'.repeat(128)],
      },
      'MUTABLE_WITH_EXCLUSION',
      ['v*.*', 'latest', 'a'.repeat(128)],
    ],
  ])('%j', (input, mode, filters) => {
    // Act
    const result = validateMutabilityConfig(input);

    // Assess: strings come out as {filterType, filter}.
    expect(result).toEqual({
      ok: true,
      config: {
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: filters.map((filter) => ({
          filterType: 'WILDCARD',
          filter,
        })),
      },
    });
  });
});

describe('validateMutabilityConfig: ECR rules', () => {
  it.each<[string, unknown, ConfigIssue[]]>([
    [
      'a missing mode',
      {},
      [
        {
          path: ['imageTagMutability'],
          message:
            'imageTagMutability is required; one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION',
        },
      ],
    ],
    [
      'an unknown mode',
      { imageTagMutability: 'immutable' },
      [
        {
          path: ['imageTagMutability'],
          message:
            'imageTagMutability must be one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION; got "immutable"',
        },
      ],
    ],
    [
      'a mode of the wrong type',
      { imageTagMutability: 3 },
      [
        {
          path: ['imageTagMutability'],
          message:
            'imageTagMutability must be one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION; got 3',
        },
      ],
    ],
    [
      'no filter list with IMMUTABLE_WITH_EXCLUSION',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' },
      [
        {
          path: [KEY],
          message:
            "ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as IMMUTABLE_WITH_EXCLUSION",
        },
      ],
    ],
    [
      'a null filter list with MUTABLE_WITH_EXCLUSION',
      { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', [KEY]: null },
      [
        {
          path: [KEY],
          message:
            "ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as MUTABLE_WITH_EXCLUSION",
        },
      ],
    ],
    [
      'an empty filter list',
      { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', [KEY]: [] },
      [
        {
          path: [KEY],
          message: `${KEY} has no filters; ECR requires 1 to 5 when imageTagMutability is MUTABLE_WITH_EXCLUSION`,
        },
      ],
    ],
    [
      'six filters',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: ['a', 'b', 'c', 'd', 'e', 'f'] },
      [{ path: [KEY], message: `${KEY} has 6 filters; ECR allows at most 5` }],
    ],
    [
      'filters with plain IMMUTABLE',
      { imageTagMutability: 'IMMUTABLE', [KEY]: ['dev-*'] },
      [
        {
          path: [KEY],
          message: `${KEY} is only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not with IMMUTABLE`,
        },
      ],
    ],
    [
      'a filter list that is no list',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: 'dev-*' },
      [{ path: [KEY], message: `${KEY} must be a list; got "dev-*"` }],
    ],
    [
      'three wildcards',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: ['ok-*', 'ok2', 'a*b*c*'] },
      [{ path: [KEY, 2], message: 'filter "a*b*c*" has 3 wildcards; ECR allows at most 2' }],
    ],
    [
      'a character ECR does not allow',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: ['feature/*'] },
      [
        {
          path: [KEY, 0],
          message:
            'filter "feature/*" contains "/"; ECR allows only letters, digits, ".", "_", "-" and "*"',
        },
      ],
    ],
    [
      'an empty filter',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: [''] },
      [{ path: [KEY, 0], message: 'filter must not be empty' }],
    ],
    [
      'a 129-character filter',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: ['a'.repeat(129)] },
      [{ path: [KEY, 0], message: 'filter is 129 characters long; ECR allows at most 128' }],
    ],
    [
      'a filter type other than WILDCARD',
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        [KEY]: [{ filterType: 'REGEX', filter: 'a' }],
      },
      [{ path: [KEY, 0, 'filterType'], message: 'filterType must be "WILDCARD"; got "REGEX"' }],
    ],
    [
      'a missing filter type',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: [{ filter: 'a' }] },
      [
        {
          path: [KEY, 0, 'filterType'],
          message: 'filterType is required; ECR\'s only filter type is "WILDCARD"',
        },
      ],
    ],
    [
      'a missing filter value',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: [{ filterType: 'WILDCARD' }] },
      [{ path: [KEY, 0, 'filter'], message: 'filter is required' }],
    ],
    [
      'a filter value of the wrong type',
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        [KEY]: [{ filterType: 'WILDCARD', filter: 7 }],
      },
      [{ path: [KEY, 0, 'filter'], message: 'filter must be a string; got 7' }],
    ],
    [
      'an entry of the wrong type',
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', [KEY]: [null] },
      [
        {
          path: [KEY, 0],
          message:
            'a filter must be a string or an object {filterType: "WILDCARD", filter}; got null',
        },
      ],
    ],
    [
      'an unknown key in a filter',
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        [KEY]: [{ filterType: 'WILDCARD', filter: 'a', note: 'x' }],
      },
      [{ path: [KEY, 0, 'note'], message: 'unknown key "note"' }],
    ],
    [
      'an unknown key',
      { imageTagMutability: 'MUTABLE', foo: 1 },
      [{ path: ['foo'], message: 'unknown key "foo"' }],
    ],
    [
      'no object',
      ['IMMUTABLE'],
      [
        {
          path: [],
          message: `expected an object with imageTagMutability and, for the *_WITH_EXCLUSION modes, ${KEY}; got a list`,
        },
      ],
    ],
  ])('rejects %s', (_name, input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it('reports every issue at once', () => {
    // Prepare
    const input = {
      imageTagMutability: 'SOMETIMES',
      extra: true,
      [KEY]: ['a*b*c*', 'x/y', { filterType: 'REGEX', filter: '*/**' }, 'ok'],
    };

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues.map((i) => i.path)).toEqual([
      ['extra'],
      ['imageTagMutability'],
      [KEY, 0],
      [KEY, 1],
      [KEY, 2, 'filterType'],
      [KEY, 2, 'filter'],
      [KEY, 2, 'filter'],
    ]);
    expect(issues[6]?.message).toBe('filter "*/**" has 3 wildcards; ECR allows at most 2');
  });
});

describe('validateMutabilityConfig: properties', () => {
  const valueArb = fc
    .stringMatching(/^[0-9a-zA-Z._-]{1,40}$/)
    .chain((s) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: s.length - 1 }), { maxLength: 2 })
        .map((stars) => [...s].map((ch, i) => (stars.includes(i) ? '*' : ch)).join('')),
    );
  const entryArb = fc
    .tuple(valueArb, fc.boolean())
    .map(([filter, asObject]) => (asObject ? { filterType: 'WILDCARD', filter } : filter));
  const validArb = fc.oneof(
    fc.record({ imageTagMutability: fc.constantFrom<Mutability>('MUTABLE', 'IMMUTABLE') }),
    fc.record({
      imageTagMutability: fc.constantFrom<Mutability>(
        'IMMUTABLE_WITH_EXCLUSION',
        'MUTABLE_WITH_EXCLUSION',
      ),
      [KEY]: fc.array(entryArb, { minLength: 1, maxLength: 5 }),
    }),
  );

  it('accepts every configuration ECR accepts and normalizes its filters', () => {
    fc.assert(
      fc.property(validArb, (input) => {
        // Act
        const result = validateMutabilityConfig(input);

        // Assess
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const entries = (input as Record<string, unknown>)[KEY] as unknown[] | undefined;
        const values = (entries ?? []).map((e) =>
          typeof e === 'string' ? e : (e as { filter: string }).filter,
        );
        expect(result.config).toEqual({
          imageTagMutability: input.imageTagMutability,
          imageTagMutabilityExclusionFilters: values.map((filter) => ({
            filterType: 'WILDCARD',
            filter,
          })),
        });
      }),
    );
  });

  it('rejects a mutated filter with the path of that filter', () => {
    const mutationArb = fc.constantFrom(
      (v: string) => `${v}*a*b*`,
      (v: string) => `${v}/`,
      (v: string) => `${v}${'x'.repeat(128)}`,
      () => '',
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Mutability>('IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'),
        fc.array(entryArb, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        mutationArb,
        (mode, entries, pick, mutate) => {
          // Prepare
          const index = pick % entries.length;
          const entry = entries[index];
          const mutated = [...entries];
          mutated[index] =
            typeof entry === 'string'
              ? mutate(entry)
              : { filterType: 'WILDCARD', filter: mutate((entry as { filter: string }).filter) };

          // Act
          const issues = issuesOf({ imageTagMutability: mode, [KEY]: mutated });

          // Assess
          const path = typeof entry === 'string' ? [KEY, index] : [KEY, index, 'filter'];
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.path).toEqual(path);
        },
      ),
    );
  });
});

describe('normalizeRepositoryConfig', () => {
  it('rejects filters ECR would refuse, since they cannot have come from ECR', () => {
    const mode = 'IMMUTABLE_WITH_EXCLUSION';
    const tooMany = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(
      normalizeRepositoryConfig({
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: tooMany,
      }),
    ).toMatch(/at most 5/);
    for (const bad of ['a*b*c*', 'x'.repeat(129), 'a b', 'dev-<!channel>', '']) {
      const result = normalizeRepositoryConfig({
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: [bad],
      });
      expect(typeof result).toBe('string');
    }
  });

  it('fills in what AWS leaves out', () => {
    expect(normalizeRepositoryConfig({})).toEqual({
      imageTagMutability: 'MUTABLE',
      imageTagMutabilityExclusionFilters: [],
    });
    expect(
      normalizeRepositoryConfig({
        imageTagMutability: 'IMMUTABLE',
        imageTagMutabilityExclusionFilters: null,
      }),
    ).toEqual({
      imageTagMutability: 'IMMUTABLE',
      imageTagMutabilityExclusionFilters: [],
    });
  });

  it('reads the filters AWS reports, as objects or strings', () => {
    // Act
    const result = normalizeRepositoryConfig({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }, 'a*b*'],
    });

    // Assess
    expect(result).toEqual({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filterType: 'WILDCARD', filter: 'dev-*' },
        { filterType: 'WILDCARD', filter: 'a*b*' },
      ],
    });
  });

  it('drops filters reported with a plain mode, where they have no effect', () => {
    expect(
      normalizeRepositoryConfig({
        imageTagMutability: 'MUTABLE',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x' }],
      }),
    ).toEqual({ imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] });
  });

  it.each([
    [
      { imageTagMutability: 'SOMETIMES' },
      'imageTagMutability must be one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION; got "SOMETIMES"',
    ],
    [
      { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: {} },
      `${KEY} must be a list; got an object`,
    ],
    [
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX', filter: 'a' }],
      },
      `${KEY}[0].filterType must be "WILDCARD"; got "REGEX"`,
    ],
    [
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [5] },
      `${KEY}[0] must be {filterType: "WILDCARD", filter: string}; got 5`,
    ],
  ])('reports values of the wrong type: %j', (input, message) => {
    expect(normalizeRepositoryConfig(input)).toBe(message);
  });

  it('gives every mode back unchanged', () => {
    for (const mode of MUTABILITY_MODES) {
      const result = normalizeRepositoryConfig({
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: ['a*'],
      });
      expect(typeof result === 'string' ? result : result.imageTagMutability).toBe(mode);
    }
  });
});
