/**
 * The filter automata (lib/core/semantics/automaton.ts) beyond acceptance: the per-state facts
 * the comparison's search relies on for pruning — the fewest characters to a match (exact), the
 * characters a state waits for, and that every character outside the filter's own behaves as
 * any other. Checked by breadth-first search over each automaton.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildFilterAutomaton,
  DEAD,
  type FilterAutomaton,
  filterStep,
  pendingCodes,
  UNIVERSAL,
  UNREACHABLE_LENGTH,
} from '../../lib/core/semantics/automaton.ts';
import { filterMatches } from '../../lib/core/semantics/match.ts';

const A = 'a'.charCodeAt(0);
const B = 'b'.charCodeAt(0);
/** A character no filter below contains. */
const Z = 'z'.charCodeAt(0);
/** Filters over {a, b, *}, where segments overlap themselves (KMP fallbacks). */
const filterArb = fc.stringMatching(/^[ab*]{0,7}$/);

/** The states reachable from the start over {a, b, z}, each with a shortest word reaching it. */
function reachable(a: FilterAutomaton): Map<number, string> {
  const seen = new Map<number, string>([[a.start, '']]);
  const queue = [a.start];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i] as number;
    for (const code of [A, B, Z]) {
      const next = filterStep(a, s, code);
      if (!seen.has(next)) {
        seen.set(next, `${seen.get(s)}${String.fromCharCode(code)}`);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Fewest characters from `state` to an accepting state, by breadth-first search. */
function distanceToAccept(a: FilterAutomaton, state: number): number {
  const dist = new Map<number, number>([[state, 0]]);
  const queue = [state];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i] as number;
    if (a.accepting[s] === 1) return dist.get(s) as number;
    for (const code of [A, B, Z]) {
      const next = filterStep(a, s, code);
      if (!dist.has(next)) {
        dist.set(next, (dist.get(s) as number) + 1);
        queue.push(next);
      }
    }
  }
  return UNREACHABLE_LENGTH;
}

describe('buildFilterAutomaton: state facts', () => {
  it('knows exactly how few characters each reachable state needs to a match', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        // Prepare
        const a = buildFilterAutomaton(filter);
        // Act / Assess
        for (const state of reachable(a).keys()) {
          expect(a.minRemain[state]).toBe(distanceToAccept(a, state));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('has a dead state that never matches and a universal state that always does', () => {
    const a = buildFilterAutomaton('ab*');
    expect(a.minRemain[DEAD]).toBe(UNREACHABLE_LENGTH);
    expect(a.minRemain[UNIVERSAL]).toBe(0);
    expect(a.accepting[DEAD]).toBe(0);
    expect(a.accepting[UNIVERSAL]).toBe(1);
    for (const code of [A, B, Z, 200, -1]) {
      expect(filterStep(a, DEAD, code)).toBe(DEAD);
      expect(filterStep(a, UNIVERSAL, code)).toBe(UNIVERSAL);
    }
  });

  it('lists among the pending codes every character that leads elsewhere than any other character', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        // Prepare
        const a = buildFilterAutomaton(filter);
        // Act / Assess
        for (const state of reachable(a).keys()) {
          const pending = pendingCodes(a, state);
          expect(pendingCodes(a, state)).toBe(pending);
          for (const code of [A, B]) {
            if (filterStep(a, state, code) !== filterStep(a, state, Z)) {
              expect(pending).toContain(code);
            }
          }
          for (const code of pending) expect(filter).toContain(String.fromCharCode(code));
          expect(new Set(pending).size).toBe(pending.length);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('waits for exactly the next character of a literal prefix', () => {
    // Prepare
    const a = buildFilterAutomaton('ab*');
    // Act
    const afterA = filterStep(a, a.start, A);
    // Assess
    expect(pendingCodes(a, a.start)).toEqual([A]);
    expect(pendingCodes(a, afterA)).toEqual([B]);
    expect(pendingCodes(a, filterStep(a, afterA, B))).toEqual([]);
  });

  it('waits, inside a segment after a *, for the next character and those of its borders', () => {
    // Prepare: `*aab`: after `aa`, an `a` keeps `aa`, a `b` matches; after `a`, an `a` or a restart.
    const a = buildFilterAutomaton('*aab');
    const s1 = filterStep(a, a.start, A);
    const s2 = filterStep(a, s1, A);
    // Act / Assess
    expect([...pendingCodes(a, s1)].sort()).toEqual([A]);
    expect([...pendingCodes(a, s2)].sort()).toEqual([A, B]);
    expect(a.accepting[filterStep(a, s2, B)]).toBe(1);
    expect(filterStep(a, s2, A)).toBe(s2);
  });

  it('treats characters outside the table (non-ASCII, negative) as any other character', () => {
    fc.assert(
      fc.property(filterArb, fc.stringMatching(/^[abz]{0,6}$/), (filter, prefix) => {
        // Prepare
        const a = buildFilterAutomaton(filter);
        let state = a.start;
        for (const ch of prefix) state = filterStep(a, state, ch.charCodeAt(0));
        // Act
        const viaOther = filterStep(a, state, Z);
        // Assess
        expect(filterStep(a, state, 0x263a)).toBe(viaOther);
        expect(filterStep(a, state, 128)).toBe(viaOther);
        expect(filterStep(a, state, -1)).toBe(viaOther);
      }),
      { numRuns: 300 },
    );
  });

  it('matches a non-ASCII character only where a * stands', () => {
    expect(runOn('a*', 'a\u263a')).toBe(filterMatches('a*', 'a\u263a'));
    expect(runOn('a*', 'a\u263a')).toBe(true);
    expect(runOn('ab', 'a\u263a')).toBe(false);
  });
});

function runOn(filter: string, text: string): boolean {
  const a = buildFilterAutomaton(filter);
  let state = a.start;
  for (const ch of text) state = filterStep(a, state, ch.charCodeAt(0));
  return a.accepting[state] === 1;
}
