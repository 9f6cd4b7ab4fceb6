/**
 * Exact semantic comparison of two tag-mutability configurations (SPEC 3), decided by
 * construction over the whole tag universe: every valid tag of 1–128 characters.
 *
 * How: every filter becomes a small deterministic automaton (`automaton.ts`); each
 * configuration's filters run together as its union automaton (`union.ts`); the two union
 * automata run in product (`product.ts`), which starts with the first-character rule of tags.
 * A breadth-first search over the product finds the shortest tag in each direction of
 * difference; a direction exists iff its shortest tag has at most 128 characters. States only
 * tell apart the characters some filter is waiting for; all other characters share one edge,
 * so a state costs a few transitions, not 65.
 *
 * @module
 */
import type { Mutability, MutabilityConfig } from '../config.ts';
import { hasExclusions } from '../config.ts';
import { foldCode } from './glob.ts';
import { isTagImmutable } from './match.ts';
import {
  createProduct,
  expand,
  isExpanded,
  LOOSE,
  type Product,
  type Reading,
  SAME,
  START,
  TIGHT,
} from './product.ts';
import { isTagFirstChar, isValidTag, TAG_CHARS, TAG_MAX_LENGTH } from './tags.ts';
import { createUnionDfa, OTHER_CODE, type UnionDfa } from './union.ts';

/**
 * How the actual configuration A relates to the expected one E, with I(C) the set of valid tags
 * that C makes immutable: `EQUAL` if I(A) = I(E), `LOOSENED` if I(A) ⊊ I(E), `TIGHTENED` if
 * I(E) ⊊ I(A), `CHANGED` otherwise.
 */
export type Direction = 'EQUAL' | 'LOOSENED' | 'TIGHTENED' | 'CHANGED';

/** Options of {@link compareConfigs}. */
export interface CompareOptions {
  /** Tags known to exist in the repository; those that differ come first among the witnesses. */
  knownTags?: Iterable<string>;
  /** How many witnesses at most; 5 by default, as a finding carries. */
  maxWitnesses?: number;
}

/** The result of {@link compareConfigs}. */
export interface Comparison {
  direction: Direction;
  /**
   * Valid tags whose mutability differs between the two configurations: known tags first (in the
   * order given), then the shortest such tags, ties in ASCII order. Empty when `EQUAL`.
   */
  witnesses: string[];
}

const DEFAULT_MAX_WITNESSES = 5;
/** Folded code of each of `TAG_CHARS`, in the same (ASCII) order. */
const TAG_CHAR_CODES: readonly number[] = TAG_CHARS.map((ch) => foldCode(ch.charCodeAt(0)));
const TAG_CHAR_FIRST: readonly boolean[] = TAG_CHARS.map(isTagFirstChar);
const UNREACHABLE = 0x7fffffff;
/**
 * When to stop the single search over the full product and decide the missing directions by
 * small products instead. Both strategies are exact; this only picks the cheaper one.
 */
export interface SearchTuning {
  /**
   * Product states the single search visits before it looks for a blown-up side (and then
   * doubles). Typical configurations stay below it.
   */
  readonly stateBudget: number;
  /**
   * How many times its filters' states a side's union automaton must have to count as blown
   * up: its filters progress independently (several `*x*y` filters with unrelated characters),
   * and splitting "some filter matches" per filter keeps the products small.
   */
  readonly blowUpFactor: number;
}

const DEFAULT_TUNING: SearchTuning = { stateBudget: 1024, blowUpFactor: 4 };

/** What one side of a direction of difference requires of a tag. */
type Requirement = 'always' | 'never' | 'matched' | 'unmatched';

/** What `config` requires of a tag for the tag to have mutability `immutable`. */
function requirement(mode: Mutability, immutable: boolean): Requirement {
  switch (mode) {
    case 'IMMUTABLE':
      return immutable ? 'always' : 'never';
    case 'MUTABLE':
      return immutable ? 'never' : 'always';
    case 'IMMUTABLE_WITH_EXCLUSION':
      return immutable ? 'unmatched' : 'matched';
    case 'MUTABLE_WITH_EXCLUSION':
      return immutable ? 'matched' : 'unmatched';
  }
}

/** How a configuration's union automaton reads as immutability. */
function readingOf(mode: Mutability): Reading {
  return {
    immIfMatched: mode === 'IMMUTABLE' || mode === 'MUTABLE_WITH_EXCLUSION',
    immIfUnmatched: mode === 'IMMUTABLE' || mode === 'IMMUTABLE_WITH_EXCLUSION',
  };
}

/** The filters that take part: none for the plain modes, whose filters have no effect. */
function filtersOf(config: MutabilityConfig): string[] {
  return hasExclusions(config.imageTagMutability)
    ? config.imageTagMutabilityExclusionFilters.map((f) => f.filter)
    : [];
}

/** Union automata built so far in one comparison, by filter set, so that checks share them. */
type UnionCache = Map<string, UnionDfa>;

function unionOf(cache: UnionCache, filters: readonly string[]): UnionDfa {
  const key = JSON.stringify([...new Set(filters)].sort());
  let dfa = cache.get(key);
  if (dfa === undefined) {
    dfa = createUnionDfa(filters);
    cache.set(key, dfa);
  }
  return dfa;
}

/**
 * One way to meet a requirement, as the filters of a union automaton and when it is met. For a
 * side that blew up, "some filter matches" splits into one part per filter: the requirement is
 * met iff some part is, and each part keeps the product it takes part in small.
 */
interface Part {
  readonly filters: readonly string[];
  readonly metIfMatched: boolean;
  readonly metIfUnmatched: boolean;
}

function partsOf(req: Requirement, filters: readonly string[], split: boolean): Part[] {
  switch (req) {
    case 'never':
      return [];
    case 'always':
      return [{ filters: [], metIfMatched: true, metIfUnmatched: true }];
    case 'matched':
      return split
        ? filters.map((f) => ({ filters: [f], metIfMatched: true, metIfUnmatched: false }))
        : [{ filters, metIfMatched: true, metIfUnmatched: false }];
    case 'unmatched':
      return [{ filters, metIfMatched: false, metIfUnmatched: true }];
  }
}

/**
 * Whether a union automaton has far more states than its filters together: their progress
 * multiplies out, and splitting "some filter matches" per filter keeps products small.
 */
function blownUp(dfa: UnionDfa, factor: number): boolean {
  const parts = dfa.automata.reduce((n, f) => n + f.stateCount, 0);
  return dfa.count > factor * parts;
}

/** The two sides' filters, their automata, and which positive sides to split per filter. */
interface Sides {
  readonly cache: UnionCache;
  readonly filtersE: readonly string[];
  readonly filtersA: readonly string[];
  readonly splitE: boolean;
  readonly splitA: boolean;
}

/**
 * Length of the shortest valid tag meeting both requirements, or 0 when none has at most 128
 * characters. Each pair of parts is one small product searched breadth-first for a state where
 * E's part is met and A's is (the product's "loosened" flag, with A's reading inverted); the
 * search of a pair stops at the best length found so far.
 */
function shortestMeeting(sides: Sides, reqE: Requirement, reqA: Requirement): number {
  const { cache } = sides;
  let best = 0;
  for (const pe of partsOf(reqE, sides.filtersE, sides.splitE)) {
    for (const pa of partsOf(reqA, sides.filtersA, sides.splitA)) {
      const prod = createProduct(
        unionOf(cache, pe.filters),
        { immIfMatched: pe.metIfMatched, immIfUnmatched: pe.metIfUnmatched },
        unionOf(cache, pa.filters),
        { immIfMatched: !pa.metIfMatched, immIfUnmatched: !pa.metIfUnmatched },
      );
      const search = startSearch();
      advance(prod, search, (s) => s.loosened > 0 || (best > 0 && s.depth >= best));
      if (search.loosened > 0 && (best === 0 || search.loosened < best)) best = search.loosened;
    }
  }
  return best;
}

/**
 * A resumable breadth-first search over the product, level by level up to 128 characters. Each
 * state is expanded once, at its shortest depth, so the first level holding a differing state is
 * the length of the shortest differing tag in that direction.
 */
interface Search {
  /** Shortest differing length in each direction; 0 while none is found. */
  loosened: number;
  tightened: number;
  /** Levels 0..depth are generated; states of the levels before `depth` are expanded. */
  depth: number;
  level: number[];
  seen: Uint8Array;
}

/** A search standing at the empty string. */
function startSearch(): Search {
  const seen = new Uint8Array(1024);
  seen[START] = 1;
  return { loosened: 0, tightened: 0, depth: 0, level: [START], seen };
}

/** Whether the search has seen everything up to 128 characters. */
function finished(search: Search): boolean {
  return search.depth === TAG_MAX_LENGTH || search.level.length === 0;
}

/**
 * Advances the search until `stop` holds or it is finished. The current level's differences are
 * recorded before `stop` is asked.
 */
function advance(prod: Product, search: Search, stop: (s: Search) => boolean): void {
  for (;;) {
    for (const id of search.level) {
      const d = prod.diff[id];
      if (d === LOOSE && search.loosened === 0) search.loosened = search.depth;
      else if (d === TIGHT && search.tightened === 0) search.tightened = search.depth;
    }
    if (finished(search) || stop(search)) return;
    const next: number[] = [];
    for (const id of search.level) {
      expand(prod, id);
      const end = prod.edgeEnd[id] as number;
      for (let k = prod.edgeStart[id] as number; k < end; k++) {
        const nid = prod.edgeTarget[k] as number;
        if (nid >= search.seen.length) {
          const bigger = new Uint8Array(Math.max(nid + 1, search.seen.length * 2));
          bigger.set(search.seen);
          search.seen = bigger;
        }
        if (search.seen[nid] === 0) {
          search.seen[nid] = 1;
          next.push(nid);
        }
      }
    }
    search.level = next;
    search.depth++;
  }
}

/**
 * Fewest characters from each state to a differing state: a breadth-first search backwards from
 * every differing state over the explored edges. Exact wherever it is used: the witness search
 * only asks about tags no longer than the search's depth D, and such a path only crosses states
 * of levels below D, which are expanded.
 */
function distances(prod: Product): Int32Array {
  const n = prod.count;
  // Predecessor lists in compressed form: preds[offsets[id]] to preds[offsets[id + 1]].
  const offsets = new Int32Array(n + 1);
  for (let id = 0; id < n; id++) {
    if (!isExpanded(prod, id)) continue;
    const end = prod.edgeEnd[id] as number;
    for (let k = prod.edgeStart[id] as number; k < end; k++) {
      const nid = prod.edgeTarget[k] as number;
      offsets[nid + 1] = (offsets[nid + 1] as number) + 1;
    }
  }
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const preds = new Int32Array(offsets[n] as number);
  const fill = offsets.slice(0, n);
  for (let id = 0; id < n; id++) {
    if (!isExpanded(prod, id)) continue;
    const end = prod.edgeEnd[id] as number;
    for (let k = prod.edgeStart[id] as number; k < end; k++) {
      const nid = prod.edgeTarget[k] as number;
      const slot = fill[nid] as number;
      preds[slot] = id;
      fill[nid] = slot + 1;
    }
  }
  const dist = new Int32Array(n).fill(UNREACHABLE);
  let level: number[] = [];
  for (let id = 0; id < n; id++) {
    if (prod.diff[id] !== SAME) {
      dist[id] = 0;
      level.push(id);
    }
  }
  for (let d = 1; level.length > 0; d++) {
    const next: number[] = [];
    for (const id of level) {
      const end = offsets[id + 1] as number;
      for (let k = offsets[id] as number; k < end; k++) {
        const pid = preds[k] as number;
        if (dist[pid] === UNREACHABLE) {
          dist[pid] = d;
          next.push(pid);
        }
      }
    }
    level = next;
  }
  return dist;
}

/** The witness search: a DFS in ASCII order, pruned by an exact-length reachability test. */
interface WitnessSearch {
  readonly prod: Product;
  dist: Int32Array;
  /** Memo of "some path of exactly r more characters ends in a differing state", id*129+r. */
  readonly reach: Map<number, boolean>;
}

/**
 * True when some path of exactly `r` more characters from `id` ends in a differing state. The
 * distance decides at once when it is ≥ r; only shorter distances need a (memoized) look ahead.
 */
function canReach(ws: WitnessSearch, id: number, r: number): boolean {
  const d = ws.dist[id] as number;
  if (d >= r) return d === r;
  const key = id * (TAG_MAX_LENGTH + 1) + r;
  const memo = ws.reach.get(key);
  if (memo !== undefined) return memo;
  const { prod } = ws;
  expand(prod, id);
  let ok = false;
  const end = prod.edgeEnd[id] as number;
  for (let k = prod.edgeStart[id] as number; k < end && !ok; k++) {
    ok = canReach(ws, prod.edgeTarget[k] as number, r - 1);
  }
  ws.reach.set(key, ok);
  return ok;
}

/**
 * Appends the differing tags of exactly `length` characters in ASCII order, skipping those in
 * `skip`, until `out` holds `limit` tags. Walks real characters (not edges) so that the order is
 * that of the actual tags, and enters a character only when it can still end on a differing
 * state, so every step of the walk leads to a tag.
 */
function collectOfLength(
  ws: WitnessSearch,
  length: number,
  limit: number,
  skip: ReadonlySet<string>,
  out: string[],
): void {
  const buf: string[] = [];
  const walk = (id: number): boolean => {
    if (buf.length === length) {
      const tag = buf.join('');
      if (!skip.has(tag)) out.push(tag);
      return out.length >= limit;
    }
    const remaining = length - buf.length - 1;
    const { prod } = ws;
    expand(prod, id);
    const first = prod.edgeStart[id] as number;
    const end = prod.edgeEnd[id] as number;
    // Named edges are [first, named); the "other" edge, when there is one, is last. Whether a
    // target can still reach a differing tag is asked once per edge, not once per character.
    const named = prod.edgeCode[end - 1] === OTHER_CODE ? end - 1 : end;
    const otherTarget = named < end ? (prod.edgeTarget[end - 1] as number) : -1;
    const otherOk = otherTarget >= 0 && canReach(ws, otherTarget, remaining);
    for (let i = 0; i < TAG_CHARS.length; i++) {
      if (id === START && !TAG_CHAR_FIRST[i]) continue;
      const code = TAG_CHAR_CODES[i] as number;
      let next = -1;
      for (let k = first; k < named && next < 0; k++) {
        if (prod.edgeCode[k] === code) next = prod.edgeTarget[k] as number;
      }
      if (next < 0 ? !otherOk : !canReach(ws, next, remaining)) continue;
      buf.push(TAG_CHARS[i] as string);
      if (walk(next < 0 ? otherTarget : next)) return true;
      buf.pop();
    }
    return false;
  };
  walk(START);
}

/** Known tags that are valid and differ, in the order given, without repeats. */
function knownWitnesses(
  expected: MutabilityConfig,
  actual: MutabilityConfig,
  knownTags: Iterable<string>,
  limit: number,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const tag of knownTags) {
    if (out.length >= limit) break;
    if (seen.has(tag)) continue;
    seen.add(tag);
    if (isValidTag(tag) && isTagImmutable(expected, tag) !== isTagImmutable(actual, tag)) {
      out.push(tag);
    }
  }
  return out;
}

/**
 * Compares the expected configuration E with the actual A over every valid tag (1–128
 * characters, SPEC 3), exactly: the answer comes from automata, never from sampling tags or from
 * the text of the filters. Witnesses are valid tags whose mutability differs: the differing
 * `knownTags` first (in their order, without repeats), then the shortest differing tags in
 * shortlex order (by length, then ASCII), never repeating a known one.
 *
 * Cost: linear in the explored automata. One breadth-first search over the product of both
 * configurations' union automata usually decides both directions (it stops early once both show,
 * else it visits every state reachable within 128 characters). If that product grows past a
 * budget because one side's filters progress independently (their union automaton is far larger
 * than the filters), each missing direction is decided by smaller products, one per filter of
 * the side that must match. Witnesses then cost a backward breadth-first search over the states
 * explored, plus at most 128 × 65 cheap steps per tag where the distance decides, as it always
 * does at the shortest length.
 */
export function compareConfigs(
  expected: MutabilityConfig,
  actual: MutabilityConfig,
  options: CompareOptions = {},
): Comparison {
  return compareConfigsTuned(expected, actual, options, DEFAULT_TUNING);
}

/**
 * {@link compareConfigs} with an explicit {@link SearchTuning}. The answer does not depend on
 * the tuning, only the cost does; tests use it to drive both strategies over the same cases.
 *
 * @internal
 */
export function compareConfigsTuned(
  expected: MutabilityConfig,
  actual: MutabilityConfig,
  options: CompareOptions,
  tuning: SearchTuning,
): Comparison {
  const limit = Math.max(0, Math.floor(options.maxWitnesses ?? DEFAULT_MAX_WITNESSES));
  const witnesses = knownWitnesses(expected, actual, options.knownTags ?? [], limit);
  // One breadth-first search over the full product finds both directions, and its states serve
  // the witnesses too. When filters of a side make progress independently of each other, though,
  // the full product can have tens of thousands of states; past a budget, each direction still
  // missing is decided on its own by small products instead (see shortestMeeting).
  const cache: UnionCache = new Map();
  const modeE = expected.imageTagMutability;
  const modeA = actual.imageTagMutability;
  const filtersE = filtersOf(expected);
  const filtersA = filtersOf(actual);
  const prod = createProduct(
    unionOf(cache, filtersE),
    readingOf(modeE),
    unionOf(cache, filtersA),
    readingOf(modeA),
  );
  const search = startSearch();
  let budget = tuning.stateBudget;
  let splitE = false;
  let splitA = false;
  for (;;) {
    advance(prod, search, (s) => (s.loosened > 0 && s.tightened > 0) || prod.count > budget);
    if (finished(search) || (search.loosened > 0 && search.tightened > 0)) break;
    // Past the budget, switch only if the product is far larger than the two union automata
    // (their states multiply) and a side blew up: else splitting would not make it smaller.
    const crossed = prod.count > tuning.blowUpFactor * (prod.e.count + prod.a.count);
    splitE = crossed && blownUp(prod.e, tuning.blowUpFactor);
    splitA = crossed && blownUp(prod.a, tuning.blowUpFactor);
    if (splitE || splitA) break;
    budget = Math.max(1, budget * 2);
  }
  let { loosened, tightened } = search;
  if (splitE || splitA) {
    const sides = { cache, filtersE, filtersA, splitE, splitA };
    if (loosened === 0) {
      loosened = shortestMeeting(sides, requirement(modeE, true), requirement(modeA, false));
    }
    if (tightened === 0) {
      tightened = shortestMeeting(sides, requirement(modeE, false), requirement(modeA, true));
    }
  }
  const direction: Direction =
    loosened > 0 ? (tightened > 0 ? 'CHANGED' : 'LOOSENED') : tightened > 0 ? 'TIGHTENED' : 'EQUAL';
  if (direction === 'EQUAL' || witnesses.length >= limit) return { direction, witnesses };

  // Witnesses come from the full product, explored only as deep as they need: at least to the
  // shortest differing length, then deeper (doubling) while more are needed. The memo of the
  // reachability test stays valid throughout, as it states facts about the automaton.
  let length = Math.min(...[loosened, tightened].filter((n) => n > 0));
  advance(prod, search, (s) => s.depth >= length);
  const ws: WitnessSearch = { prod, dist: distances(prod), reach: new Map() };
  const skip = new Set(witnesses);
  for (;;) {
    // A search that ran out of new states has expanded every state: any length is covered.
    const covered = search.level.length === 0 ? TAG_MAX_LENGTH : search.depth;
    for (; length <= covered && witnesses.length < limit; length++) {
      collectOfLength(ws, length, limit, skip, witnesses);
    }
    if (witnesses.length >= limit || finished(search)) return { direction, witnesses };
    const target = Math.min(TAG_MAX_LENGTH, search.depth * 2);
    advance(prod, search, (s) => s.depth >= target);
    ws.dist = distances(prod);
  }
}

/**
 * A canonical text of a configuration, for ids and display: the mode, and for the
 * `*_WITH_EXCLUSION` modes the sorted, de-duplicated filter values. Two configurations with the
 * same key are equal, but equal configurations may have different keys (`["a*b", "ab"]` and
 * `["a*b"]`): use {@link compareConfigs} to compare.
 */
export function configKey(config: MutabilityConfig): string {
  const mode = config.imageTagMutability;
  if (!hasExclusions(mode)) return mode;
  const filters = [...new Set(config.imageTagMutabilityExclusionFilters.map((f) => f.filter))];
  filters.sort();
  return `${mode} ${JSON.stringify(filters)}`;
}
