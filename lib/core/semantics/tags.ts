/**
 * The tag universe (docs/semantics.md): what counts as a valid image tag. The grammar is written
 * here once — its two character classes and its length — and everything else that needs it
 * (the intake's TAG rule, the comparison's alphabet, the CLI's messages) is derived from it.
 *
 * @module
 */

/** Characters that may start a tag, as a regular-expression class body. */
const FIRST_CLASS = 'A-Za-z0-9_';

/** Characters that may follow the first, as a regular-expression class body. */
const REST_CLASS = 'A-Za-z0-9._-';

/** The longest valid tag. */
export const TAG_MAX_LENGTH = 128;

/**
 * The OCI distribution spec's tag grammar as text, without anchors, for messages.
 *
 * @example
 * ```ts
 * `not a valid image tag (${TAG_GRAMMAR})`; // ... ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})
 * ```
 */
export const TAG_GRAMMAR = `[${FIRST_CLASS}][${REST_CLASS}]{0,${TAG_MAX_LENGTH - 1}}`;

/**
 * A valid image tag, as the OCI distribution spec defines it. Every semantic comparison ranges
 * over exactly these strings, so a difference that needs an invalid tag is no difference.
 */
export const TAG_PATTERN = new RegExp(`^${TAG_GRAMMAR}$`);

const FIRST_CHAR = new RegExp(`^[${FIRST_CLASS}]$`);
const REST_CHAR = new RegExp(`^[${REST_CLASS}]$`);

/** Every ASCII character, in code order. */
const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

/**
 * Every character a tag may contain, in ASCII order. The automata of `compare.ts` enumerate
 * witnesses in this order, so it must stay sorted.
 */
export const TAG_CHARS: readonly string[] = ASCII.filter((ch) => REST_CHAR.test(ch));

/** True for a character that may start a tag (`.` and `-` may not). */
export function isTagFirstChar(ch: string): boolean {
  return FIRST_CHAR.test(ch);
}

// By character code: 0 not in a tag, 1 not first, 2 anywhere. Read by isValidTag, which runs for
// every event and is faster as a loop over this table than as TAG_PATTERN (measured).
const NOT_IN_TAG = 0;
const ANYWHERE = 2;
const KIND = new Uint8Array(128);
for (const ch of TAG_CHARS) KIND[ch.charCodeAt(0)] = isTagFirstChar(ch) ? ANYWHERE : 1;

function kindAt(tag: string, at: number): number {
  const code = tag.charCodeAt(at);
  return code < 128 ? (KIND[code] as number) : NOT_IN_TAG;
}

/** True when `tag` is a valid OCI image tag: what {@link TAG_PATTERN} matches. */
export function isValidTag(tag: string): boolean {
  const n = tag.length;
  if (n === 0 || n > TAG_MAX_LENGTH || kindAt(tag, 0) !== ANYWHERE) return false;
  for (let i = 1; i < n; i++) if (kindAt(tag, i) === NOT_IN_TAG) return false;
  return true;
}
