import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFilterAutomaton, filterStep } from '../../lib/core/semantics/automaton.ts';
import { foldCode } from '../../lib/core/semantics/glob.ts';
import { filterMatches } from '../../lib/core/semantics/match.ts';

/** Runs a filter's automaton over `text` and says whether it ends accepting. */
function runAutomaton(filter: string, text: string): boolean {
  const automaton = buildFilterAutomaton(filter);
  let state = automaton.start;
  for (const ch of text) state = filterStep(automaton, state, foldCode(ch.charCodeAt(0)));
  return automaton.accepting[state] === 1;
}

describe('buildFilterAutomaton', () => {
  it.each([
    ['prod*', 'prod', true],
    ['a*b', 'ab', true],
    ['*abab*c', 'xababababc', true],
    ['*abab*c', 'xabac', false],
    ['*aab', 'aaab', true],
    ['ab', 'abab', false],
    ['*', '', true],
  ])('%j on %j: %s', (filter, text, expected) => {
    expect(runAutomaton(filter, text)).toBe(expected);
  });

  it('accepts exactly what filterMatches accepts', () => {
    // Small alphabets make segments overlap themselves, which exercises the KMP fallbacks.
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab*]{0,8}$/),
        fc.stringMatching(/^[abc]{0,14}$/),
        (filter, text) => {
          expect(runAutomaton(filter, text)).toBe(filterMatches(filter, text));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
