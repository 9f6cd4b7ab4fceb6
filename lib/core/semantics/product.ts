/**
 * The joint automaton of the expected (E) and actual (A) configurations: one deterministic
 * automaton whose state is the tuple of the states of the DISTINCT filters of both sides, each
 * filter marked with the sides it belongs to, explored lazily. A filter both sides have is
 * tracked once, so near-identical configurations cost hardly more than one of them.
 *
 * State {@link START} is the empty string: its successors are limited to the characters that may
 * start a tag, and it is never a tag itself. Every other state is reached by a non-empty string
 * of tag characters; per state, each side is matched when one of its filters accepts, and its
 * {@link Reading} turns that into immutability, hence the state's difference flag.
 *
 * Everything lives in flat typed arrays with an open-addressing table of tuples, because the
 * comparison's worst cases visit thousands of states and must stay in the low milliseconds.
 *
 * @module
 */
import {
  buildFilterAutomaton,
  DEAD,
  type FilterAutomaton,
  filterStep,
  OTHER,
  pendingCodes,
  UNIVERSAL,
  UNREACHABLE_LENGTH,
} from './automaton.ts';
import { foldCode } from './glob.ts';
import { isTagFirstChar, TAG_CHARS } from './tags.ts';

/** The id of the empty string. */
export const START = 0;
/** Difference flag of a state: the tags leading there have the same mutability under E and A. */
const SAME = 0;
/** Difference flag: immutable under E, mutable under A (A loosened them). */
export const LOOSE = 1;
/** Difference flag: mutable under E, immutable under A (A tightened them). */
export const TIGHT = 2;
/**
 * A length bound meaning "no tag of at most 128 characters": bounds are stored in bytes, and
 * anything past 128 characters is as good as never.
 */
export const BEYOND = 255;
/** The code of the edge taken by every character no other edge of the state names. */
export const OTHER_CODE = OTHER;

/** Folded codes of tag characters are ASCII. */
const CODE_LIMIT = 128;
/** 1 for the folded code of a tag character, 2 for one that may also start a tag. */
const CODE_KIND = new Uint8Array(CODE_LIMIT);
for (const ch of TAG_CHARS) {
  const code = foldCode(ch.charCodeAt(0));
  CODE_KIND[code] = Math.max(CODE_KIND[code] as number, isTagFirstChar(ch) ? 2 : 1);
}
/** How many distinct folded codes tag characters have. */
const TAG_CODE_COUNT = CODE_KIND.filter((k) => k > 0).length;
/** How many distinct folded codes the characters that may start a tag have. */
const FIRST_CODE_COUNT = CODE_KIND.filter((k) => k === 2).length;
const NOT_EXPANDED = -1;
const EMPTY_SLOT = -1;
/** Side bits of a filter: which configurations have it. */
const SIDE_E = 1;
const SIDE_A = 2;

/** What a match of a side's filters means: whether the tag is then immutable. */
export interface Reading {
  readonly immIfMatched: boolean;
  readonly immIfUnmatched: boolean;
}

/** The joint automaton and its explored part. */
export interface Product {
  readonly eReading: Reading;
  readonly aReading: Reading;
  readonly width: number;
  readonly automata: readonly FilterAutomaton[];
  /** Per filter: the sides that have it ({@link SIDE_E}, {@link SIDE_A} bits). */
  readonly sides: Uint8Array;
  /** How many states the filters' own automata have together: the scale of "blown up". */
  readonly filterStates: number;
  count: number;
  tuples: Int32Array;
  diff: Uint8Array;
  /**
   * Per state: at least how many more characters lead to a {@link LOOSE} (resp. {@link TIGHT})
   * state, {@link BEYOND} when none can. Searches drop the states that cannot finish in time.
   */
  untilLoose: Uint8Array;
  untilTight: Uint8Array;
  /** Per state: its outgoing edges are `edgeStart[id]` to `edgeEnd[id]` (exclusive). */
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  edgeCode: Int32Array;
  edgeTarget: Int32Array;
  edgeCount: number;
  /** Open-addressing table from tuple hash to state id; the start is never entered. */
  slots: Int32Array;
  /**
   * Scratch: the "other" successor being derived from, the same before canonicalizing, and a
   * successor built afresh.
   */
  readonly other: Int32Array;
  readonly rawOther: Int32Array;
  readonly fresh: Int32Array;
  /** Scratch lists grouping (code, filter) pairs by code. */
  readonly head: Int32Array;
  readonly pairFilter: Int32Array;
  readonly pairNext: Int32Array;
  /** Scratch undo log of the slots changed while deriving one successor. */
  readonly undoSlot: Int32Array;
  readonly undoState: Int32Array;
  readonly codeMark: Int32Array;
  mark: number;
}

/** Grows a typed array to at least `minLength` (doubling), filling new room with `fill`. */
export function grow<T extends Int32Array | Uint8Array>(
  array: T,
  minLength: number,
  fill?: number,
): T {
  if (array.length >= minLength) return array;
  let length = Math.max(16, array.length);
  while (length < minLength) length *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  if (fill !== undefined) bigger.fill(fill, array.length);
  return bigger;
}

/** The distinct filters of both sides, each with its side bits, in first-seen order. */
function distinctFilters(
  filtersE: readonly string[],
  filtersA: readonly string[],
): Map<string, number> {
  const sides = new Map<string, number>();
  for (const f of filtersE) sides.set(f, SIDE_E);
  for (const f of filtersA) sides.set(f, (sides.get(f) ?? 0) | SIDE_A);
  return sides;
}

/**
 * Builds the joint automaton of E's filters read by `eReading` and A's read by `aReading`,
 * holding only the start state. `build` makes a filter's automaton; products of one comparison
 * may share them, since automata only ever fill in their own lazy tables.
 */
export function createProduct(
  filtersE: readonly string[],
  eReading: Reading,
  filtersA: readonly string[],
  aReading: Reading,
  build: (filter: string) => FilterAutomaton = buildFilterAutomaton,
): Product {
  const distinct = distinctFilters(filtersE, filtersA);
  const automata = [...distinct.keys()].map(build);
  const width = automata.length;
  // A filter state waits for at most `width - 1` codes, so this many pairs always fit.
  const pairCapacity = automata.reduce((n, f) => n + f.width - 1, 0) + 1;
  const prod: Product = {
    eReading,
    aReading,
    width,
    automata,
    sides: Uint8Array.from(distinct.values()),
    filterStates: automata.reduce((n, f) => n + f.stateCount, 0),
    count: 0,
    tuples: new Int32Array(64 * Math.max(1, width)),
    diff: new Uint8Array(64),
    untilLoose: new Uint8Array(64),
    untilTight: new Uint8Array(64),
    edgeStart: new Int32Array(64).fill(NOT_EXPANDED),
    edgeEnd: new Int32Array(64),
    edgeCode: new Int32Array(256),
    edgeTarget: new Int32Array(256),
    edgeCount: 0,
    slots: new Int32Array(64).fill(EMPTY_SLOT),
    other: new Int32Array(width),
    rawOther: new Int32Array(width),
    fresh: new Int32Array(width),
    head: new Int32Array(CODE_LIMIT),
    pairFilter: new Int32Array(pairCapacity),
    pairNext: new Int32Array(pairCapacity),
    undoSlot: new Int32Array(pairCapacity),
    undoState: new Int32Array(pairCapacity),
    codeMark: new Int32Array(CODE_LIMIT),
    mark: 0,
  };
  const start = Int32Array.from(automata, (f) => f.start);
  canonicalize(prod, start);
  addState(prod, start, 0, true);
  return prod;
}

/** One slot's share of a tuple hash; a tuple's hash is the sum, so a change is cheap to apply. */
function slotHash(slot: number, state: number): number {
  let x = Math.imul(state ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(slot + 1, 0x85ebca77);
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d);
  return x ^ (x >>> 12);
}

function hashTuple(tuple: Int32Array, from: number, width: number): number {
  let h = 0;
  for (let i = 0; i < width; i++) h = (h + slotHash(i, tuple[from + i] as number)) | 0;
  return h;
}

/** Index in a power-of-two table for a hash. */
function slotIndex(hash: number, mask: number): number {
  return (hash ^ (hash >>> 16)) & mask;
}

/** The sides that some universal filter of `tuple` belongs to: they match whatever follows. */
function universalSides(prod: Product, tuple: Int32Array, from: number): number {
  let sides = 0;
  for (let i = 0; i < prod.width; i++) {
    if (tuple[from + i] === UNIVERSAL) sides |= prod.sides[i] as number;
  }
  return sides;
}

/**
 * Canonicalizes `tuple` in place: once a side has a universal filter it matches every
 * continuation, so its other filters no longer matter to it, and a filter that matters to no
 * side any more becomes universal too. States that behave the same then share one tuple. A
 * filter the other side also has keeps counting for that side. Returns whether it changed.
 */
function canonicalize(prod: Product, tuple: Int32Array): boolean {
  const settled = universalSides(prod, tuple, 0);
  if (settled === 0) return false;
  let changed = false;
  for (let i = 0; i < prod.width; i++) {
    if (((prod.sides[i] as number) & ~settled) === 0 && tuple[i] !== UNIVERSAL) {
      tuple[i] = UNIVERSAL;
      changed = true;
    }
  }
  return changed;
}

/**
 * The fewest characters from a state to one where a filter of `side` (a side bit) accepts; with
 * `alone`, only a filter the other side does not have.
 */
function untilMatched(prod: Product, tuple: Int32Array, side: number, alone = false): number {
  let until = UNREACHABLE_LENGTH;
  for (let i = 0; i < prod.width; i++) {
    const sides = prod.sides[i] as number;
    if ((sides & side) === 0 || (alone && sides !== side)) continue;
    const remain = (prod.automata[i] as FilterAutomaton).minRemain[tuple[i] as number] as number;
    if (remain < until) until = remain;
  }
  return until;
}

/** How far a side is from a match: through any of its filters, and through its own alone. */
interface SideDistance {
  readonly any: number;
  readonly alone: number;
  /** Whether it matches for good (a universal filter). */
  readonly forGood: boolean;
}

/** Whether a reading gives mutability `immutable` when matched, and when unmatched. */
function gives(reading: Reading, immutable: boolean): [boolean, boolean] {
  return [reading.immIfMatched === immutable, reading.immIfUnmatched === immutable];
}

/**
 * At least how many more characters take a side to mutability `immutable` while the other side
 * has mutability `otherImmutable`: none if either reading gives it; the way to a match if only a
 * match does (and only through its own filters if the other side must not match, since a
 * filter both have would match it too); one character if only no match does and a filter
 * matches now.
 */
function untilImmutability(
  reading: Reading,
  immutable: boolean,
  side: SideDistance,
  otherReading: Reading,
  otherImmutable: boolean,
): number {
  const [ifMatched, ifUnmatched] = gives(reading, immutable);
  if (ifMatched && ifUnmatched) return 0;
  if (ifMatched) {
    const [otherIfMatched, otherIfUnmatched] = gives(otherReading, otherImmutable);
    return otherIfUnmatched && !otherIfMatched ? side.alone : side.any;
  }
  if (!ifUnmatched || side.forGood) return BEYOND;
  return side.any === 0 ? 1 : 0;
}

/** At least how many more characters lead to E having `immE` and A the opposite. */
function untilDiffering(prod: Product, e: SideDistance, a: SideDistance, immE: boolean): number {
  const { eReading, aReading } = prod;
  return Math.max(
    untilImmutability(eReading, immE, e, aReading, !immE),
    untilImmutability(aReading, !immE, a, eReading, immE),
  );
}

/** Appends the canonical `tuple` as a new state, with its flag and bounds. */
function addState(prod: Product, tuple: Int32Array, hash: number, isStart: boolean): number {
  const id = prod.count++;
  const w = prod.width;
  if (id >= prod.diff.length) {
    prod.tuples = grow(prod.tuples, prod.count * 2 * w);
    prod.diff = grow(prod.diff, prod.count * 2);
    prod.untilLoose = grow(prod.untilLoose, prod.count * 2);
    prod.untilTight = grow(prod.untilTight, prod.count * 2);
    prod.edgeStart = grow(prod.edgeStart, prod.count * 2, NOT_EXPANDED);
    prod.edgeEnd = grow(prod.edgeEnd, prod.count * 2);
  }
  prod.tuples.set(tuple, id * w);
  const { eReading, aReading } = prod;
  const toE = untilMatched(prod, tuple, SIDE_E);
  const toA = untilMatched(prod, tuple, SIDE_A);
  const settled = universalSides(prod, tuple, 0);
  const e: SideDistance = {
    any: toE,
    alone: untilMatched(prod, tuple, SIDE_E, true),
    forGood: (settled & SIDE_E) !== 0,
  };
  const a: SideDistance = {
    any: toA,
    alone: untilMatched(prod, tuple, SIDE_A, true),
    forGood: (settled & SIDE_A) !== 0,
  };
  const immE = toE === 0 ? eReading.immIfMatched : eReading.immIfUnmatched;
  const immA = toA === 0 ? aReading.immIfMatched : aReading.immIfUnmatched;
  prod.diff[id] = isStart || immE === immA ? SAME : immE ? LOOSE : TIGHT;
  // The empty string is no tag: from the start, a tag needs at least one character.
  const least = isStart ? 1 : 0;
  prod.untilLoose[id] = Math.min(BEYOND, Math.max(least, untilDiffering(prod, e, a, true)));
  prod.untilTight[id] = Math.min(BEYOND, Math.max(least, untilDiffering(prod, e, a, false)));
  if (!isStart) {
    if (prod.count * 2 > prod.slots.length) rehash(prod);
    else insertSlot(prod, id, hash);
  }
  return id;
}

function insertSlot(prod: Product, id: number, hash: number): void {
  const mask = prod.slots.length - 1;
  let i = slotIndex(hash, mask);
  while (prod.slots[i] !== EMPTY_SLOT) i = (i + 1) & mask;
  prod.slots[i] = id;
}

function rehash(prod: Product): void {
  prod.slots = new Int32Array(prod.slots.length * 2).fill(EMPTY_SLOT);
  for (let id = START + 1; id < prod.count; id++) {
    insertSlot(prod, id, hashTuple(prod.tuples, id * prod.width, prod.width));
  }
}

/** The id of the state with the canonical `tuple` (whose hash is `hash`), adding it when new. */
function lookup(prod: Product, tuple: Int32Array, hash: number): number {
  const { width } = prod;
  const mask = prod.slots.length - 1;
  let i = slotIndex(hash, mask);
  for (;;) {
    const id = prod.slots[i] as number;
    if (id === EMPTY_SLOT) return addState(prod, tuple, hash, false);
    const base = id * width;
    let equal = true;
    for (let k = 0; k < width && equal; k++) equal = prod.tuples[base + k] === tuple[k];
    if (equal) return id;
    i = (i + 1) & mask;
  }
}

/** True when every filter is dead or universal: the state then only leads to itself. */
function isStable(prod: Product, id: number): boolean {
  const base = id * prod.width;
  for (let i = 0; i < prod.width; i++) {
    const s = prod.tuples[base + i];
    if (s !== DEAD && s !== UNIVERSAL) return false;
  }
  return true;
}

/** Appends an edge, growing the arrays when full. */
function pushEdge(prod: Product, code: number, target: number): void {
  const k = prod.edgeCount++;
  if (k >= prod.edgeCode.length) {
    prod.edgeCode = grow(prod.edgeCode, prod.edgeCount);
    prod.edgeTarget = grow(prod.edgeTarget, prod.edgeCount);
  }
  prod.edgeCode[k] = code;
  prod.edgeTarget[k] = target;
}

/**
 * Groups the (code, filter) pairs of a state by code: `head[code]` starts a list threaded
 * through `pairNext`. Returns the codes, in the order first met; only codes of characters
 * allowed here (`minKind`: 2 at the start, where a tag begins) count.
 */
function waitingCodes(prod: Product, base: number, minKind: number): number[] {
  prod.mark++;
  const codes: number[] = [];
  const { automata, pairFilter, pairNext, head, codeMark } = prod;
  let pairs = 0;
  for (let i = 0; i < prod.width; i++) {
    const pending = pendingCodes(automata[i] as FilterAutomaton, prod.tuples[base + i] as number);
    for (let j = 0; j < pending.length; j++) {
      const c = pending[j] as number;
      if ((CODE_KIND[c] as number) < minKind) continue;
      if (codeMark[c] !== prod.mark) {
        codeMark[c] = prod.mark;
        head[c] = -1;
        codes.push(c);
      }
      pairFilter[pairs] = i;
      pairNext[pairs] = head[c] as number;
      head[c] = pairs;
      pairs++;
    }
  }
  return codes;
}

/**
 * The successor on `code` built afresh and canonicalized: for the rare successors where a filter
 * turns universal, since canonicalizing may then change other filters too.
 */
function freshSuccessor(prod: Product, base: number, rawOther: Int32Array, code: number): number {
  const { fresh, automata, pairFilter, pairNext, head } = prod;
  fresh.set(rawOther);
  for (let p = head[code] as number; p >= 0; p = pairNext[p] as number) {
    const i = pairFilter[p] as number;
    fresh[i] = filterStep(automata[i] as FilterAutomaton, prod.tuples[base + i] as number, code);
  }
  canonicalize(prod, fresh);
  return lookup(prod, fresh, hashTuple(fresh, 0, prod.width));
}

/**
 * Computes the outgoing edges of a state, once: one per tag character code some filter is
 * waiting for, then one {@link OTHER_CODE} edge, last, for all remaining characters when there
 * are any. A stable state gets a single `OTHER_CODE` edge to itself.
 *
 * Most filters wait for none of a given code, so each code's successor is derived from the
 * "other" successor by redoing only the filters that wait for it, with the hash updated by
 * difference.
 */
export function expand(prod: Product, id: number): void {
  if (prod.edgeStart[id] !== NOT_EXPANDED) return;
  if (id !== START && isStable(prod, id)) {
    prod.edgeStart[id] = prod.edgeCount;
    pushEdge(prod, OTHER_CODE, id);
    prod.edgeEnd[id] = prod.edgeCount;
    return;
  }
  const { width, automata, other, undoSlot, undoState, pairFilter, pairNext, head } = prod;
  const base = id * width;
  const settled = universalSides(prod, prod.tuples, base);
  for (let i = 0; i < width; i++) {
    other[i] = filterStep(automata[i] as FilterAutomaton, prod.tuples[base + i] as number, OTHER);
  }
  const { rawOther } = prod;
  rawOther.set(other);
  // A side that turns universal on "other" changes more than the stepped filters: every
  // successor is then built afresh.
  const otherTurned = universalSides(prod, other, 0) !== settled;
  canonicalize(prod, other);
  const otherHash = hashTuple(other, 0, width);
  const codes = waitingCodes(prod, base, id === START ? 2 : 1);

  const targets: number[] = [];
  for (const c of codes) {
    // Build the successor in `other` itself and undo the few changes afterwards: cheaper than
    // copying the tuple for every code.
    let hash = otherHash;
    let turnedUniversal = otherTurned;
    let changed = 0;
    for (let p = head[c] as number; p >= 0 && !turnedUniversal; p = pairNext[p] as number) {
      const i = pairFilter[p] as number;
      const before = other[i] as number;
      const next = filterStep(automata[i] as FilterAutomaton, prod.tuples[base + i] as number, c);
      if (next === before) continue;
      if (next === UNIVERSAL) turnedUniversal = true;
      hash = (hash + slotHash(i, next) - slotHash(i, before)) | 0;
      undoSlot[changed] = i;
      undoState[changed] = before;
      changed++;
      other[i] = next;
    }
    const target = turnedUniversal ? -1 : lookup(prod, other, hash);
    for (let k = changed - 1; k >= 0; k--) other[undoSlot[k] as number] = undoState[k] as number;
    targets.push(turnedUniversal ? freshSuccessor(prod, base, rawOther, c) : target);
  }
  const allowed = id === START ? FIRST_CODE_COUNT : TAG_CODE_COUNT;
  const otherTarget = codes.length < allowed ? lookup(prod, other, otherHash) : -1;
  // Edges are written only now: computing a successor may add states, and this state's edges
  // must stay contiguous.
  prod.edgeStart[id] = prod.edgeCount;
  for (let k = 0; k < codes.length; k++) pushEdge(prod, codes[k] as number, targets[k] as number);
  if (otherTarget >= 0) pushEdge(prod, OTHER_CODE, otherTarget);
  prod.edgeEnd[id] = prod.edgeCount;
}
