/**
 * Telling apart the kinds of an untrusted JSON value, defined once for every reader of input
 * (events, snapshots, configurations, state files).
 *
 * @module
 */

/**
 * True for a JSON object: not null, not an array.
 *
 * @example
 * ```ts
 * isRecord({ a: 1 }); // true
 * isRecord([1]); // false
 * ```
 */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON type of a value, for messages: `null`, `array`, or its `typeof`.
 *
 * @example
 * ```ts
 * typeName([]); // 'array'
 * typeName(null); // 'null'
 * ```
 */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
