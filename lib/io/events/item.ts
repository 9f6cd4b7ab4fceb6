/**
 * What the intake yields: one normalized input item and where it was found (docs/intake.md).
 *
 * @module
 */
import type { NormalizeResult } from '../../core/intake/types.ts';

/**
 * One normalized input item and where it was found.
 *
 * @example
 * ```ts
 * const item: IntakeItem = { source: 'events.ndjson', line: 3, result };
 * ```
 */
export interface IntakeItem {
  /** The file's path (a directory's files are joined to it), or `-` for stdin. */
  readonly source: string;
  /**
   * 1-based line where the item begins (for an element of a JSON array or `Records` list, the
   * line where that element begins); 0 when the input itself could not be read.
   */
  readonly line: number;
  readonly result: NormalizeResult;
}

/** A consumer offered whole NDJSON values (see `BatchReadOptions.take` in read.ts). */
export type Take = ((value: unknown) => boolean) | undefined;

/**
 * `file:line`, as malformed items are reported (docs/intake.md).
 *
 * @example
 * ```ts
 * formatLocation({ source: 'events.ndjson', line: 3 }); // 'events.ndjson:3'
 * ```
 */
export function formatLocation(item: Pick<IntakeItem, 'source' | 'line'>): string {
  return `${item.source}:${item.line}`;
}
