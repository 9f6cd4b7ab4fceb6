/**
 * Text from findings made fit for the interchange formats (ASFF, OCSF): valid Unicode, and within
 * a length limit counted as AWS's Java services and JavaScript count it, in UTF-16 code units —
 * never fewer than the characters, so a limit kept this way is kept however it is counted.
 *
 * @module
 */

/** A high (leading) surrogate: the first half of a character beyond U+FFFF. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `text` with every lone surrogate (half of a character beyond U+FFFF, which UTF-8 cannot encode)
 * replaced by U+FFFD; whole characters, even beyond U+FFFF, are kept.
 *
 * @example
 * ```ts
 * wellFormed('a\ud83db'); // 'a\ufffdb'
 * wellFormed('🚨'); // '🚨'
 * ```
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}

/**
 * `text`, {@link wellFormed}, in at most `max` UTF-16 code units: when longer, cut between two
 * characters (never inside a surrogate pair) and ended with `…`, which counts toward `max`.
 *
 * @example
 * ```ts
 * fitText('abcdef', 4); // 'abc…'
 * fitText('ab🚨', 3); // 'ab…' (the emoji takes two units: it is not cut in half)
 * ```
 */
export function fitText(text: string, max: number): string {
  const clean = wellFormed(text);
  if (clean.length <= max) return clean;
  const cut = isHighSurrogate(clean.charCodeAt(max - 2)) ? max - 2 : max - 1;
  return `${clean.slice(0, cut)}…`;
}

/**
 * A JSON value with every string in it {@link wellFormed}, so that any JSON reader, however
 * strict about Unicode, reads it (`JSON.stringify` writes a lone surrogate as an escape that
 * decodes to no character).
 *
 * @example
 * ```ts
 * wellFormedJson({ tag: 'v\ud800' }); // { tag: 'v\ufffd' }
 * ```
 */
export function wellFormedJson<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v)),
  ) as T;
}
