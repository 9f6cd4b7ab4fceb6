import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globIncludes, matchTokens } from '../../lib/core/semantics/glob.ts';

const includes = (outer: string, inner: string) =>
  globIncludes(compileGlob(outer), compileGlob(inner));

/** Every string over {a, b} of at most `max` characters. */
function stringsUpTo(max: number): string[] {
  const out = [''];
  for (let i = 0; out[i] !== undefined && (out[i] as string).length < max; i++) {
    out.push(`${out[i]}a`, `${out[i]}b`);
  }
  return out;
}

describe('globIncludes', () => {
  it('is sound: when it says outer includes inner, every string inner matches, outer matches', () => {
    // Prepare: globs over {a, b, *} and every string up to 7 characters, where the
    // counterexample to a false inclusion between such short globs shows.
    const strings = stringsUpTo(7);
    const globArb = fc.stringMatching(/^[ab*]{1,5}$/);
    fc.assert(
      fc.property(globArb, globArb, (outer, inner) => {
        // Act
        const claimed = includes(outer, inner);

        // Assess
        if (claimed) {
          for (const s of strings) {
            if (matchTokens(compileGlob(inner), s))
              expect(matchTokens(compileGlob(outer), s)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('proves the inclusions a drift comparison meets', () => {
    expect(includes('release-*', 'release-*')).toBe(true);
    expect(includes('*abc*', '*abc*def')).toBe(true);
    expect(includes('*', 'v*-rc*')).toBe(true);
    expect(includes('v*', 'v1.*')).toBe(true);
    expect(includes('*a*', '*a*a')).toBe(true);
  });

  it('does not claim what does not hold', () => {
    expect(includes('a*', '*a')).toBe(false);
    expect(includes('v1.*', 'v*')).toBe(false);
    expect(includes('*abc*def', '*abc*')).toBe(false);
    expect(includes('release', 'release-*')).toBe(false);
  });
});
