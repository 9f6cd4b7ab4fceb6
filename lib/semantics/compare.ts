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
import { compileGlob, foldCode, globIncludes, splitGlob } from './glob.ts';
import { isTagImmutable } from './match.ts';
import {
  cannotLoosen,
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
   * Product states the single search visits before it considers deciding the missing
   * directions apart (and then doubles). Typical configurations stay below it.
   */
  readonly stateBudget: number;
  /**
   * How many times the states of its two union automata the product must have to count as
   * blown up: their progress multiplies out (filters of unrelated characters), and splitting
   * "some filter matches" per filter keeps the products small.
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
 * One way to meet a requirement, as the filters of a union automaton and when it is met.
 * "Some filter matches" splits into one part per filter: the requirement is met iff some part
 * is, and each part keeps the product it takes part in small.
 */
interface Part {
  readonly filters: readonly string[];
  readonly metIfMatched: boolean;
  readonly metIfUnmatched: boolean;
}

function partsOf(req: Requirement, filters: readonly string[]): Part[] {
  switch (req) {
    case 'never':
      return [];
    case 'always':
      return [{ filters: [], metIfMatched: true, metIfUnmatched: true }];
    case 'matched':
      return filters.map((f) => ({ filters: [f], metIfMatched: true, metIfUnmatched: false }));
    case 'unmatched':
      return [{ filters, metIfMatched: false, metIfUnmatched: true }];
  }
}

/**
 * False when no tag can match both filters because of their anchored ends alone: a tag starts
 * with each filter's first segment and ends with its last, so one first segment must be a prefix
 * of the other, and one last segment a suffix of the other. Exact as a refutation (true proves
 * nothing); it spares a product whose every state would have to be visited to show it empty.
 */
function anchorsCompatible(filterE: string, filterA: string): boolean {
  const e = splitGlob(filterE).segments;
  const a = splitGlob(filterA).segments;
  const agree = (x: readonly number[], y: readonly number[], fromEnd: boolean): boolean => {
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const xi = fromEnd ? x.length - 1 - i : i;
      const yi = fromEnd ? y.length - 1 - i : i;
      if (x[xi] !== y[yi]) return false;
    }
    return true;
  };
  return (
    agree(e[0] as number[], a[0] as number[], false) &&
    agree(e[e.length - 1] as number[], a[a.length - 1] as number[], true)
  );
}

/**
 * The filters that can take part in a direction where both sides require a match: each side's
 * filters that some filter of the other side is {@link anchorsCompatible} with. The others match
 * no tag the other side matches, so they cannot meet the requirement together; when a side keeps
 * none, the direction has no tag at all, decided without any automaton.
 */
function matchingPairs(
  filtersE: readonly string[],
  filtersA: readonly string[],
): { filtersE: string[]; filtersA: string[] } {
  const keptA = new Set<string>();
  const keptE = filtersE.filter((fe) => {
    let any = false;
    for (const fa of filtersA) {
      if (anchorsCompatible(fe, fa)) {
        keptA.add(fa);
        any = true;
      }
    }
    return any;
  });
  return { filtersE: keptE, filtersA: filtersA.filter((fa) => keptA.has(fa)) };
}

/** Whether both sides of a direction require a match: it then splits into pairs of filters. */
function bothMatch([reqE, reqA]: readonly [Requirement, Requirement]): boolean {
  return reqE === 'matched' && reqA === 'matched';
}

/** The filters an `always` side stands for: one that every tag matches. */
const EVERY_TAG: readonly string[] = ['*'];

/**
 * Whether every tag one side's filters match, some filter of the other side matches too: each
 * of the first is included ({@link globIncludes}) in one of the second. Sound, not complete.
 */
function covered(inner: readonly string[], outer: readonly string[]): boolean {
  const outers = outer.map(compileGlob);
  return inner.every((f) => {
    const tokens = compileGlob(f);
    return outer.includes(f) || outers.some((g) => globIncludes(g, tokens));
  });
}

/**
 * Whether a direction is known to have no tag before any search: a side never meets its
 * requirement; both must match and no pair of their filters is anchor-compatible; or one side
 * must match and everything it matches, the other side (which must not match) matches too.
 */
function surelyAbsent(sides: Sides, reqE: Requirement, reqA: Requirement): boolean {
  if (reqE === 'never' || reqA === 'never') return true;
  if (bothMatch([reqE, reqA])) {
    return matchingPairs(sides.filtersE, sides.filtersA).filtersE.length === 0;
  }
  const positive = (req: Requirement, filters: readonly string[]) =>
    req === 'always' ? EVERY_TAG : req === 'matched' ? filters : undefined;
  const posE = positive(reqE, sides.filtersE);
  const posA = positive(reqA, sides.filtersA);
  if (posE !== undefined && reqA === 'unmatched') return covered(posE, sides.filtersA);
  if (posA !== undefined && reqE === 'unmatched') return covered(posA, sides.filtersE);
  return false;
}

/** The two sides' filters and the union automata built for them so far. */
interface Sides {
  readonly cache: UnionCache;
  readonly filtersE: readonly string[];
  readonly filtersA: readonly string[];
}

/**
 * Length of the shortest valid tag meeting both requirements, or 0 when none has at most 128
 * characters. Each pair of parts is one small product searched breadth-first for a state where
 * E's part is met and A's is (the product's "loosened" flag, with A's reading inverted); the
 * search of a pair stops at the best length found so far.
 */
function shortestMeeting(sides: Sides, reqE: Requirement, reqA: Requirement): number {
  const { cache } = sides;
  const both = bothMatch([reqE, reqA]);
  const { filtersE, filtersA } = both ? matchingPairs(sides.filtersE, sides.filtersA) : sides;
  let best = 0;
  for (const pe of partsOf(reqE, filtersE)) {
    for (const pa of partsOf(reqA, filtersA)) {
      // Both parts are then single filters, and most pairs are refuted by their anchors.
      if (both && !anchorsCompatible(pe.filters[0] as string, pa.filters[0] as string)) continue;
      const prod = createProduct(
        unionOf(cache, pe.filters),
        { immIfMatched: pe.metIfMatched, immIfUnmatched: pe.metIfUnmatched },
        unionOf(cache, pa.filters),
        { immIfMatched: !pa.metIfMatched, immIfUnmatched: !pa.metIfUnmatched },
      );
      const search = startSearch();
      const stop = (s: Search) => s.loosened > 0 || (best > 0 && s.depth >= best);
      advance(prod, search, stop, cannotLoosen);
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
 * recorded before `stop` is asked. States that `prune` rejects are not expanded: only for
 * searches that need nothing beyond them (the part products; the full product serves the
 * witnesses, and expands everything).
 */
function advance(
  prod: Product,
  search: Search,
  stop: (s: Search) => boolean,
  prune?: (prod: Product, id: number) => boolean,
): void {
  for (;;) {
    for (const id of search.level) {
      const d = prod.diff[id];
      if (d === LOOSE && search.loosened === 0) search.loosened = search.depth;
      else if (d === TIGHT && search.tightened === 0) search.tightened = search.depth;
    }
    if (finished(search) || stop(search)) return;
    const next: number[] = [];
    for (const id of search.level) {
      if (prune?.(prod, id)) continue;
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
 * Cost: a direction whose absence shows in the filters themselves costs no search: both sides
 * must match but no two filters agree on their anchored ends, or one side must match and each of
 * its filters is included in a filter of the other. Otherwise one breadth-first search over the
 * product of both configurations' union automata usually decides both directions (it stops once
 * both show, else it visits every state reachable within 128 characters). Past a budget, a
 * direction in which both sides must match is decided by one small product per anchor-compatible
 * pair of filters; and once the product has blown up (its sides progress independently), a
 * direction in which one side must match by one product per filter of that side. Witnesses then
 * cost the full product up to the shortest differing length, a backward breadth-first search over
 * the states explored, plus at most 128 × 65 cheap steps per tag.
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
  const reqL = [requirement(modeE, true), requirement(modeA, false)] as const;
  const reqT = [requirement(modeE, false), requirement(modeA, true)] as const;
  // Shortest length in a direction when decided apart from this search (0: no tag). A direction
  // whose absence is plain from the filters' anchored ends needs no search at all.
  const sides: Sides = { cache, filtersE, filtersA };
  let knownL = surelyAbsent(sides, ...reqL) ? 0 : undefined;
  let knownT = surelyAbsent(sides, ...reqT) ? 0 : undefined;
  const settled = (s: Search) =>
    (s.loosened > 0 || knownL !== undefined) && (s.tightened > 0 || knownT !== undefined);
  let budget = tuning.stateBudget;
  for (;;) {
    advance(prod, search, (s) => settled(s) || prod.count > budget);
    if (finished(search) || settled(search)) break;
    // Past the budget, a direction in which both sides must match is decided by the products of
    // its anchor-compatible filter pairs: each is small, and few pairs survive. Once the product
    // has blown up (far more states than its two sides), a direction in which one side must
    // match is decided by one product per filter of that side too.
    const blownUp = prod.count > tuning.blowUpFactor * (prod.e.count + prod.a.count);
    const apart = (reqs: readonly [Requirement, Requirement]) =>
      bothMatch(reqs) || (blownUp && reqs.includes('matched'));
    if (search.loosened === 0 && knownL === undefined && apart(reqL)) {
      knownL = shortestMeeting(sides, ...reqL);
    }
    if (search.tightened === 0 && knownT === undefined && apart(reqT)) {
      knownT = shortestMeeting(sides, ...reqT);
    }
    if (settled(search)) break;
    budget = Math.max(1, budget * 2);
  }
  const loosened = knownL ?? search.loosened;
  const tightened = knownT ?? search.tightened;
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
