/**
 * The product of the expected (E) and actual (A) union automata, explored lazily. State
 * {@link START} is the empty string: its successors are limited to the characters that may start
 * a tag, and it is never a tag itself. Every other state is a pair (E state, A state) reached by
 * a non-empty string of tag characters.
 *
 * @module
 */
import {
  CODE_KIND,
  CODE_LIMIT,
  expandUnion,
  FIRST_CODE_COUNT,
  grow,
  isStableUnion,
  OTHER_CODE,
  pushEdge,
  slotIndex,
  TAG_CODE_COUNT,
  type UnionDfa,
  unionOther,
  unionSuccessor,
} from './union.ts';

/** The id of the empty string. */
export const START = 0;
/** Difference flag of a state: the tags leading there have the same mutability under E and A. */
export const SAME = 0;
/** Difference flag: immutable under E, mutable under A (A loosened them). */
export const LOOSE = 1;
/** Difference flag: mutable under E, immutable under A (A tightened them). */
export const TIGHT = 2;

const NOT_EXPANDED = -1;
const EMPTY_SLOT = -1;

/** What a match of a side's union automaton means: whether the tag is then immutable. */
export interface Reading {
  readonly immIfMatched: boolean;
  readonly immIfUnmatched: boolean;
}

/** The product automaton and its explored part. */
export interface Product {
  readonly e: UnionDfa;
  readonly a: UnionDfa;
  readonly eReading: Reading;
  readonly aReading: Reading;
  count: number;
  pe: Int32Array;
  pa: Int32Array;
  diff: Uint8Array;
  /** Per state: its outgoing edges are `edgeStart[id]` to `edgeEnd[id]` (exclusive). */
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  edgeCode: Int32Array;
  edgeTarget: Int32Array;
  edgeCount: number;
  /** Open-addressing table from pair hash to state id. */
  slots: Int32Array;
  readonly codeMark: Int32Array;
  mark: number;
}

/**
 * Builds the product of two union automata (which may be one and the same, and may be shared
 * with other products: their explored states are reused), holding only the start state.
 */
export function createProduct(
  e: UnionDfa,
  eReading: Reading,
  a: UnionDfa,
  aReading: Reading,
): Product {
  const prod: Product = {
    e,
    a,
    eReading,
    aReading,
    count: 0,
    pe: new Int32Array(64),
    pa: new Int32Array(64),
    diff: new Uint8Array(64),
    edgeStart: new Int32Array(64).fill(NOT_EXPANDED),
    edgeEnd: new Int32Array(64),
    edgeCode: new Int32Array(256),
    edgeTarget: new Int32Array(256),
    edgeCount: 0,
    slots: new Int32Array(256).fill(EMPTY_SLOT),
    codeMark: new Int32Array(CODE_LIMIT),
    mark: 0,
  };
  addState(prod, 0, 0, true);
  return prod;
}

function pairHash(e: number, a: number): number {
  let x = Math.imul(e, 0x9e3779b1) ^ Math.imul(a + 0x7f4a7c15, 0x85ebca77);
  x ^= x >>> 15;
  return Math.imul(x, 0x2c1b3c6d);
}

/** Appends the pair (e, a) as a new state. The start is never entered in the table. */
function addState(prod: Product, e: number, a: number, isStart: boolean): number {
  const id = prod.count++;
  if (id >= prod.diff.length) {
    prod.pe = grow(prod.pe, prod.count * 2);
    prod.pa = grow(prod.pa, prod.count * 2);
    prod.diff = grow(prod.diff, prod.count * 2);
    prod.edgeStart = grow(prod.edgeStart, prod.count * 2, NOT_EXPANDED);
    prod.edgeEnd = grow(prod.edgeEnd, prod.count * 2);
  }
  prod.pe[id] = e;
  prod.pa[id] = a;
  const { eReading, aReading } = prod;
  const immE = prod.e.matched[e] === 1 ? eReading.immIfMatched : eReading.immIfUnmatched;
  const immA = prod.a.matched[a] === 1 ? aReading.immIfMatched : aReading.immIfUnmatched;
  prod.diff[id] = isStart || immE === immA ? SAME : immE ? LOOSE : TIGHT;
  if (!isStart) {
    if (prod.count * 2 > prod.slots.length) rehash(prod);
    else insertSlot(prod, id);
  }
  return id;
}

function insertSlot(prod: Product, id: number): void {
  const mask = prod.slots.length - 1;
  let i = slotIndex(pairHash(prod.pe[id] as number, prod.pa[id] as number), mask);
  while (prod.slots[i] !== EMPTY_SLOT) i = (i + 1) & mask;
  prod.slots[i] = id;
}

function rehash(prod: Product): void {
  prod.slots = new Int32Array(prod.slots.length * 2).fill(EMPTY_SLOT);
  for (let id = START + 1; id < prod.count; id++) insertSlot(prod, id);
}

/** The id of the pair (e, a), adding it when new. */
function pairId(prod: Product, e: number, a: number): number {
  const mask = prod.slots.length - 1;
  let i = slotIndex(pairHash(e, a), mask);
  for (;;) {
    const id = prod.slots[i] as number;
    if (id === EMPTY_SLOT) return addState(prod, e, a, false);
    if (prod.pe[id] === e && prod.pa[id] === a) return id;
    i = (i + 1) & mask;
  }
}

/**
 * Computes the outgoing edges of a state, once: one per character code either side's state
 * names, then one {@link OTHER_CODE} edge, last, for all remaining characters when there are
 * any. A state where both sides are stable gets a single `OTHER_CODE` edge to itself.
 */
export function expand(prod: Product, id: number): void {
  if (prod.edgeStart[id] !== NOT_EXPANDED) return;
  const { e: de, a: da } = prod;
  const e = prod.pe[id] as number;
  const a = prod.pa[id] as number;
  if (id !== START && isStableUnion(de, e) && isStableUnion(da, a)) {
    prod.edgeStart[id] = prod.edgeCount;
    pushEdge(prod, OTHER_CODE, id);
    prod.edgeEnd[id] = prod.edgeCount;
    return;
  }
  expandUnion(de, e);
  expandUnion(da, a);
  const minKind = id === START ? 2 : 1;
  const eOther = unionOther(de, e);
  const aOther = unionOther(da, a);
  prod.mark++;
  const codes: number[] = [];
  const targets: number[] = [];
  for (let k = de.edgeStart[e] as number; k < (de.edgeEnd[e] as number); k++) {
    const c = de.edgeCode[k] as number;
    if (c === OTHER_CODE || (CODE_KIND[c] as number) < minKind) continue;
    prod.codeMark[c] = prod.mark;
    codes.push(c);
    targets.push(pairId(prod, de.edgeTarget[k] as number, unionSuccessor(da, a, c)));
  }
  for (let k = da.edgeStart[a] as number; k < (da.edgeEnd[a] as number); k++) {
    const c = da.edgeCode[k] as number;
    if (c === OTHER_CODE || (CODE_KIND[c] as number) < minKind) continue;
    if (prod.codeMark[c] === prod.mark) continue;
    codes.push(c);
    // E does not name c, so it has an "other" edge.
    targets.push(pairId(prod, eOther, da.edgeTarget[k] as number));
  }
  const allowed = id === START ? FIRST_CODE_COUNT : TAG_CODE_COUNT;
  // An unnamed character exists, so neither side names it: both have an "other" edge.
  const otherTarget = codes.length < allowed ? pairId(prod, eOther, aOther) : -1;
  prod.edgeStart[id] = prod.edgeCount;
  for (let k = 0; k < codes.length; k++) pushEdge(prod, codes[k] as number, targets[k] as number);
  if (otherTarget >= 0) pushEdge(prod, OTHER_CODE, otherTarget);
  prod.edgeEnd[id] = prod.edgeCount;
}

/** Whether {@link expand} has run for the state. */
export function isExpanded(prod: Product, id: number): boolean {
  return prod.edgeStart[id] !== NOT_EXPANDED;
}

/**
 * True when no tag through this state, however it goes on, is immutable under E and mutable
 * under A: a side that is stable (dead or universal) has settled its answer, and it is the
 * wrong one. A search for the "loosened" flag alone need not go further from here.
 */
export function cannotLoosen(prod: Product, id: number): boolean {
  if (id === START) return false;
  const e = prod.pe[id] as number;
  const a = prod.pa[id] as number;
  const { eReading, aReading } = prod;
  if (isStableUnion(prod.e, e)) {
    const immE = prod.e.matched[e] === 1 ? eReading.immIfMatched : eReading.immIfUnmatched;
    if (!immE) return true;
  }
  if (isStableUnion(prod.a, a)) {
    const immA = prod.a.matched[a] === 1 ? aReading.immIfMatched : aReading.immIfUnmatched;
    if (immA) return true;
  }
  return false;
}
