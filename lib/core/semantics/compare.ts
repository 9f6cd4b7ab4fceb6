/**
 * Exact semantic comparison of two tag-mutability configurations (docs/semantics.md), decided by
 * construction over the whole tag universe: every valid tag of 1–128 characters.
 *
 * How: every filter becomes a small deterministic automaton (`automaton.ts`); the distinct
 * filters of both configurations run together as one joint automaton (`product.ts`), which
 * starts with the first-character rule of tags and tells per state whether E and A disagree. A
 * best-first (A*) search over it finds the shortest tag in each direction of difference; a
 * direction exists iff its shortest tag has at most 128 characters. Each filter state knows the
 * fewest characters to its match, which bounds how soon a state can differ: states that cannot
 * differ within 128 characters, or not before the shortest tag, are never expanded. States only
 * tell apart the characters some filter is waiting for; all other characters share one edge,
 * so a state costs a few transitions, not 65.
 *
 * @module
 */
import type { Mutability, MutabilityConfig } from '../model/config.ts';
import { hasExclusions, isImmutableUnder } from '../model/config.ts';
import type { Direction } from '../model/findings.ts';
import { buildFilterAutomaton, type FilterAutomaton } from './automaton.ts';
import { compileGlob, foldCode, globIncludes, splitGlob } from './glob.ts';
import { isTagImmutable } from './match.ts';
import {
  BEYOND,
  createProduct,
  expand,
  grow,
  LOOSE,
  OTHER_CODE,
  type Product,
  type Reading,
  START,
  TIGHT,
} from './product.ts';
import { isTagFirstChar, isValidTag, TAG_CHARS, TAG_MAX_LENGTH } from './tags.ts';

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
 * When to stop the searches over the full joint automaton and decide the missing directions by
 * small products instead. Both strategies are exact; this only picks the cheaper one.
 */
export interface SearchTuning {
  /**
   * Joint states the searches over the full automaton create before they consider deciding
   * the missing directions apart (and then doubles). 0 decides apart whatever can be at once.
   */
  readonly stateBudget: number;
  /**
   * How many times the states of its filters' own automata the joint automaton must have to
   * count as blown up: their progress multiplies out (filters of unrelated characters), and
   * splitting "some filter matches" per filter keeps the products small. 0 splits at once,
   * `Infinity` never.
   */
  readonly blowUpFactor: number;
}

/**
 * Measured on the benchmark's worst cases: pairs of filters are cheap once their searches are
 * bounded, so a small budget hands "both must match" directions over to them early.
 */
const DEFAULT_TUNING: SearchTuning = { stateBudget: 64, blowUpFactor: 4 };

/** What one side of a direction of difference requires of a tag. */
type Requirement = 'always' | 'never' | 'matched' | 'unmatched';

/** What `config` requires of a tag for the tag to have mutability `immutable`. */
function requirement(mode: Mutability, immutable: boolean): Requirement {
  const { immIfMatched, immIfUnmatched } = readingOf(mode);
  const ifMatched = immIfMatched === immutable;
  const ifUnmatched = immIfUnmatched === immutable;
  if (ifMatched && ifUnmatched) return 'always';
  if (ifMatched) return 'matched';
  return ifUnmatched ? 'unmatched' : 'never';
}

/** How a configuration's filters read as immutability: by whether one of them matches. */
function readingOf(mode: Mutability): Reading {
  return {
    immIfMatched: isImmutableUnder(mode, true),
    immIfUnmatched: isImmutableUnder(mode, false),
  };
}

/** The filters that take part: none for the plain modes, whose filters have no effect. */
function filtersOf(config: MutabilityConfig): string[] {
  return hasExclusions(config.imageTagMutability)
    ? config.imageTagMutabilityExclusionFilters.map((f) => f.filter)
    : [];
}

/**
 * One way to meet a requirement, as the filters of one side of a product and when it is met.
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
 * of the first is included ({@link globIncludes}) in one of the second, or matches no valid tag.
 * Sound, not complete.
 */
function covered(inner: readonly string[], outer: readonly string[]): boolean {
  const outers = outer.map(compileGlob);
  return inner.every((f) => {
    // A filter that starts with a character no tag starts with matches no tag at all.
    if (f !== '' && f[0] !== '*' && !isTagFirstChar(f[0] as string)) return true;
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

/** The two sides' filters and the filter automata built for them so far. */
interface Sides {
  readonly filtersE: readonly string[];
  readonly filtersA: readonly string[];
  /** By filter: automata are pure, so every product of one comparison can share them. */
  readonly automata: Map<string, FilterAutomaton>;
}

/** The automaton of `filter`, built once per comparison. */
function automatonOf(sides: Sides, filter: string): FilterAutomaton {
  let automaton = sides.automata.get(filter);
  if (automaton === undefined) {
    automaton = buildFilterAutomaton(filter);
    sides.automata.set(filter, automaton);
  }
  return automaton;
}

/** The fewest characters of a tag a part can be met by: its filter's shortest match, if any. */
function partLength(sides: Sides, part: Part): number {
  if (part.metIfUnmatched) return 1;
  const automaton = automatonOf(sides, part.filters[0] as string);
  return Math.max(1, automaton.minRemain[automaton.start] as number);
}

/**
 * Length of the shortest valid tag meeting both requirements, or 0 when none has at most 128
 * characters. Each pair of parts is one small product searched for a state where E's part is
 * met and A's is (the product's "loosened" flag, with A's reading inverted). Pairs go from the
 * shortest their filters allow, and a pair is only searched for tags shorter than the best
 * found so far; a pair that cannot beat it is not even built.
 */
function shortestMeeting(sides: Sides, reqE: Requirement, reqA: Requirement): number {
  const both = bothMatch([reqE, reqA]);
  const { filtersE, filtersA } = both ? matchingPairs(sides.filtersE, sides.filtersA) : sides;
  const pairs: { pe: Part; pa: Part; least: number }[] = [];
  for (const pe of partsOf(reqE, filtersE)) {
    for (const pa of partsOf(reqA, filtersA)) {
      // Both parts are then single filters, and most pairs are refuted by their anchors.
      if (both && !anchorsCompatible(pe.filters[0] as string, pa.filters[0] as string)) continue;
      pairs.push({ pe, pa, least: Math.max(partLength(sides, pe), partLength(sides, pa)) });
    }
  }
  pairs.sort((x, y) => x.least - y.least);
  let best = 0;
  for (const { pe, pa, least } of pairs) {
    const limit = best > 0 ? best - 1 : TAG_MAX_LENGTH;
    if (least > limit) break;
    const prod = createProduct(
      pe.filters,
      { immIfMatched: pe.metIfMatched, immIfUnmatched: pe.metIfUnmatched },
      pa.filters,
      { immIfMatched: !pa.metIfMatched, immIfUnmatched: !pa.metIfUnmatched },
      (f) => automatonOf(sides, f),
    );
    const search = startSearch(prod, LOOSE, limit);
    advance(prod, search);
    if (search.found > 0) best = search.found;
  }
  return best;
}

/** A difference flag a search looks for: {@link LOOSE} or {@link TIGHT}. */
type Flag = typeof LOOSE | typeof TIGHT;

/** At least how many more characters lead from a state to one with `flag`, or `BEYOND`. */
function until(prod: Product, flag: Flag, id: number): number {
  return (flag === LOOSE ? prod.untilLoose[id] : prod.untilTight[id]) as number;
}

/**
 * A resumable best-first (A*) search over the product for the shortest tag reaching a state
 * with one difference flag. A state's priority is its depth plus {@link until}: a lower bound of
 * the length of any tag through it that ends on the flag, which grows by at most one per
 * character, so the first flagged state taken out has the shortest such tag. States whose
 * bound exceeds `maxLength` are never entered: long filters leave only a few characters of
 * slack, and the search keeps to the tags that could still fit.
 */
interface Search {
  readonly flag: Flag;
  /** Tags longer than this are of no interest. */
  readonly maxLength: number;
  /** Shortest length found; 0 while none is (and for good once `done` without one). */
  found: number;
  done: boolean;
  /** States waiting, by priority; `priority` is the one being worked on. */
  readonly buckets: number[][];
  priority: number;
  /** Per state: fewest characters known to reach it (`UNREACHABLE` while unseen). */
  depth: Int32Array;
}

/** A search standing at the empty string. */
function startSearch(prod: Product, flag: Flag, maxLength = TAG_MAX_LENGTH): Search {
  // Buckets are made as they are first needed: most searches only use a few priorities.
  const buckets: number[][] = [];
  const depth = new Int32Array(Math.max(64, prod.count)).fill(UNREACHABLE);
  depth[START] = 0;
  const first = until(prod, flag, START);
  if (first <= maxLength) buckets[first] = [START];
  return { flag, maxLength, found: 0, done: false, buckets, priority: first, depth };
}

/**
 * Advances the search until it is done or the product has more than `budget` states (then it
 * can be resumed). Done means the shortest tag is found, or none fits in `maxLength`.
 */
function advance(prod: Product, search: Search, budget = Number.POSITIVE_INFINITY): void {
  const { flag, maxLength, buckets } = search;
  for (; !search.done; search.priority++) {
    if (search.priority > maxLength) {
      search.done = true;
      return;
    }
    const bucket = buckets[search.priority];
    while (bucket !== undefined && bucket.length > 0) {
      if (prod.count > budget) return;
      const id = bucket.pop() as number;
      const d = search.depth[id] as number;
      // An entry left behind by a shorter way to the same state is stale.
      if (d < 0 || d + until(prod, flag, id) !== search.priority) continue;
      if (prod.diff[id] === flag) {
        search.found = d;
        search.done = true;
        return;
      }
      search.depth[id] = -1 - d;
      visitSuccessors(prod, search, id, d + 1);
    }
  }
}

/** Enters the successors of state `id` at `depth`, unless they cannot finish in time. */
function visitSuccessors(prod: Product, search: Search, id: number, depth: number): void {
  expand(prod, id);
  if (search.depth.length < prod.count) search.depth = grow(search.depth, prod.count, UNREACHABLE);
  const end = prod.edgeEnd[id] as number;
  for (let k = prod.edgeStart[id] as number; k < end; k++) {
    const nid = prod.edgeTarget[k] as number;
    const priority = depth + until(prod, search.flag, nid);
    const known = search.depth[nid] as number;
    // Negative depths mark states already taken out, at their shortest depth.
    if (priority > search.maxLength || known < 0 || known <= depth) continue;
    search.depth[nid] = depth;
    const bucket = search.buckets[priority];
    if (bucket === undefined) search.buckets[priority] = [nid];
    else bucket.push(nid);
  }
}

/** The flags a witness search accepts, as bits `1 << flag`. */
const flagBit = (flag: number): number => 1 << flag;

/** The witness search: a DFS in ASCII order, pruned by an exact-length reachability test. */
interface WitnessSearch {
  readonly prod: Product;
  /** The flags whose tags count, as {@link flagBit}s. */
  flags: number;
  /** Memo of "some path of exactly r more characters ends on a counted flag", id*129+r. */
  readonly reach: Map<number, boolean>;
}

/** The fewest characters from `id` to a state with a counted flag, as far as the bounds know. */
function lowerBound(ws: WitnessSearch, id: number): number {
  const { prod, flags } = ws;
  const loose = flags & flagBit(LOOSE) ? (prod.untilLoose[id] as number) : BEYOND;
  const tight = flags & flagBit(TIGHT) ? (prod.untilTight[id] as number) : BEYOND;
  return Math.min(loose, tight);
}

/**
 * True when some path of exactly `r` more characters from `id` ends on a counted flag. The
 * bounds decide at once when they are above r; otherwise a memoized look ahead does.
 */
function canReach(ws: WitnessSearch, id: number, r: number): boolean {
  const { prod } = ws;
  if (r === 0) return (ws.flags & flagBit(prod.diff[id] as number)) !== 0;
  if (lowerBound(ws, id) > r) return false;
  const key = id * (TAG_MAX_LENGTH + 1) + r;
  const memo = ws.reach.get(key);
  if (memo !== undefined) return memo;
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
 * characters, docs/semantics.md), exactly: the answer comes from automata, never from sampling tags or from
 * the text of the filters. Witnesses are valid tags whose mutability differs: the differing
 * `knownTags` first (in their order, without repeats), then the shortest differing tags in
 * shortlex order (by length, then ASCII), never repeating a known one.
 *
 * Cost: a direction whose absence shows in the filters themselves costs no search: both sides
 * must match but no two filters agree on their anchored ends, or one side must match and each of
 * its filters is included in a filter of the other. Otherwise one best-first search per direction
 * over the joint automaton of both configurations' distinct filters decides it, visiting only
 * states from which a differing tag could still be as short as the shortest one (or, when there
 * is none, fit in 128 characters). Past a budget, a direction in which both sides must match is
 * decided by one small product per anchor-compatible pair of filters; and once the joint
 * automaton has blown up (filters progress independently), a direction in which one side must
 * match by one product per filter of that side. Witnesses come from a depth-first walk in ASCII
 * order that enters a character only if a tag of exactly the length sought can still end on a
 * difference, which the same bounds mostly decide at once and a memoized look-ahead otherwise.
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
  // The same mode and filter set (the common case of a scan): equal, no automaton needed.
  if (configKey(expected) === configKey(actual)) return { direction: 'EQUAL', witnesses: [] };
  const limit = Math.max(0, Math.floor(options.maxWitnesses ?? DEFAULT_MAX_WITNESSES));
  // A search per direction over the joint automaton, whose states serve the witnesses too. When
  // filters make progress independently of each other, though, it can have tens of thousands of
  // states; past a budget, each direction still missing is decided on its own by small products
  // instead (see shortestMeeting).
  const modeE = expected.imageTagMutability;
  const modeA = actual.imageTagMutability;
  const filtersE = filtersOf(expected);
  const filtersA = filtersOf(actual);
  const sides: Sides = { filtersE, filtersA, automata: new Map() };
  const prod = createProduct(filtersE, readingOf(modeE), filtersA, readingOf(modeA), (f) =>
    automatonOf(sides, f),
  );
  const reqL = [requirement(modeE, true), requirement(modeA, false)] as const;
  const reqT = [requirement(modeE, false), requirement(modeA, true)] as const;
  // Shortest length in a direction when decided apart from the full product (0: no tag). A
  // direction whose absence is plain from the filters' anchored ends needs no search at all.
  let knownL = surelyAbsent(sides, ...reqL) ? 0 : undefined;
  let knownT = surelyAbsent(sides, ...reqT) ? 0 : undefined;
  const searchL = startSearch(prod, LOOSE);
  const searchT = startSearch(prod, TIGHT);
  let budget = tuning.stateBudget;
  for (;;) {
    if (knownL === undefined) advance(prod, searchL, budget);
    if (knownL === undefined && searchL.done) knownL = searchL.found;
    if (knownT === undefined) advance(prod, searchT, budget);
    if (knownT === undefined && searchT.done) knownT = searchT.found;
    if (knownL !== undefined && knownT !== undefined) break;
    // Past the budget, a direction in which both sides must match is decided by the products of
    // its anchor-compatible filter pairs: each is small, and few pairs survive. Once the product
    // has blown up (far more states than its two sides), a direction in which one side must
    // match is decided by one product per filter of that side too.
    const blownUp = prod.count > tuning.blowUpFactor * prod.filterStates;
    const apart = (reqs: readonly [Requirement, Requirement]) =>
      bothMatch(reqs) || (blownUp && reqs.includes('matched'));
    if (knownL === undefined && apart(reqL)) knownL = shortestMeeting(sides, ...reqL);
    if (knownT === undefined && apart(reqT)) knownT = shortestMeeting(sides, ...reqT);
    if (knownL !== undefined && knownT !== undefined) break;
    budget = Math.max(1, budget * 2);
  }
  const loosened = knownL;
  const tightened = knownT;
  const direction: Direction =
    loosened > 0 ? (tightened > 0 ? 'CHANGED' : 'LOOSENED') : tightened > 0 ? 'TIGHTENED' : 'EQUAL';
  // Known tags are looked at only now: when the configurations are equal, none differs.
  if (direction === 'EQUAL') return { direction, witnesses: [] };
  const witnesses = knownWitnesses(expected, actual, options.knownTags ?? [], limit);
  if (witnesses.length >= limit) return { direction, witnesses };
  collectShortest(prod, loosened, tightened, limit, witnesses);
  return { direction, witnesses };
}

/**
 * Appends the shortest differing tags, by length then in ASCII order, not repeating those in
 * `out`, until it holds `limit` tags. A direction takes part from its shortest length on; the
 * memo of the reachability test holds for as long as the set of directions does.
 */
function collectShortest(
  prod: Product,
  loosened: number,
  tightened: number,
  limit: number,
  out: string[],
): void {
  const skip = new Set(out);
  const ws: WitnessSearch = { prod, flags: 0, reach: new Map() };
  const first = Math.min(...[loosened, tightened].filter((n) => n > 0));
  for (let length = first; length <= TAG_MAX_LENGTH && out.length < limit; length++) {
    const flags =
      (loosened > 0 && loosened <= length ? flagBit(LOOSE) : 0) |
      (tightened > 0 && tightened <= length ? flagBit(TIGHT) : 0);
    if (flags !== ws.flags) {
      ws.flags = flags;
      ws.reach.clear();
    }
    collectOfLength(ws, length, limit, skip, out);
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
