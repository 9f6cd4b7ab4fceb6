/**
 * The tag universe (docs/semantics.md): what counts as a valid image tag.
 *
 * @module
 */

/**
 * A valid image tag, as the OCI distribution spec defines it. Every semantic comparison ranges
 * over exactly these strings, so a difference that needs an invalid tag is no difference.
 */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The longest valid tag. Kept next to {@link TAG_PATTERN}, whose `{0,127}` it restates. */
export const TAG_MAX_LENGTH = 128;

/** True when `tag` is a valid OCI image tag. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/**
 * Every character a tag may contain, in ASCII order. The automata of `compare.ts` enumerate
 * witnesses in this order, so it must stay sorted.
 */
export const TAG_CHARS: readonly string[] = [
  '-',
  '.',
  ...'0123456789',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '_',
  ...'abcdefghijklmnopqrstuvwxyz',
];

/** True for a character that may start a tag (`.` and `-` may not). */
export function isTagFirstChar(ch: string): boolean {
  return ch !== '.' && ch !== '-' && TAG_CHARS.includes(ch);
}
