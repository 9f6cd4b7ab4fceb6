/**
 * How the policy's messages use the shared text helpers (lib/core/model/text.ts): every issue is
 * one `FILE:LINE:COL: …` line, and user text in it is quoted and cut at 80 characters with an ASCII
 * mark.
 *
 * @module
 */
import { oneLine as oneLineOf, quote as quoteText } from '../model/text.ts';

/** How user text is quoted into an issue: up to 80 characters, cut with an ASCII mark. */
const QUOTED = { max: 80, mark: '...' } as const;

/**
 * Collapses a message onto one line; an empty message becomes `invalid policy`.
 *
 * @example
 * ```ts
 * oneLine('bad\nvalue'); // 'bad value'
 * ```
 */
export function oneLine(text: string): string {
  return oneLineOf(text) || 'invalid policy';
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
  return quoteText(text, QUOTED);
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
