/**
 * The one test of a value against a text rule, as `text` in fields.ts applies it, without a field
 * path: shared by normalizeEvent's fast path and replay's (lib/cli/replay/take-push.ts), so that
 * neither restates it.
 *
 * @module
 */
import type { TextRule } from './fields.ts';

/**
 * True when `value` is a string that satisfies `rule` (what `text` in fields.ts accepts).
 *
 * @example
 * ```ts
 * satisfies('latest', TAG); // true
 * satisfies(42, TAG); // false
 * ```
 */
export function satisfies(value: unknown, rule: TextRule): value is string {
  return typeof value === 'string' && value.length <= rule.maxLength && rule.test(value);
}
