/**
 * One tag record of the `--state` file, validated on its own: the one place to adapt when the
 * engine's `TagRecord` changes shape (lib/core/engine/records.ts).
 *
 * @module
 */
import * as v from 'valibot';
import type { TagRecord } from '../../core/engine/records.ts';
import { DigestText, EventIdText, TimeText } from './fields.ts';

const TagRecordSchema = v.strictObject({
  digest: DigestText,
  deleted: v.boolean(),
  time: TimeText,
  recent: v.array(DigestText),
  eventId: v.nullable(EventIdText),
  movedFrom: v.nullable(DigestText),
  viaDelete: v.boolean(),
  // Absent in files from before it existed.
  prevTime: v.optional(v.nullable(TimeText), null),
});

/** A problem in a value read from the state file: where (a dot path below it) and why. */
export interface StateIssue {
  /** Dot path below the value that was checked; empty for the value itself. */
  readonly path: string;
  readonly reason: string;
}

/**
 * The tag record `value` holds, or the first problem with it.
 *
 * @example
 * ```ts
 * const read = readTagRecord(JSON.parse(text));
 * if ('reason' in read) throw new Error(`${read.path}: ${read.reason}`);
 * ```
 */
export function readTagRecord(value: unknown): TagRecord | StateIssue {
  const parsed = v.safeParse(TagRecordSchema, value);
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  return { path: v.getDotPath(issue) ?? '', reason: issue.message };
}
