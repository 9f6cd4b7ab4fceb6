import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { MUTABILITY_MODES } from '../../lib/core/model/config.ts';
import {
  compareConfigs,
  compareConfigsTuned,
  configKey,
} from '../../lib/core/semantics/compare.ts';
import { isTagImmutable } from '../../lib/core/semantics/match.ts';
import { isValidTag } from '../../lib/core/semantics/tags.ts';
import { config as cfg } from '../support/config.ts';

const IWE = 'IMMUTABLE_WITH_EXCLUSION';
const MWE = 'MUTABLE_WITH_EXCLUSION';
const a = (n: number) => 'a'.repeat(n);
const b = (n: number) => 'b'.repeat(n);

describe('compareConfigs: configurations written differently but equal', () => {
  it.each([
    ['MUTABLE_WITH_EXCLUSION ["*"] and IMMUTABLE', cfg(MWE, '*'), cfg('IMMUTABLE')],
    ['IMMUTABLE_WITH_EXCLUSION ["*"] and MUTABLE', cfg(IWE, '*'), cfg('MUTABLE')],
    ['a subsumed literal', cfg(MWE, 'a*b', 'ab'), cfg(MWE, 'a*b')],
    ['a subsumed literal (IWE)', cfg(IWE, 'a*b', 'ab'), cfg(IWE, 'a*b')],
    ['a subsumed two-wildcard filter', cfg(IWE, 'x*y*z', 'xy*z'), cfg(IWE, 'x*y*z')],
    ['a subsumed prefix', cfg(IWE, 'dev-*', 'dev-1*'), cfg(IWE, 'dev-*')],
    ['a duplicated filter', cfg(IWE, 'dev-*', 'dev-*'), cfg(IWE, 'dev-*')],
    ['filters in another order', cfg(IWE, 'a*', 'b*', '*c'), cfg(IWE, '*c', 'b*', 'a*')],
    ['"**" and "*"', cfg(IWE, '**'), cfg('MUTABLE')],
    ['"-*" matches no valid tag', cfg(IWE, '-*'), cfg('IMMUTABLE')],
    ['".x*" matches no valid tag', cfg(IWE, '.x*'), cfg('IMMUTABLE')],
    ['filters starting with "." or "-" only', cfg(MWE, '-*', '.*', '-a*b*'), cfg('MUTABLE')],
    ['"*" beside other filters', cfg(MWE, '*a*', '*', 'b'), cfg('IMMUTABLE')],
    ['filters left over on a plain mode', cfg('IMMUTABLE', 'dev-*'), cfg('IMMUTABLE')],
    ['identical configurations', cfg(MWE, 'v*-rc*', 'latest'), cfg(MWE, 'v*-rc*', 'latest')],
  ])('%s', (_name, expected, actual) => {
    // Act
    const result = compareConfigs(expected, actual);

    // Assess
    expect(result).toEqual({ direction: 'EQUAL', witnesses: [] });
  });
});

describe('compareConfigs: directions and witnesses', () => {
  it('finds a loosened two-wildcard exclusion, shortest tags first in ASCII order', () => {
    // Prepare
    const expected = cfg(IWE, 'release-*-rc*');
    const actual = cfg(IWE, 'release-*');

    // Act
    const result = compareConfigs(expected, actual);

    // Assess: "release-" is excluded by A only; "release-*-rc*" needs at least 11 characters.
    expect(result).toEqual({
      direction: 'LOOSENED',
      witnesses: ['release-', 'release--', 'release-.', 'release-0', 'release-1'],
    });
    expect(compareConfigs(actual, expected).direction).toBe('TIGHTENED');
  });

  it('lets "*" match the empty string: "prod*" matches "prod"', () => {
    // Act
    const result = compareConfigs(cfg(IWE, 'prod*'), cfg(IWE, 'prod-*'));

    // Assess: "prod-" is excluded by both, so it is no witness.
    expect(result).toEqual({
      direction: 'TIGHTENED',
      witnesses: ['prod', 'prod.', 'prod0', 'prod1', 'prod2'],
    });
  });

  it('lets a middle "*" match the empty string: "a*b" matches "ab"', () => {
    // Act
    const result = compareConfigs(cfg(MWE, 'a*b'), cfg('MUTABLE'));

    // Assess
    expect(result).toEqual({
      direction: 'LOOSENED',
      witnesses: ['ab', 'a-b', 'a.b', 'a0b', 'a1b'],
    });
  });

  it('never offers a witness starting with "-" or "."', () => {
    // Act
    const contains = compareConfigs(cfg(MWE, '*-rc*'), cfg('MUTABLE'));
    const endsWith = compareConfigs(cfg(IWE, '*-'), cfg('IMMUTABLE'));

    // Assess: "-rc" itself is no tag.
    expect(contains.witnesses).toEqual(['0-rc', '1-rc', '2-rc', '3-rc', '4-rc']);
    expect(endsWith).toEqual({ direction: 'TIGHTENED', witnesses: ['0-', '1-', '2-', '3-', '4-'] });
  });

  it('matches case-sensitively', () => {
    // Act
    const result = compareConfigs(cfg(MWE, 'Dev-*'), cfg(MWE, 'dev-*'));

    // Assess: "D" (68) sorts before "d" (100).
    expect(result).toEqual({
      direction: 'CHANGED',
      witnesses: ['Dev-', 'dev-', 'Dev--', 'Dev-.', 'Dev-0'],
    });
  });

  it('keeps searching for witnesses longer than where both directions showed up', () => {
    // Act: both directions show at length 1 ("x", "y"), the other witnesses are longer.
    const result = compareConfigs(cfg(MWE, 'x', 'yy*'), cfg(MWE, 'y', 'xx*'));

    // Assess
    expect(result).toEqual({ direction: 'CHANGED', witnesses: ['x', 'y', 'xx', 'yy', 'xx-'] });
  });

  it('tells plain modes apart', () => {
    expect(compareConfigs(cfg('IMMUTABLE'), cfg('MUTABLE'))).toEqual({
      direction: 'LOOSENED',
      witnesses: ['0', '1', '2', '3', '4'],
    });
    expect(compareConfigs(cfg('MUTABLE'), cfg(IWE, 'dev-*')).direction).toBe('TIGHTENED');
    expect(compareConfigs(cfg(MWE, 'v*'), cfg(IWE, 'v*')).direction).toBe('CHANGED');
  });
});

describe('compareConfigs: the 128-character limit of tags', () => {
  it('sees a 128-character literal differ from a 127-character prefix glob at 127 characters', () => {
    // Prepare: E excludes only a^128; A excludes a^127 and every a^127 + one character.
    const expected = cfg(IWE, a(128));
    const actual = cfg(IWE, `${a(127)}*`);

    // Act
    const result = compareConfigs(expected, actual);

    // Assess
    expect(result).toEqual({
      direction: 'LOOSENED',
      witnesses: [a(127), `${a(127)}-`, `${a(127)}.`, `${a(127)}0`, `${a(127)}1`],
    });
  });

  it('ignores a direction only reachable with more than 128 characters', () => {
    // Prepare: a tag both starting with a^127 and ending with b^127 needs 254 characters, so no
    // tag is immutable under E (MWE) while matching A's exclusion: only TIGHTENED is left
    // (unbounded, the answer would be CHANGED).
    const expected = cfg(MWE, `${a(127)}*`);
    const actual = cfg(IWE, `*${b(127)}`);

    // Act
    const result = compareConfigs(expected, actual);

    // Assess
    expect(result.direction).toBe('TIGHTENED');
    expect(compareConfigs(actual, expected).direction).toBe('LOOSENED');
  });

  it('counts a difference at exactly 128 characters', () => {
    // Prepare: "*-" + a^126 (128 characters) matches valid tags of 128 characters and more.
    const result = compareConfigs(cfg(MWE, `*-${a(126)}`), cfg('MUTABLE'));

    // Assess
    expect(result.direction).toBe('LOOSENED');
    expect(result.witnesses[0]).toBe(`0-${a(126)}`);
    expect(result.witnesses.every((w) => w.length === 128)).toBe(true);
  });

  it('is EQUAL when the only differing strings are longer than 128 characters', () => {
    // Within ECR's limits this cannot happen: every filter matches either no valid tag or one
    // of at most 128 characters (its literal with empty stars, or with one first character in
    // front), and covering all of a filter's short tags takes a filter that covers all of them.
    // A MutabilityConfig is not bound to ECR's limits, though (nothing re-validates what AWS
    // reports), so these over-limit filters show the bound at work.
    const cases: [MutabilityConfig, MutabilityConfig][] = [
      [cfg(IWE, `${a(100)}*${b(29)}`), cfg('IMMUTABLE')], // shortest match: 129 characters
      [cfg(MWE, a(129)), cfg('MUTABLE')],
      [cfg(MWE, `*-${a(127)}`), cfg('MUTABLE')], // shortest valid match: 130 characters
      [cfg(IWE, 'dev-*', `${a(64)}*${a(65)}`), cfg(IWE, 'dev-*')],
    ];
    for (const [expected, actual] of cases) {
      // Act
      const result = compareConfigs(expected, actual);

      // Assess
      expect(result).toEqual({ direction: 'EQUAL', witnesses: [] });
    }
  });
});

describe('compareConfigs: options', () => {
  it('puts differing known tags first, once, and does not repeat them', () => {
    // Prepare: "v1" does not differ, "-bad" is no tag, "dev-1" is repeated.
    const known = ['v1', 'dev-1', 'dev-1', '-bad', 'dev-'];

    // Act
    const result = compareConfigs(cfg('IMMUTABLE'), cfg(IWE, 'dev-*'), { knownTags: known });

    // Assess: "dev-" is also the shortest differing tag; it appears once.
    expect(result.witnesses).toEqual(['dev-1', 'dev-', 'dev--', 'dev-.', 'dev-0']);
  });

  it('accepts any iterable of known tags and honours maxWitnesses', () => {
    // Act
    const two = compareConfigs(cfg('IMMUTABLE'), cfg('MUTABLE'), {
      knownTags: new Set(['z', 'y', 'x']),
      maxWitnesses: 2,
    });
    const none = compareConfigs(cfg('IMMUTABLE'), cfg('MUTABLE'), { maxWitnesses: 0 });

    // Assess
    expect(two).toEqual({ direction: 'LOOSENED', witnesses: ['z', 'y'] });
    expect(none).toEqual({ direction: 'LOOSENED', witnesses: [] });
  });
});

describe('configKey', () => {
  it('is the mode and the sorted distinct filters', () => {
    expect(configKey(cfg(IWE, 'b*', 'a*', 'b*'))).toBe('IMMUTABLE_WITH_EXCLUSION ["a*","b*"]');
    expect(configKey(cfg('IMMUTABLE', 'ignored'))).toBe('IMMUTABLE');
  });

  it('differs for some equal configurations, which compareConfigs still finds EQUAL', () => {
    // Prepare
    const x = cfg(MWE, 'a*b', 'ab');
    const y = cfg(MWE, 'a*b');

    // Assess
    expect(configKey(x)).not.toBe(configKey(y));
    expect(compareConfigs(x, y).direction).toBe('EQUAL');
  });
});

describe('compareConfigs: properties over a wider alphabet', () => {
  const filterArb = fc
    .array(fc.constantFrom('a', 'b', 'Z', '0', '_', '-', '.', '*'), { minLength: 1, maxLength: 10 })
    .filter((cs) => cs.filter((c) => c === '*').length <= 2)
    .map((cs) => cs.join(''));
  const configArb = fc
    .tuple(
      fc.constantFrom(...MUTABILITY_MODES),
      fc.array(filterArb, { minLength: 1, maxLength: 5 }),
    )
    .map(([mode, filters]) =>
      mode === 'MUTABLE' || mode === 'IMMUTABLE' ? cfg(mode) : cfg(mode, ...filters),
    );
  const mirror = {
    EQUAL: 'EQUAL',
    LOOSENED: 'TIGHTENED',
    TIGHTENED: 'LOOSENED',
    CHANGED: 'CHANGED',
  };

  it('is EQUAL to itself, antisymmetric, and its witnesses are valid, differing and shortlex', () => {
    fc.assert(
      fc.property(configArb, configArb, (e, act) => {
        // Act
        const forward = compareConfigs(e, act);
        const backward = compareConfigs(act, e);

        // Assess
        expect(compareConfigs(e, e).direction).toBe('EQUAL');
        expect(backward.direction).toBe(mirror[forward.direction]);
        expect(backward.witnesses).toEqual(forward.witnesses);
        // A literal-only difference can have fewer than 5 differing tags in all.
        expect(forward.witnesses.length).toBeLessThanOrEqual(5);
        expect(forward.witnesses.length > 0).toBe(forward.direction !== 'EQUAL');
        forward.witnesses.forEach((w, i) => {
          expect(isValidTag(w)).toBe(true);
          expect(isTagImmutable(e, w)).not.toBe(isTagImmutable(act, w));
          const prev = forward.witnesses[i - 1];
          if (prev !== undefined) {
            expect(prev.length < w.length || (prev.length === w.length && prev < w)).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('answers the same whichever strategy decides the directions', () => {
    // Prepare: filters whose progress multiplies out (for the second pair the default switches
    // to per-filter products), plus an ordinary pair.
    const blowUp = [
      [
        cfg(MWE, '*5o6yp*A', '*EZRIL*i', '*9jP*jCP', '*md8.*2e', '*gtMwB*Q'),
        cfg(MWE, '*k93P*ld', '*SRbFW*8', '*NGa1*oH', '*-TGZ*pv', '*cG2*rtd'),
      ],
      [
        cfg(IWE, '*S*Mlsnb', '*J*0wkHa', '*6y*i5o6', '*zA5*EZR', '*bi8*9jP'),
        cfg(MWE, '*PPEmd*.', '*e1*gtMw', '*Q30*k93', '*ld*eSRb', '*v86g*Ga'),
      ],
      [cfg(IWE, 'release-*-rc*', 'dev-*'), cfg(IWE, 'release-*')],
    ] as const;
    const single = {
      stateBudget: Number.POSITIVE_INFINITY,
      blowUpFactor: Number.POSITIVE_INFINITY,
    };
    const split = { stateBudget: 0, blowUpFactor: 0 };
    for (const [expected, actual] of blowUp) {
      // Act
      const byDefault = compareConfigs(expected, actual, { knownTags: ['v1'] });

      // Assess
      expect(compareConfigsTuned(expected, actual, { knownTags: ['v1'] }, single)).toEqual(
        byDefault,
      );
      expect(compareConfigsTuned(expected, actual, { knownTags: ['v1'] }, split)).toEqual(
        byDefault,
      );
    }
  });

  it('handles filters of ECR-maximal size', () => {
    // Prepare: 5 filters of 128 characters with 2 wildcards each.
    const big = (seed: string) =>
      `${seed.repeat(42).slice(0, 60)}*${seed.repeat(40).slice(0, 40)}*${seed.repeat(30).slice(0, 26)}`;
    const filters = ['ab', 'abc', 'a-b', 'b.a', 'ba0'].map(big);
    const expected = cfg(IWE, ...filters);
    const actual = cfg(IWE, ...filters.slice(0, 4), big('ba1'));

    // Act
    const same = compareConfigs(expected, cfg(IWE, ...[...filters].reverse()));
    const changed = compareConfigs(expected, actual);

    // Assess
    expect(filters.every((f) => f.length === 128)).toBe(true);
    expect(same.direction).toBe('EQUAL');
    expect(changed.direction).toBe('CHANGED');
    for (const w of changed.witnesses) {
      expect(isTagImmutable(expected, w)).not.toBe(isTagImmutable(actual, w));
    }
  });
});
