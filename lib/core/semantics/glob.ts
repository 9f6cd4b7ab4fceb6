/**
 * How a filter is read: as tokens for the matcher (`match.ts`) and as segments for the
 * automata (`automaton.ts`). The two unverified choices about ECR wildcards (case, and whether
 * `*` may match nothing) are read here and nowhere else, so both readings follow them.
 *
 * @module
 */
import { FILTER_MATCH_IS_CASE_SENSITIVE, WILDCARD_MATCHES_EMPTY } from '../model/assumptions.ts';

/** Token for `*`: any run of characters (zero or more, see {@link WILDCARD_MATCHES_EMPTY}). */
const STAR = -1;

/**
 * Token for exactly one arbitrary character. No filter syntax produces it directly; it lets a
 * `*` that must match at least one character be compiled as "one character, then `*`".
 */
const ANY = -2;

/**
 * The character code that literal comparisons use. Folding happens on both sides (filter and
 * tag), so flipping {@link FILTER_MATCH_IS_CASE_SENSITIVE} is the only change case-insensitive
 * matching would need.
 */
export function foldCode(code: number): number {
  if (!FILTER_MATCH_IS_CASE_SENSITIVE && code >= 65 && code <= 90) return code + 32;
  return code;
}

/**
 * Compiles one filter to tokens: {@link STAR}, {@link ANY}, or a folded character code.
 * Runs of `*` collapse when `*` may be empty, because `**` then means the same as `*`.
 */
export function compileGlob(filter: string): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < filter.length; i++) {
    const code = filter.charCodeAt(i);
    if (code !== 42) {
      tokens.push(foldCode(code));
    } else if (!WILDCARD_MATCHES_EMPTY) {
      tokens.push(ANY, STAR);
    } else if (tokens[tokens.length - 1] !== STAR) {
      tokens.push(STAR);
    }
  }
  return tokens;
}

/**
 * Whole-string match of compiled tokens against `text`. Backtracks only to the most recent
 * `*`, which is enough for globs and keeps the cost at O(|tokens| × |text|) with no
 * exponential blow-up (a regular expression built from the filter would not promise that).
 */
export function matchTokens(tokens: readonly number[], text: string): boolean {
  const n = text.length;
  const m = tokens.length;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < n) {
    const tok = p < m ? (tokens[p] as number) : undefined;
    if (tok === ANY || (tok !== undefined && tok >= 0 && tok === foldCode(text.charCodeAt(t)))) {
      p++;
      t++;
    } else if (tok === STAR) {
      starP = p;
      starT = t;
      p++;
    } else if (starP >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      p = starP + 1;
      starT++;
      t = starT;
    } else {
      return false;
    }
  }
  while (p < m && tokens[p] === STAR) p++;
  return p === m;
}

/**
 * A filter split at its runs of `*`: the literal segments (folded codes) and, for each run
 * between two segments, the fewest characters it must match. `segments.length` is the number of
 * runs plus one; the first segment is anchored at the tag's start, the last at its end.
 */
export interface GlobShape {
  readonly segments: readonly (readonly number[])[];
  readonly gaps: readonly number[];
}

/** Splits a filter into its {@link GlobShape}; reads the same assumptions as {@link compileGlob}. */
export function splitGlob(filter: string): GlobShape {
  const segments: number[][] = [[]];
  const gaps: number[] = [];
  let run = 0;
  for (let i = 0; i <= filter.length; i++) {
    const code = i < filter.length ? filter.charCodeAt(i) : -1;
    if (code === 42) {
      run++;
      continue;
    }
    if (run > 0) {
      gaps.push(WILDCARD_MATCHES_EMPTY ? 0 : run);
      segments.push([]);
      run = 0;
    }
    if (code >= 0) (segments[segments.length - 1] as number[]).push(foldCode(code));
  }
  return { segments, gaps };
}

/**
 * True when every string `inner` matches, `outer` matches too — proved by matching `outer`
 * against `inner`'s own tokens, where only a `*` of `outer` may cover a `*` of `inner`. Sound
 * (true is a proof), not complete: `*a*` is found to include `*a*a`, but inclusion in a union
 * of several filters is beyond it. Takes the tokens of {@link compileGlob}.
 */
export function globIncludes(outer: readonly number[], inner: readonly number[]): boolean {
  const n = inner.length;
  // row[q]: whether outer[p..] covers inner[q..], for p from the last token of `outer` down.
  let row = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  row[n] = 1;
  for (let p = outer.length - 1; p >= 0; p--) {
    const tok = outer[p] as number;
    next[n] = tok === STAR ? (row[n] as number) : 0;
    for (let q = n - 1; q >= 0; q--) {
      const x = inner[q] as number;
      if (tok === STAR) next[q] = (row[q] as number) | (next[q + 1] as number);
      else next[q] = (tok === ANY ? x !== STAR : x === tok) ? (row[q + 1] as number) : 0;
    }
    [row, next] = [next, row];
  }
  return row[0] === 1;
}
