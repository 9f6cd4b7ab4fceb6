/**
 * A deterministic automaton for one exclusion filter, built directly (no subset construction).
 *
 * A glob `s0 * s1 * … * sn` matches a tag iff the tag starts with `s0`, then holds `s1`, …,
 * `s(n-1)` in order without overlap, and ends with `sn`; placing each middle segment at its
 * leftmost possible occurrence is always safe. So the automaton only needs the current phase
 * (which segment it is looking for) and, within a phase, how much of the segment the text
 * read so far ends with: the Knuth–Morris–Pratt automaton of that segment. Its size is linear
 * in the filter (≤ 2 + characters + minimum star gaps), and a transition is a table lookup.
 *
 * @module
 */
import { type GlobShape, splitGlob } from './glob.ts';

/** The state from which the filter can no longer match. */
export const DEAD = 0;
/** The state from which the filter matches whatever follows (its trailing `*` was reached). */
export const UNIVERSAL = 1;
/** Stands for any character that none of a filter's literals name. */
export const OTHER = -4;

/** Stands for "never": more characters than any tag has, yet safe to add up. */
export const UNREACHABLE_LENGTH = 1 << 20;

/** Folded character codes at or above this bound are never tag characters. */
const CODE_LIMIT = 128;

/** One filter's automaton; transitions are filled in as they are first needed. */
export interface FilterAutomaton {
  readonly start: number;
  readonly stateCount: number;
  readonly accepting: Uint8Array;
  /**
   * Per state: the fewest characters that lead to an accepting state ({@link UNREACHABLE_LENGTH}
   * from {@link DEAD}). A lower bound that lets searches drop states that cannot finish a tag
   * of at most 128 characters, or not in fewer characters than a search is after.
   */
  readonly minRemain: Int32Array;
  /** Per state, once asked for: see {@link pendingCodes}. */
  readonly pending: (readonly number[] | undefined)[];
  /** Column of a folded code below {@link CODE_LIMIT} in `table`; 0 is "other". */
  readonly column: Uint8Array;
  /** Columns of `table`: the filter's distinct tag-range codes, plus "other". */
  readonly width: number;
  /** Transitions, stored plus one so that the zero a new array holds means "not computed". */
  readonly table: Int32Array;
  readonly shape: GlobShape;
  /** Per state: its phase (segment index) and position (`k ≥ 0`) or remaining gap (`-r`). */
  readonly phase: Int32Array;
  readonly pos: Int32Array;
  /** Per phase: the first state id of its gap states and of its segment states. */
  readonly gapBase: readonly number[];
  readonly segBase: readonly number[];
  /** Per segment: its KMP failure function (longest proper border of each prefix). */
  readonly fail: readonly Int32Array[];
}

function failureOf(seg: readonly number[]): Int32Array {
  const fail = new Int32Array(seg.length + 1);
  let k = 0;
  for (let i = 1; i < seg.length; i++) {
    while (k > 0 && seg[i] !== seg[k]) k = fail[k] as number;
    if (seg[i] === seg[k]) k++;
    fail[i + 1] = k;
  }
  return fail;
}

/** Builds the automaton of `filter`. */
export function buildFilterAutomaton(filter: string): FilterAutomaton {
  const shape = splitGlob(filter);
  const { segments, gaps } = shape;
  const last = segments.length - 1;
  const phase: number[] = [-1, -1];
  const pos: number[] = [0, 0];
  const gapBase: number[] = [];
  const segBase: number[] = [];
  segments.forEach((seg, i) => {
    gapBase.push(phase.length);
    const gap = i === 0 ? 0 : (gaps[i - 1] as number);
    for (let r = gap; r >= 1; r--) {
      phase.push(i);
      pos.push(-r);
    }
    segBase.push(phase.length);
    // A middle segment's full match moves on to the next phase at once, so it is no state;
    // the first segment likewise unless the filter has no `*` (then it is the accepting end).
    const states = i === last ? (i > 0 && seg.length === 0 ? 0 : seg.length + 1) : seg.length;
    for (let k = 0; k < states; k++) {
      phase.push(i);
      pos.push(k);
    }
  });
  const stateCount = phase.length;
  const fail = segments.map(failureOf);
  const accepting = new Uint8Array(stateCount);
  accepting[UNIVERSAL] = 1;
  const lastLength = (segments[last] as number[]).length;
  if (lastLength > 0 || last === 0) accepting[(segBase[last] as number) + lastLength] = 1;

  const minRemain = remainingLengths(shape, Int32Array.from(phase), Int32Array.from(pos));
  const codes = [...new Set(segments.flat())].filter((c) => c < CODE_LIMIT).sort((x, y) => x - y);
  const column = new Uint8Array(CODE_LIMIT);
  codes.forEach((c, i) => {
    column[c] = i + 1;
  });
  const width = codes.length + 1;
  const automaton: FilterAutomaton = {
    start: DEAD,
    stateCount,
    accepting,
    minRemain,
    pending: [],
    column,
    width,
    table: new Int32Array(stateCount * width),
    shape,
    phase: Int32Array.from(phase),
    pos: Int32Array.from(pos),
    gapBase,
    segBase,
    fail,
  };
  // The start is found with the same helpers as every other state, so it is filled in last.
  const start =
    last === 0 || (segments[0] as number[]).length > 0
      ? segState(automaton, 0, 0)
      : enter(automaton, 1);
  return { ...automaton, start };
}

/**
 * The fewest characters from each state to acceptance: the rest of the current segment (the
 * longest partial match is the best start a later occurrence can have), then every later gap and
 * segment at its shortest.
 */
function remainingLengths(shape: GlobShape, phase: Int32Array, pos: Int32Array): Int32Array {
  const { segments, gaps } = shape;
  // after[p]: the fewest characters of the gaps and segments that follow segment p.
  const after = new Array<number>(segments.length).fill(0);
  for (let p = segments.length - 2; p >= 0; p--) {
    after[p] =
      (after[p + 1] as number) + (gaps[p] as number) + (segments[p + 1] as number[]).length;
  }
  const out = new Int32Array(phase.length);
  out[DEAD] = UNREACHABLE_LENGTH;
  out[UNIVERSAL] = 0;
  for (let s = UNIVERSAL + 1; s < phase.length; s++) {
    const p = phase[s] as number;
    const k = pos[s] as number;
    const len = (segments[p] as number[]).length;
    // A gap state (k = -r) still owes r characters before the segment starts.
    out[s] = (k < 0 ? -k + len : len - k) + (after[p] as number);
  }
  return out;
}

/** The state at position `k` of segment `p`; the empty last segment is the universal state. */
function segState(a: FilterAutomaton, p: number, k: number): number {
  const last = a.shape.segments.length - 1;
  if (p === last && p > 0 && (a.shape.segments[p] as number[]).length === 0) return UNIVERSAL;
  return (a.segBase[p] as number) + k;
}

/** The state just after the `*` run before segment `p` was reached. */
function enter(a: FilterAutomaton, p: number): number {
  const gap = a.shape.gaps[p - 1] as number;
  return gap > 0 ? (a.gapBase[p] as number) : segState(a, p, 0);
}

function computeStep(a: FilterAutomaton, state: number, code: number): number {
  if (state === DEAD || state === UNIVERSAL) return state;
  const p = a.phase[state] as number;
  const k = a.pos[state] as number;
  const seg = a.shape.segments[p] as number[];
  const last = a.shape.segments.length - 1;
  if (k < 0) return k === -1 ? segState(a, p, 0) : state + 1;
  if (p === 0) {
    if (k >= seg.length || seg[k] !== code) return DEAD;
    return k + 1 === seg.length && last > 0 ? enter(a, 1) : segState(a, 0, k + 1);
  }
  const fail = a.fail[p] as Int32Array;
  let j = k;
  while (j > 0 && (j === seg.length || seg[j] !== code)) j = fail[j] as number;
  const next = j < seg.length && seg[j] === code ? j + 1 : 0;
  return next === seg.length && p < last ? enter(a, p + 1) : segState(a, p, next);
}

/** The state after reading a character of folded code `code` ({@link OTHER} for any unnamed one). */
export function filterStep(a: FilterAutomaton, state: number, code: number): number {
  const col = code >= 0 && code < CODE_LIMIT ? (a.column[code] as number) : 0;
  const slot = state * a.width + col;
  const stored = a.table[slot] as number;
  if (stored !== 0) return stored - 1;
  const next = computeStep(a, state, col === 0 ? OTHER : code);
  a.table[slot] = next + 1;
  return next;
}

/**
 * The character codes (below {@link CODE_LIMIT}) on which `state` moves differently than on
 * {@link OTHER}: at most `width - 1` of them. A product of several automata only needs to branch
 * on the union of these.
 */
export function pendingCodes(a: FilterAutomaton, state: number): readonly number[] {
  const known = a.pending[state];
  if (known !== undefined) return known;
  const found: number[] = [];
  const p = a.phase[state] as number;
  const k = a.pos[state] as number;
  const seg = a.shape.segments[p];
  const add = (c: number) => {
    if (c < CODE_LIMIT && !found.includes(c)) found.push(c);
  };
  if (seg !== undefined && k >= 0) {
    if (p === 0) {
      if (k < seg.length) add(seg[k] as number);
    } else {
      // Every border of the matched part can be extended: those characters all matter.
      const fail = a.fail[p] as Int32Array;
      for (let j = k; ; j = fail[j] as number) {
        if (j < seg.length) add(seg[j] as number);
        if (j === 0) break;
      }
    }
  }
  a.pending[state] = found;
  return found;
}
