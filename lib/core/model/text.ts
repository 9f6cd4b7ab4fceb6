/**
 * Putting untrusted text into a one-line message, defined once: messages (intake reasons,
 * policy issues, CLI errors) are read one per line, so a value quoted into one must neither run
 * on nor break the line.
 *
 * @module
 */
import { typeName } from './json.ts';

/** Line breaks as a terminal, an editor or a JSON-lines reader may see them. */
const LINE_BREAKS = /\s*[\r\n\u2028\u2029]+\s*/g;

/**
 * `text` in at most `max` characters: when longer, its start followed by `mark`, which counts
 * toward `max`.
 *
 * @example
 * ```ts
 * shorten('abcdef', 4); // 'abc…'
 * shorten('abcdef', 5, '...'); // 'ab...'
 * ```
 */
export function shorten(text: string, max: number, mark = '…'): string {
  return text.length > max ? `${text.slice(0, max - mark.length)}${mark}` : text;
}

/** How {@link quote} shortens a long string. */
export interface QuoteOptions {
  /** The most characters of the value shown, `mark` included; 41 unless given. */
  readonly max?: number;
  /** What marks a shortened value; `…` unless given. */
  readonly mark?: string;
}

/**
 * A value quoted for a one-line message: a string as a JSON string (escapes, and U+2028/U+2029,
 * which JSON leaves as they are, escaped too), shortened per `options`; any other value as its
 * JSON type, so that a message never dumps an object.
 *
 * @example
 * ```ts
 * quote('v1'); // '"v1"'
 * quote({ a: 1 }); // 'object'
 * quote('x'.repeat(100), { max: 80, mark: '...' }); // '"xxx…x..."' (77 x's)
 * ```
 */
export function quote(value: unknown, options: QuoteOptions = {}): string {
  if (typeof value !== 'string') return typeName(value);
  return JSON.stringify(shorten(value, options.max ?? 41, options.mark))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * `text` on one line: every line break, with the blanks around it, becomes one space, and the
 * ends are trimmed.
 *
 * @example
 * ```ts
 * oneLine('cannot read:\n  no such file\n'); // 'cannot read: no such file'
 * ```
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').trim();
}
