/**
 * A mutable JSON object: the type of raw events and records that tests build and change.
 *
 * @example
 * ```ts
 * const event: Json = { detail: { 'image-tag': 'v1' } };
 * ```
 */
export type Json = Record<string, unknown>;
