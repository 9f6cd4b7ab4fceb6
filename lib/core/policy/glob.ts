/**
 * Repository globs of the policy file (docs/policy.md): `*` matches zero or more characters other
 * than `/`, `**` matches zero or more of any character, every other character matches itself, and
 * the whole repository name must match.
 *
 * Globs are compiled to a small NFA that is simulated state-set by state-set, so matching costs
 * O(name length × glob length) whatever the glob. A backtracking regular expression would go
 * polynomial of the degree of the number of stars (`*a*a*a*a*b` against `aaaa…`), and `resolve`
 * runs this per event.
 *
 * @module
 */

/** A repository-name predicate compiled from one glob. */
export type RepositoryMatcher = (name: string) => boolean;

/** One step of a compiled glob. */
type GlobToken =
  | { readonly kind: 'literal'; readonly char: string }
  /** `*`: any run of characters other than `/`. */
  | { readonly kind: 'segment' }
  /** `**` (or any longer run of stars): any run of characters. */
  | { readonly kind: 'any' };

/**
 * Splits a glob into tokens. A run of two or more stars is one `any` token: `***` reads as `**`
 * followed by `*`, which matches exactly what `**` alone matches, so collapsing loses nothing and
 * keeps the NFA small.
 */
function tokenize(glob: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  // Iterate by code point so that a character outside the BMP is one literal, as a name is read.
  const chars = Array.from(glob);
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] as string;
    if (char !== '*') {
      tokens.push({ kind: 'literal', char });
      i += 1;
      continue;
    }
    let run = 0;
    while (chars[i] === '*') {
      run += 1;
      i += 1;
    }
    tokens.push(run >= 2 ? { kind: 'any' } : { kind: 'segment' });
  }
  return tokens;
}

/**
 * Compiles a repository glob (docs/policy.md) into a predicate over repository names.
 *
 * The glob is compiled once; the returned function is pure and may be called any number of times.
 * Any string is accepted: characters other than `*` are literal (the policy loader is the one that
 * rejects globs that could never match an ECR repository name).
 *
 * @param glob - the glob, e.g. `prod/*` or `sandbox/**`.
 * @returns a function that is true when the whole `name` matches the glob.
 */
export function compileRepositoryGlob(glob: string): RepositoryMatcher {
  const tokens = tokenize(glob);
  if (tokens.every((t) => t.kind === 'literal')) {
    // No wildcard: equality is all there is, and the common case of an exact repository name.
    return (name) => name === glob;
  }
  const last = tokens.length - 1;
  if (tokens[last]?.kind === 'any' && tokens.slice(0, last).every((t) => t.kind === 'literal')) {
    // `prefix/**`, the usual way to name a namespace: a prefix test.
    const prefix = glob.replace(/\*+$/, '');
    return (name) => name.startsWith(prefix);
  }
  return compileNfa(tokens);
}

/**
 * Thompson-style simulation: state `i` means "the first `i` tokens have matched". A star token
 * may be skipped without input (it matches the empty run) or loop on a character, so the closure
 * after each step moves every active star state forward too.
 */
function compileNfa(tokens: readonly GlobToken[]): RepositoryMatcher {
  const accept = tokens.length;
  /** Marks every state reachable from an active one by skipping stars (zero-length matches). */
  const close = (states: Uint8Array): void => {
    // Tokens only move forward, so one ascending pass reaches the fixed point.
    for (let i = 0; i < accept; i += 1) {
      if (states[i] === 1 && tokens[i]?.kind !== 'literal') states[i + 1] = 1;
    }
  };
  // Matching is synchronous and never re-entered, so the two state sets are allocated once per
  // compiled glob instead of once per call.
  let current = new Uint8Array(accept + 1);
  let next = new Uint8Array(accept + 1);
  return (name) => {
    current.fill(0);
    current[0] = 1;
    close(current);
    for (const char of name) {
      next.fill(0);
      let alive = false;
      for (let i = 0; i < accept; i += 1) {
        if (current[i] !== 1) continue;
        const token = tokens[i] as GlobToken;
        if (token.kind === 'literal') {
          if (token.char === char) {
            next[i + 1] = 1;
            alive = true;
          }
        } else if (token.kind === 'any' || char !== '/') {
          next[i] = 1;
          alive = true;
        }
      }
      if (!alive) return false;
      close(next);
      [current, next] = [next, current];
    }
    return current[accept] === 1;
  };
}
