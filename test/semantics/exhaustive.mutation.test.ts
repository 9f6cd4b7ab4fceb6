/**
 * Exhaustive small cases where random ones rarely reach: every filter over {a, b, *} of at most
 * 5 characters against every text over {a, b} of at most 7 — the self-overlapping segments that
 * exercise the automata's KMP failure links and the glob matcher's backtracking — and the
 * explanation texts of explainTag for mutable tags.
 */
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { buildFilterAutomaton, filterStep } from '../../lib/core/semantics/automaton.ts';
import { explainTag } from '../../lib/core/semantics/match.ts';

/** Every string over `alphabet` of at most `max` characters. */
function stringsUpTo(alphabet: string, max: number): string[] {
  const out = [''];
  for (let i = 0; out[i] !== undefined && (out[i] as string).length < max; i++) {
    for (const ch of alphabet) out.push(`${out[i]}${ch}`);
  }
  return out;
}

/** A plain model of a filter: `*` matches any run of characters, the rest themselves. */
function modelMatches(filter: string, text: string): boolean {
  const source = [...filter].map((ch) => (ch === '*' ? '.*' : ch)).join('');
  return new RegExp(`^${source}$`).test(text);
}

describe('filter automata, exhaustively on small cases', () => {
  it('accept exactly what a regular expression of the filter accepts', () => {
    // Prepare
    const texts = stringsUpTo('ab', 7);
    let checked = 0;
    // Act / Assess
    for (const filter of stringsUpTo('ab*', 5)) {
      const a = buildFilterAutomaton(filter);
      for (const text of texts) {
        let state = a.start;
        for (const ch of text) state = filterStep(a, state, ch.charCodeAt(0));
        if ((a.accepting[state] === 1) !== modelMatches(filter, text)) {
          expect({ filter, text, accepted: a.accepting[state] === 1 }).toEqual({
            filter,
            text,
            accepted: modelMatches(filter, text),
          });
        }
        checked++;
      }
    }
    expect(checked).toBe(364 * 255);
  });
});

describe('explainTag texts', () => {
  const plain = (mode: 'MUTABLE' | 'IMMUTABLE'): MutabilityConfig => ({
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: [],
  });

  it('says every tag is mutable under MUTABLE, immutable under IMMUTABLE', () => {
    expect(explainTag(plain('MUTABLE'), 'v1').reason).toBe(
      'imageTagMutability is MUTABLE, so every tag is mutable',
    );
    expect(explainTag(plain('IMMUTABLE'), 'v1').reason).toBe(
      'imageTagMutability is IMMUTABLE, so every tag is immutable',
    );
  });

  it('says a tag an exclusion filter matches is mutable under IMMUTABLE_WITH_EXCLUSION', () => {
    const config: MutabilityConfig = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
    };
    expect(explainTag(config, 'dev-1').reason).toBe(
      'tag "dev-1" matches exclusion filter "dev-*", so under IMMUTABLE_WITH_EXCLUSION it is mutable',
    );
  });
});
