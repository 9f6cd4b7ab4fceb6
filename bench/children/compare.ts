/**
 * Row 5: exact drift comparison, worst case within ECR's limits (5 filters of 2 `*` on each
 * side). Searches for the slowest comparison — hand-built adversarial candidates and seeded random
 * ones, the slowest kept over rounds of closer timing — then times the worst one many times.
 * Reports on fd 3: the worst case, its p50/p99/max, and what it took to find it.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import type { Mutability, MutabilityConfig } from '../../lib/core/model/config.ts';
import { compareConfigs } from '../../lib/core/semantics/compare.ts';
import { prng } from '../lib/prng.ts';

const [iterationsArg, candidatesArg, searchArg] = process.argv.slice(2);
/** Timed comparisons of the worst case (fewer if they would take over 12 s). */
const ITERATIONS = Number(iterationsArg ?? 2000);
const RANDOM_CANDIDATES = Number(candidatesArg ?? 600);
/** How long the search for the worst case may take, in ms. */
const SEARCH_MS = Number(searchArg ?? 12_000);

function config(mode: Mutability, filters: readonly string[]): MutabilityConfig {
  return {
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: filters.map((filter) => ({
      filterType: 'WILDCARD',
      filter,
    })),
  };
}

interface Candidate {
  readonly name: string;
  readonly expected: MutabilityConfig;
  readonly actual: MutabilityConfig;
}

const MODES = [
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
] as const satisfies readonly Mutability[];
const ALPHABET = 'abAB01._-';

/** A valid filter of three literal parts around two `*` (ECR: `^[0-9a-zA-Z._*-]{1,128}$`). */
function filterOf(parts: readonly string[]): string {
  const text = parts.join('*');
  return text.length > 128 ? text.slice(0, 128) : text;
}

const CYCLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** `length` characters of the tag alphabet, cycling, from position `from`. */
function cycle(from: number, length: number): string {
  return Array.from({ length }, (_, i) => CYCLE[(from + i) % CYCLE.length]).join('');
}

/** Hand-built candidates: self-overlapping literals, long literals, near-identical sides. */
function adversarial(): Candidate[] {
  const out: Candidate[] = [];
  const families: Record<string, string[][]> = {
    'self-overlapping a-runs': [
      ['aaaa', 'aaab', 'aaa'],
      ['aaa', 'aaaa', 'aab'],
      ['aab', 'aaa', 'aaaa'],
      ['aaaaa', 'aa', 'aaab'],
      ['ab', 'aaaa', 'aaaaa'],
    ],
    'periodic abab': [
      ['abab', 'abaa', 'bab'],
      ['aba', 'babab', 'abb'],
      ['ababa', 'bab', 'aab'],
      ['abb', 'ababab', 'ba'],
      ['babab', 'ab', 'abab'],
    ],
    'long literals (42 chars)': Array.from({ length: 5 }, (_, i) =>
      Array.from(
        { length: 3 },
        (_, j) => `${'ab'.repeat(20)}${String.fromCharCode(97 + ((i + j) % 3))}a`,
      ),
    ),
    // Windows of one cycle through the tag alphabet: every literal is distinct, so no filter
    // dies early, and the shortest differing tags are long (one variant per family below).
    'long cyclic literals (40 chars)': Array.from({ length: 5 }, (_, i) => [
      '',
      cycle(80 * i, 40),
      cycle(80 * i + 40, 40),
    ]),
    'short distinct': [
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['0', '1', '2'],
      ['1', '.', '-'],
    ],
  };
  const names = Object.keys(families);
  for (const e of names) {
    for (const a of names) {
      for (const [me, ma] of [
        [MODES[0], MODES[1]],
        [MODES[0], MODES[0]],
        [MODES[1], MODES[1]],
      ] as const) {
        const ef = (families[e] ?? []).map(filterOf);
        // The other side: the same family shifted, so that the two differ a little everywhere.
        const af = (families[a] ?? []).map((p) => filterOf([...p].reverse()));
        out.push({
          name: `${e} vs ${a} (${me} / ${ma})`,
          expected: config(me, ef),
          actual: config(ma, af),
        });
      }
    }
    // Near-identical sides: one filter narrowed, widened or respelled, the rest shared. Each
    // shared filter is tracked on both sides, and the differing tags are as long as the filter.
    const ef = (families[e] ?? []).map(filterOf);
    const last = (ef.at(-1) as string).split('*');
    const variants = {
      narrowed: `${ef.at(-1)}z`,
      widened: filterOf(last.slice(0, -1)),
      respelled: filterOf([last[0] ?? '', '', ...last.slice(1)]),
    };
    for (const [how, changed] of Object.entries(variants)) {
      for (const [me, ma] of [
        [MODES[0], MODES[0]],
        [MODES[1], MODES[1]],
        [MODES[0], MODES[1]],
      ] as const) {
        out.push({
          name: `${e}, last filter ${how} (${me} / ${ma})`,
          expected: config(me, ef),
          actual: config(ma, [...ef.slice(0, -1), changed]),
        });
      }
    }
  }
  return out;
}

function randomCandidates(n: number, seed: number): Candidate[] {
  const random = prng(seed);
  const pick = (s: string) => s[Math.floor(random() * s.length)] as string;
  const literal = () => {
    const length = Math.floor(random() ** 2 * 12);
    let text = '';
    for (let i = 0; i < length; i++) text += pick(ALPHABET);
    return text;
  };
  const filters = () =>
    Array.from({ length: 5 }, () => {
      let f = filterOf([literal(), literal(), literal()]);
      if (f.replaceAll('*', '') === '') f = `a${f}`;
      return f;
    });
  return Array.from({ length: n }, (_, i) => ({
    name: `random #${i}`,
    expected: config(MODES[Math.floor(random() * 2)] ?? MODES[0], filters()),
    actual: config(MODES[Math.floor(random() * 2)] ?? MODES[0], filters()),
  }));
}

function timeOnce(c: Candidate): number {
  const t = performance.now();
  compareConfigs(c.expected, c.actual);
  return performance.now() - t;
}

function medianOf(c: Candidate, runs: number): number {
  const times = Array.from({ length: runs }, () => timeOnce(c)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

const started = performance.now();
const candidates = [...adversarial(), ...randomCandidates(RANDOM_CANDIDATES, 4)];
// Warm-up: JIT the comparison on a few candidates.
for (const c of candidates.slice(0, 40)) timeOnce(c);
// Rounds: every candidate once, the slowest tenth thrice more, the slowest ten 21 times.
let ranked = candidates.map((c) => ({ c, ms: medianOf(c, 1) })).sort((a, b) => b.ms - a.ms);
ranked = ranked
  .slice(0, Math.max(10, Math.ceil(ranked.length / 10)))
  .map(({ c }) => ({ c, ms: medianOf(c, 3) }))
  .sort((a, b) => b.ms - a.ms);
ranked = ranked
  .slice(0, 10)
  .map(({ c }) => ({ c, ms: medianOf(c, 21) }))
  .sort((a, b) => b.ms - a.ms);
// Local search: mutate the slowest, keep what is slower (a few seconds at most).
const random = prng(99);
const mutate = (c: Candidate, round: number): Candidate => {
  const side = random() < 0.5 ? 'expected' : 'actual';
  const filters = c[side].imageTagMutabilityExclusionFilters.map((f) => f.filter);
  const k = Math.floor(random() * filters.length);
  const parts = (filters[k] as string).split('*');
  const j = Math.floor(random() * parts.length);
  const part = parts[j] as string;
  const char = ALPHABET[Math.floor(random() * ALPHABET.length)] as string;
  const at = Math.floor(random() * (part.length + 1));
  parts[j] =
    random() < 0.7 || part.length === 0
      ? part.slice(0, at) + char + part.slice(at)
      : part.slice(0, at) + part.slice(at + 1);
  let next = filterOf(parts);
  if (next.replaceAll('*', '') === '') next = `a${next}`;
  filters[k] = next;
  return {
    ...c,
    name: `${c.name.replace(/ \(mutated.*\)$/, '')} (mutated, round ${round})`,
    [side]: config(c[side].imageTagMutability, filters),
  };
};
let best = ranked[0] as { c: Candidate; ms: number };
for (let round = 1; performance.now() - started < SEARCH_MS; round++) {
  for (let m = 0; m < 30; m++) {
    const c = mutate(best.c, round);
    const t = medianOf(c, 5);
    if (t > best.ms) best = { c, ms: medianOf(c, 11) };
  }
}
const worst = best.c;
const searchMs = performance.now() - started;
const timing = performance.now();
const samples: number[] = [];
while (
  samples.length < ITERATIONS &&
  (samples.length < 500 || performance.now() - timing < 12_000)
) {
  samples.push(timeOnce(worst));
}
samples.sort((a, b) => a - b);
const result = compareConfigs(worst.expected, worst.actual);
writeSync(
  3,
  `${JSON.stringify({
    candidates: candidates.length,
    searchMs,
    worst: {
      name: worst.name,
      expected: worst.expected,
      actual: worst.actual,
      direction: result.direction,
      witnesses: result.witnesses,
    },
    runnersUp: ranked.slice(1, 5).map(({ c, ms }) => ({ name: c.name, p50: ms })),
    iterations: samples.length,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    max: samples.at(-1),
  })}\n`,
);
