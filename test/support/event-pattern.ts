/**
 * EventBridge's rule matching, written for the tests from its documentation (independent of the
 * code under test), for the exact-value patterns this project and its docs use.
 */
import type { Json } from './json.ts';

/**
 * EventBridge's matching for exact-value patterns, written from its documentation ("Event
 * patterns", "Matching values"), independent of the code under test: every field the pattern
 * names must be in the event (`$or` lists patterns of which one must match); a value list matches when the event's value — or, for an array in
 * the event, any of its elements — equals one of the values, with no type coercion; a nested
 * pattern matches a nested object. Fields the pattern does not name are ignored.
 */
export function eventBridgeMatches(pattern: unknown, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  for (const [field, expected] of Object.entries(pattern as Json)) {
    // `$or`: any of the patterns listed matches at this level ("Or matching").
    if (field === '$or') {
      if (!(expected as unknown[]).some((alternative) => eventBridgeMatches(alternative, event)))
        return false;
      continue;
    }
    if (!Object.hasOwn(event, field)) return false;
    const actual = (event as Json)[field];
    if (Array.isArray(expected)) {
      const candidates: unknown[] = Array.isArray(actual) ? actual : [actual];
      const scalar = (v: unknown) => v === null || typeof v !== 'object';
      if (!candidates.some((v) => scalar(v) && expected.includes(v))) return false;
    } else if (!eventBridgeMatches(expected, actual)) {
      return false;
    }
  }
  return true;
}
