/**
 * Text helpers of the policy's messages: every issue is one `FILE:LINE:COL: …` line, and user
 * text in it is quoted and shortened.
 *
 * @module
 */

/**
 * Collapses a message onto one line: every issue must stay one `FILE:LINE:COL: …` line.
 *
 * @example
 * ```ts
 * oneLine('bad\nvalue'); // 'bad value'
 * ```
 */
export function oneLine(text: string): string {
  return text.replace(/\r\n?|\n|\u2028|\u2029/g, ' ').trim() || 'invalid policy';
}

/**
 * Quotes user text for a message: JSON escaping, shortened so that one bad value stays one line.
 *
 * @example
 * ```ts
 * quote('Prod/*'); // '"Prod/*"'
 * ```
 */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The message of anything thrown.
 *
 * @example
 * ```ts
 * errorText(new Error('boom')); // 'boom'
 * ```
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
