/**
 * compareConfigs against a brute-force oracle on a reduced alphabet.
 *
 * Filters are drawn over Σf = {a, b, -, .} plus `*` (1–4 characters, at most 2 `*`), 1–5 per
 * side, all four modes. The oracle enumerates every valid tag over R = {-, ., a, b, c} up to
 * length L = 7 and decides membership with regular expressions built by escaping, independently
 * of the code under test.
 *
 * Why R is enough. No filter names `c` or any character outside Σf, so map h: x ↦ x for x in
 * Σf, x ↦ `c` otherwise. A filter compares characters only with its literals, all in Σf, so a
 * tag w and h(w) match the same filters; h keeps length and validity (a character that may start
 * a tag maps to one that may: `.` and `-` are fixed, `c` may start a tag). So the tags of the full
 * 65-character universe that differ are exactly the preimages under h of those over R, and `c`
 * stands for the whole class of characters no filter names.
 *
 * Why L = 7 is enough (a shortest differing tag, if any, has at most 7 characters). A tag that is
 * immutable under X and not under Y satisfies a conjunction of conditions, one per side:
 * "true"/"false" (plain modes), "matches some filter of S" (positive) or "matches no filter of
 * S" (negative). Two positives only occur for MUTABLE_WITH_EXCLUSION against
 * IMMUTABLE_WITH_EXCLUSION, and then there is no negative; otherwise there is at most one
 * positive. Take any differing valid tag w and fix, for each positive, one matching filter and
 * one way it matches; mark the positions its literal characters take (at most 3 for a filter
 * with a `*`; a filter without `*` fixes w itself, ≤ 4 characters).
 *  - Two positives, no negative: delete every unmarked position (stars match the empty string),
 *    keeping position 0 as `c` if it is unmarked so the tag stays valid: ≤ 3 + 3 + 1 = 7.
 *  - One positive and a negative: replace every unmarked character by `c` (no filter has a `c`,
 *    so this can break matches but never create one), then shorten each run of `c`s to one `c`
 *    (a literal segment never spans a `c`, so again no match appears). ≤ 3 marked characters in
 *    ≤ 2 blocks with ≤ 3 single `c`s around them: ≤ 6.
 *  - No positive: `c` alone differs, unless some filter of the negative is all `*` (then no tag
 *    differs at all).
 * The result is still valid and still differs, and is at most 7 long.
 *
 * Cost: 3 · (5^7 − 1) / 4 = 58,593 tags, each filter's membership computed once and cached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mutability, MutabilityConfig } from '../../lib/core/model/config.ts';
import { MUTABILITY_MODES } from '../../lib/core/model/config.ts';
import type { Direction } from '../../lib/core/model/findings.ts';
import { compareConfigs, compareConfigsTuned } from '../../lib/core/semantics/compare.ts';
import { TAG_CHARS } from '../../lib/core/semantics/tags.ts';

// The OCI tag grammar written out again, on purpose: the oracle must not share its definition
// with the code under test (lib/core/semantics/tags.ts).
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const FILTER_CHARS = ['a', 'b', '-', '.', '*'] as const;
/** The reduced tag alphabet, in ASCII order; `c` stands for every character no filter names. */
const REDUCED = ['-', '.', 'a', 'b', 'c'] as const;
const MAX_LENGTH = 7;
const SIGMA_F = new Set(['a', 'b', '-', '.']);

/** Every valid tag over REDUCED of 1..MAX_LENGTH characters, in shortlex (ASCII) order. */
const UNIVERSE: string[] = (() => {
  const out: string[] = [];
  let level = ['a', 'b', 'c'];
  for (let n = 1; n <= MAX_LENGTH; n++) {
    out.push(...level);
    level = level.flatMap((p) => REDUCED.map((ch) => p + ch));
  }
  return out;
})();

/** The oracle's reading of a filter: escape everything, `*` becomes `.*`, anchor both ends. */
function oracleRegex(filter: string): RegExp {
  const body = [...filter]
    .map((ch) => (ch === '*' ? '.*' : ch.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

const membershipCache = new Map<string, Uint8Array>();
function membership(filter: string): Uint8Array {
  let bits = membershipCache.get(filter);
  if (bits === undefined) {
    const re = oracleRegex(filter);
    bits = Uint8Array.from(UNIVERSE, (tag) => (re.test(tag) ? 1 : 0));
    membershipCache.set(filter, bits);
  }
  return bits;
}

/** Immutability of every UNIVERSE tag under `config`, straight from docs/semantics.md. */
function immutableSet(config: MutabilityConfig): Uint8Array {
  const mode = config.imageTagMutability;
  if (mode === 'IMMUTABLE') return new Uint8Array(UNIVERSE.length).fill(1);
  if (mode === 'MUTABLE') return new Uint8Array(UNIVERSE.length);
  const matched = new Uint8Array(UNIVERSE.length);
  for (const f of config.imageTagMutabilityExclusionFilters) {
    const bits = membership(f.filter);
    for (let i = 0; i < bits.length; i++) matched[i] = (matched[i] as number) | (bits[i] as number);
  }
  if (mode === 'MUTABLE_WITH_EXCLUSION') return matched;
  return matched.map((m) => 1 - m);
}

/** Tag-level immutability of any string (also full-alphabet ones), via the oracle's regexes. */
function oracleImmutable(config: MutabilityConfig, tag: string): boolean {
  const mode = config.imageTagMutability;
  if (mode === 'IMMUTABLE') return true;
  if (mode === 'MUTABLE') return false;
  const matched = config.imageTagMutabilityExclusionFilters.some((f) =>
    oracleRegex(f.filter).test(tag),
  );
  return mode === 'MUTABLE_WITH_EXCLUSION' ? matched : !matched;
}

interface OracleResult {
  direction: Direction;
  /** Differing UNIVERSE tags, in shortlex order. */
  differing: string[];
}

function oracle(expected: MutabilityConfig, actual: MutabilityConfig): OracleResult {
  const e = immutableSet(expected);
  const a = immutableSet(actual);
  let loosened = false;
  let tightened = false;
  const differing: string[] = [];
  for (let i = 0; i < UNIVERSE.length; i++) {
    if (e[i] === a[i]) continue;
    if (e[i]) loosened = true;
    else tightened = true;
    differing.push(UNIVERSE[i] as string);
  }
  const direction: Direction = loosened
    ? tightened
      ? 'CHANGED'
      : 'LOOSENED'
    : tightened
      ? 'TIGHTENED'
      : 'EQUAL';
  return { direction, differing };
}

const h = (ch: string): string => (SIGMA_F.has(ch) ? ch : 'c');

/**
 * The first `k` differing tags of the FULL universe with at most MAX_LENGTH characters, in
 * shortlex order: for each length, walk the 65 tag characters in ASCII order and keep a prefix
 * only while its image under h is a prefix of a differing reduced tag of that length.
 */
function firstFullWitnesses(
  differing: readonly string[],
  k: number,
  skip: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (let n = 1; n <= MAX_LENGTH && out.length < k; n++) {
    const prefixes = new Set<string>();
    for (const tag of differing) {
      if (tag.length !== n) continue;
      for (let i = 1; i <= n; i++) prefixes.add(tag.slice(0, i));
    }
    const walk = (full: string, image: string): void => {
      if (out.length >= k) return;
      if (full.length === n) {
        if (!skip.has(full)) out.push(full);
        return;
      }
      for (const ch of TAG_CHARS) {
        const next = image + h(ch);
        if (prefixes.has(next)) walk(full + ch, next);
        if (out.length >= k) return;
      }
    };
    if (prefixes.size > 0) walk('', '');
  }
  return out;
}

function shortlexLess(x: string, y: string): boolean {
  return x.length !== y.length ? x.length < y.length : x < y;
}

const filterArb = fc
  .array(fc.constantFrom(...FILTER_CHARS), { minLength: 1, maxLength: 4 })
  .filter((chars) => chars.filter((c) => c === '*').length <= 2)
  .map((chars) => chars.join(''));

const configArb: fc.Arbitrary<MutabilityConfig> = fc
  .tuple(fc.constantFrom(...MUTABILITY_MODES), fc.array(filterArb, { minLength: 1, maxLength: 5 }))
  .map(([mode, filters]: [Mutability, string[]]) => ({
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters:
      mode === 'MUTABLE' || mode === 'IMMUTABLE'
        ? []
        : filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter })),
  }));

/** Assesses the witnesses beyond what the oracle enumerated: longer, valid, differing, ordered. */
function assessTail(
  expected: MutabilityConfig,
  actual: MutabilityConfig,
  witnesses: readonly string[],
  from: number,
): void {
  for (let i = from; i < witnesses.length; i++) {
    const w = witnesses[i] as string;
    expect(w.length).toBeGreaterThan(MAX_LENGTH);
    expect(w).toMatch(OCI_TAG);
    expect(oracleImmutable(expected, w)).not.toBe(oracleImmutable(actual, w));
    if (i > from) expect(shortlexLess(witnesses[i - 1] as string, w)).toBe(true);
  }
}

describe('compareConfigs against a brute-force oracle', () => {
  it('gets the direction and the shortest witnesses exactly right', () => {
    fc.assert(
      fc.property(configArb, configArb, fc.integer({ min: 0, max: 6 }), (expected, actual, k) => {
        // Act: the default strategy; filter pairs (where both sides must match) from the start;
        // and the per-filter split of every side forced from the start too.
        const result = compareConfigs(expected, actual, { maxWitnesses: k });
        const tuned = (blowUpFactor: number) =>
          compareConfigsTuned(
            expected,
            actual,
            { maxWitnesses: k },
            { stateBudget: 0, blowUpFactor },
          );
        const pairs = tuned(Number.POSITIVE_INFINITY);
        const split = tuned(0);
        const truth = oracle(expected, actual);

        // Assess
        expect(result.direction).toBe(truth.direction);
        expect(pairs).toEqual(result);
        expect(split).toEqual(result);
        const first = firstFullWitnesses(truth.differing, k, new Set());
        if (first.length === k || truth.direction === 'EQUAL') {
          expect(result.witnesses).toEqual(first);
        } else {
          expect(result.witnesses.slice(0, first.length)).toEqual(first);
          assessTail(expected, actual, result.witnesses, first.length);
        }
        if (truth.direction !== 'EQUAL' && k > 0)
          expect(result.witnesses.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('gets configurations that share filters exactly right', () => {
    // Shared filters are tracked once for both sides, and a filter turning universal settles
    // only the sides that have it: draw A from E's filters plus a few of its own.
    const sharedArb = fc
      .tuple(
        configArb.filter((c) => c.imageTagMutabilityExclusionFilters.length > 0),
        fc.constantFrom<Mutability>('IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.array(filterArb, { maxLength: 2 }),
        fc.integer({ min: 0, max: 6 }),
      )
      .map(([expected, mode, keep, extra, k]) => {
        const shared = expected.imageTagMutabilityExclusionFilters.filter((_, i) => keep[i]);
        const own = extra.map((filter) => ({ filterType: 'WILDCARD' as const, filter }));
        const actual: MutabilityConfig = {
          imageTagMutability: mode,
          imageTagMutabilityExclusionFilters: [...shared, ...own].slice(0, 5),
        };
        return { expected, actual, k };
      });
    fc.assert(
      fc.property(sharedArb, ({ expected, actual, k }) => {
        // Act
        const result = compareConfigs(expected, actual, { maxWitnesses: k });
        const split = compareConfigsTuned(
          expected,
          actual,
          { maxWitnesses: k },
          { stateBudget: 0, blowUpFactor: 0 },
        );

        // Assess
        const truth = oracle(expected, actual);
        expect(result.direction).toBe(truth.direction);
        expect(split).toEqual(result);
        const first = firstFullWitnesses(truth.differing, k, new Set());
        expect(result.witnesses.slice(0, first.length)).toEqual(first);
        assessTail(expected, actual, result.witnesses, first.length);
      }),
      { numRuns: 300 },
    );
  });

  it('puts differing known tags first, once each, then the shortest others', () => {
    const knownArb = fc.array(
      fc
        .array(fc.constantFrom('a', 'b', '-', '.', 'c', 'Z', '0', '/'), {
          minLength: 0,
          maxLength: 4,
        })
        .map((cs) => cs.join('')),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(configArb, configArb, knownArb, (expected, actual, known) => {
        // Act
        const result = compareConfigs(expected, actual, { knownTags: known, maxWitnesses: 5 });

        // Assess
        const truth = oracle(expected, actual);
        const differingKnown = [...new Set(known)].filter(
          (t) => OCI_TAG.test(t) && oracleImmutable(expected, t) !== oracleImmutable(actual, t),
        );
        const head = differingKnown.slice(0, 5);
        expect(result.witnesses.slice(0, head.length)).toEqual(head);
        const rest = firstFullWitnesses(truth.differing, 5 - head.length, new Set(head));
        const tail = result.witnesses.slice(head.length);
        if (head.length + rest.length === 5 || truth.direction === 'EQUAL') {
          expect(tail).toEqual(rest);
        } else {
          expect(tail.slice(0, rest.length)).toEqual(rest);
          assessTail(expected, actual, result.witnesses, head.length + rest.length);
        }
        expect(new Set(result.witnesses).size).toBe(result.witnesses.length);
      }),
      { numRuns: 200 },
    );
  });
});
