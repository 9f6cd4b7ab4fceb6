import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRepositoryGlob } from '../../lib/core/policy/glob.ts';

/**
 * Independent oracle: docs/policy.md's glob rule read literally, as a recursive matcher (exponential, fine for
 * the short strings generated here).
 */
function oracle(glob: string, name: string): boolean {
  if (glob.startsWith('**')) {
    const rest = glob.slice(2);
    for (let i = 0; i <= name.length; i += 1) {
      if (oracle(rest, name.slice(i))) return true;
    }
    return false;
  }
  if (glob.startsWith('*')) {
    const rest = glob.slice(1);
    for (let i = 0; i <= name.length; i += 1) {
      if (oracle(rest, name.slice(i))) return true;
      // `*` may consume name[i] only when it is not a slash.
      if (name[i] === '/') return false;
    }
    return false;
  }
  if (glob === '') return name === '';
  return name !== '' && name[0] === glob[0] && oracle(glob.slice(1), name.slice(1));
}

describe('compileRepositoryGlob', () => {
  it.each([
    ['prod/*', 'prod/api', true],
    ['prod/*', 'prod/', true],
    ['prod/*', 'prod', false],
    ['prod/*', 'prod/a/b', false],
    ['sandbox/**', 'sandbox/a/b/c', true],
    ['sandbox/**', 'sandbox/', true],
    ['sandbox/**', 'sandbox', false],
    ['payments', 'payments', true],
    ['payments', 'payments/', false],
    ['payments', 'xpayments', false],
    ['**', '', true],
    ['**', 'a/b/c', true],
    ['*', 'a/b', false],
    ['*', '', true],
    ['a.b', 'axb', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x|y)', '(x|y)', true],
    ['(x|y)', 'x', false],
    ['**/api', 'team/x/api', true],
    ['**/api', 'api', false],
    ['*/api/**', 'team/api/v1/x', true],
    ['*/api/**', 'a/b/api/x', false],
    ['***', 'a/b', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'a/b/c', false],
  ])('%s against %s is %s', (glob, name, expected) => {
    // Prepare
    const matches = compileRepositoryGlob(glob);
    // Act + Assess
    expect(matches(name)).toBe(expected);
  });

  it('agrees with the recursive oracle on random globs and names', () => {
    const globChar = fc.constantFrom('a', 'b', '/', '*', '.', '-');
    const nameChar = fc.constantFrom('a', 'b', '/', '.', '-');
    fc.assert(
      fc.property(
        fc.array(globChar, { maxLength: 9 }).map((c) => c.join('')),
        fc.array(nameChar, { maxLength: 12 }).map((c) => c.join('')),
        (glob, name) => compileRepositoryGlob(glob)(name) === oracle(glob, name),
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with the oracle on names built to match a glob', () => {
    // Random names rarely match a long glob; build each name from the glob's own tokens so that
    // the matching side is exercised as well.
    const token = fc.constantFrom('a', 'b', '/', '*', '**');
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 7 }),
        fc.array(fc.constantFrom('', 'a', 'b/', '/a', 'ab'), { minLength: 7, maxLength: 7 }),
        (tokens, fills) => {
          const glob = tokens.join('');
          const name = tokens
            .map((t, i) => (t === '*' || t === '**' ? (fills[i] ?? '') : t))
            .join('');
          return compileRepositoryGlob(glob)(name) === oracle(glob, name);
        },
      ),
      { numRuns: 5000 },
    );
  });

  // No clock here (speed is measured in bench/, never in tests): a backtracking matcher needs
  // hours on these, so it would not finish within the test's timeout; a linear one takes
  // milliseconds.
  it('matches, without backtracking, globs that make a backtracking regex explode', () => {
    // Prepare: many stars and a final literal that never matches force every alternative.
    const globs = ['*a*a*a*a*a*a*a*a*a*a*a*a*b', '**a**a**a**a**a**a**a**a**a**a**b'];
    const name = 'a'.repeat(256);
    // Act / Assess
    for (const glob of globs) {
      const matches = compileRepositoryGlob(glob);
      for (let i = 0; i < 200; i += 1) expect(matches(name)).toBe(false);
      expect(matches(`${name}b`)).toBe(true);
    }
  });

  it('reads a character outside the BMP as one character in glob and name alike', () => {
    // 'a*😀' goes through the NFA (neither exact nor prefix), where the glob and the name must be
    // split the same way for the literal to match.
    expect(compileRepositoryGlob('a*😀')('ab😀')).toBe(true);
    expect(compileRepositoryGlob('a*😀')('ab😁')).toBe(false);
  });
});
