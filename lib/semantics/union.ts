/**
 * The union automaton of one configuration's filters: a deterministic automaton whose state is
 * the tuple of its filters' states, explored lazily. It answers "does some filter match the text
 * read so far", hence which tags the configuration makes immutable.
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
} from './automaton.ts';
import { foldCode } from './glob.ts';
import { isTagFirstChar, TAG_CHARS } from './tags.ts';

/** The code of the edge taken by every character no other edge of the state names. */
export const OTHER_CODE = OTHER;
/** Folded codes of tag characters are ASCII. */
export const CODE_LIMIT = 128;
/** 1 for the folded code of a tag character, 2 for one that may also start a tag. */
export const CODE_KIND = new Uint8Array(CODE_LIMIT);
for (const ch of TAG_CHARS) {
  const code = foldCode(ch.charCodeAt(0));
  CODE_KIND[code] = Math.max(CODE_KIND[code] as number, isTagFirstChar(ch) ? 2 : 1);
}
/** How many distinct folded codes tag characters have. */
export const TAG_CODE_COUNT = CODE_KIND.filter((k) => k > 0).length;
/** How many distinct folded codes the characters that may start a tag have. */
export const FIRST_CODE_COUNT = CODE_KIND.filter((k) => k === 2).length;
const NOT_EXPANDED = -1;
const EMPTY_SLOT = -1;

/** One configuration's union automaton and its explored part. State 0 is the empty string. */
export interface UnionDfa {
  readonly width: number;
  readonly automata: readonly FilterAutomaton[];
  count: number;
  tuples: Int32Array;
  /** Per state: 1 when some filter matches the text that leads there. */
  matched: Uint8Array;
  /** Per state: its outgoing edges are `edgeStart[id]` to `edgeEnd[id]` (exclusive). */
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  edgeCode: Int32Array;
  edgeTarget: Int32Array;
  edgeCount: number;
  /** Open-addressing table from tuple hash to state id. */
  slots: Int32Array;
  /** Scratch: the "other" successor being derived from. */
  readonly other: Int32Array;
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

/** Builds the union automaton of `filters`, holding only its start state. */
export function createUnionDfa(filters: readonly string[]): UnionDfa {
  // The same filter twice matches the same tags: one automaton is enough.
  const automata = [...new Set(filters)].map(buildFilterAutomaton);
  const width = automata.length;
  // A filter state waits for at most `width - 1` codes, so this many pairs always fit.
  const pairCapacity = automata.reduce((n, f) => n + f.width - 1, 0) + 1;
  const dfa: UnionDfa = {
    width,
    automata,
    count: 0,
    tuples: new Int32Array(64 * Math.max(1, width)),
    matched: new Uint8Array(64),
    edgeStart: new Int32Array(64).fill(NOT_EXPANDED),
    edgeEnd: new Int32Array(64),
    edgeCode: new Int32Array(256),
    edgeTarget: new Int32Array(256),
    edgeCount: 0,
    slots: new Int32Array(64).fill(EMPTY_SLOT),
    other: new Int32Array(width),
    head: new Int32Array(CODE_LIMIT),
    pairFilter: new Int32Array(pairCapacity),
    pairNext: new Int32Array(pairCapacity),
    undoSlot: new Int32Array(pairCapacity),
    undoState: new Int32Array(pairCapacity),
    codeMark: new Int32Array(CODE_LIMIT),
    mark: 0,
  };
  const start = Int32Array.from(automata, (f) => f.start);
  canonicalize(start);
  lookup(dfa, start, hashTuple(start, 0, width));
  return dfa;
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
export function slotIndex(hash: number, mask: number): number {
  return (hash ^ (hash >>> 16)) & mask;
}

/**
 * Canonicalizes `tuple` in place: once a filter is universal the union matches every
 * continuation, so the other filters no longer matter and all become universal. States that
 * behave the same then share one tuple.
 */
function canonicalize(tuple: Int32Array): void {
  if (!tuple.includes(UNIVERSAL)) return;
  tuple.fill(UNIVERSAL);
}

/** Appends the canonical `tuple` as a new state. */
function addState(dfa: UnionDfa, tuple: Int32Array, hash: number): number {
  const id = dfa.count++;
  const w = dfa.width;
  if (id >= dfa.matched.length) {
    dfa.tuples = grow(dfa.tuples, dfa.count * 2 * w);
    dfa.matched = grow(dfa.matched, dfa.count * 2);
    dfa.edgeStart = grow(dfa.edgeStart, dfa.count * 2, NOT_EXPANDED);
    dfa.edgeEnd = grow(dfa.edgeEnd, dfa.count * 2);
  }
  dfa.tuples.set(tuple, id * w);
  let matched = 0;
  for (let i = 0; i < w && matched === 0; i++) {
    matched = (dfa.automata[i] as FilterAutomaton).accepting[tuple[i] as number] as number;
  }
  dfa.matched[id] = matched;
  if (dfa.count * 2 > dfa.slots.length) rehash(dfa);
  else insertSlot(dfa, id, hash);
  return id;
}

function insertSlot(dfa: UnionDfa, id: number, hash: number): void {
  const mask = dfa.slots.length - 1;
  let i = slotIndex(hash, mask);
  while (dfa.slots[i] !== EMPTY_SLOT) i = (i + 1) & mask;
  dfa.slots[i] = id;
}

function rehash(dfa: UnionDfa): void {
  dfa.slots = new Int32Array(dfa.slots.length * 2).fill(EMPTY_SLOT);
  for (let id = 0; id < dfa.count; id++) {
    insertSlot(dfa, id, hashTuple(dfa.tuples, id * dfa.width, dfa.width));
  }
}

/** The id of the state with the canonical `tuple` (whose hash is `hash`), adding it when new. */
function lookup(dfa: UnionDfa, tuple: Int32Array, hash: number): number {
  const { width } = dfa;
  const mask = dfa.slots.length - 1;
  let i = slotIndex(hash, mask);
  for (;;) {
    const id = dfa.slots[i] as number;
    if (id === EMPTY_SLOT) return addState(dfa, tuple, hash);
    const base = id * width;
    let equal = true;
    for (let k = 0; k < width && equal; k++) equal = dfa.tuples[base + k] === tuple[k];
    if (equal) return id;
    i = (i + 1) & mask;
  }
}

/** True when every filter is dead or universal: the state then only leads to itself. */
export function isStableUnion(dfa: UnionDfa, id: number): boolean {
  const base = id * dfa.width;
  for (let i = 0; i < dfa.width; i++) {
    const s = dfa.tuples[base + i];
    if (s !== DEAD && s !== UNIVERSAL) return false;
  }
  return true;
}

/** The growable edge arrays of an automaton (union or product). */
export interface EdgeStore {
  edgeCode: Int32Array;
  edgeTarget: Int32Array;
  edgeCount: number;
}

/** Appends an edge, growing the arrays when full. */
export function pushEdge(store: EdgeStore, code: number, target: number): void {
  const k = store.edgeCount++;
  if (k >= store.edgeCode.length) {
    store.edgeCode = grow(store.edgeCode, store.edgeCount);
    store.edgeTarget = grow(store.edgeTarget, store.edgeCount);
  }
  store.edgeCode[k] = code;
  store.edgeTarget[k] = target;
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
export function expandUnion(dfa: UnionDfa, id: number): void {
  if (dfa.edgeStart[id] !== NOT_EXPANDED) return;
  if (isStableUnion(dfa, id)) {
    dfa.edgeStart[id] = dfa.edgeCount;
    pushEdge(dfa, OTHER_CODE, id);
    dfa.edgeEnd[id] = dfa.edgeCount;
    return;
  }
  const { width, automata, other } = dfa;
  const base = id * width;
  for (let i = 0; i < width; i++) {
    other[i] = filterStep(automata[i] as FilterAutomaton, dfa.tuples[base + i] as number, OTHER);
  }
  canonicalize(other);
  const otherHash = hashTuple(other, 0, width);

  // Group (code, filter) pairs by code: head[code] starts a list threaded through pairNext.
  dfa.mark++;
  const codes: number[] = [];
  const { pairFilter, pairNext, head, codeMark, undoSlot, undoState } = dfa;
  let pairs = 0;
  for (let i = 0; i < width; i++) {
    const pending = pendingCodes(automata[i] as FilterAutomaton, dfa.tuples[base + i] as number);
    for (let j = 0; j < pending.length; j++) {
      const c = pending[j] as number;
      if (CODE_KIND[c] === 0) continue;
      if (codeMark[c] !== dfa.mark) {
        codeMark[c] = dfa.mark;
        head[c] = -1;
        codes.push(c);
      }
      pairFilter[pairs] = i;
      pairNext[pairs] = head[c] as number;
      head[c] = pairs;
      pairs++;
    }
  }

  const targets: number[] = [];
  for (const c of codes) {
    // Build the successor in `other` itself and undo the few changes afterwards: cheaper than
    // copying the tuple for every code.
    let hash = otherHash;
    let turnedUniversal = false;
    let changed = 0;
    for (let p = head[c] as number; p >= 0; p = pairNext[p] as number) {
      const i = pairFilter[p] as number;
      const before = other[i] as number;
      const next = filterStep(automata[i] as FilterAutomaton, dfa.tuples[base + i] as number, c);
      if (next === before) continue;
      if (next === UNIVERSAL) turnedUniversal = true;
      hash = (hash + slotHash(i, next) - slotHash(i, before)) | 0;
      undoSlot[changed] = i;
      undoState[changed] = before;
      changed++;
      other[i] = next;
    }
    if (turnedUniversal) {
      const universal = new Int32Array(width).fill(UNIVERSAL);
      targets.push(lookup(dfa, universal, hashTuple(universal, 0, width)));
    } else {
      targets.push(lookup(dfa, other, hash));
    }
    for (let k = changed - 1; k >= 0; k--) other[undoSlot[k] as number] = undoState[k] as number;
  }
  const otherTarget = codes.length < TAG_CODE_COUNT ? lookup(dfa, other, otherHash) : -1;
  // Edges are written only now: computing a successor may add states, and this state's edges
  // must stay contiguous.
  dfa.edgeStart[id] = dfa.edgeCount;
  for (let k = 0; k < codes.length; k++) pushEdge(dfa, codes[k] as number, targets[k] as number);
  if (otherTarget >= 0) pushEdge(dfa, OTHER_CODE, otherTarget);
  dfa.edgeEnd[id] = dfa.edgeCount;
}

/**
 * The successor of an expanded state on a tag character of folded code `code`: its edge for
 * that code, else its "other" edge (which then exists, since the codes do not cover it).
 */
export function unionSuccessor(dfa: UnionDfa, id: number, code: number): number {
  const end = dfa.edgeEnd[id] as number;
  for (let k = dfa.edgeStart[id] as number; k < end; k++) {
    if (dfa.edgeCode[k] === code) return dfa.edgeTarget[k] as number;
  }
  return dfa.edgeTarget[end - 1] as number;
}

/** The "other" successor of an expanded state, or -1 when its codes cover every tag character. */
export function unionOther(dfa: UnionDfa, id: number): number {
  const end = dfa.edgeEnd[id] as number;
  return end > (dfa.edgeStart[id] as number) && dfa.edgeCode[end - 1] === OTHER_CODE
    ? (dfa.edgeTarget[end - 1] as number)
    : -1;
}
