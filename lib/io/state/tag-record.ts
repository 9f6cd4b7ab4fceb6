/**
 * One tag record of the `--state` file, validated on its own: the one place to adapt when the
 * engine's `TagRecord` changes shape (lib/core/engine/records.ts).
 *
 * @module
 */
import * as v from 'valibot';
import { TAG_HISTORY_LIMIT, type TagRecord } from '../../core/engine/records.ts';
import { DigestText, EventIdText, TimeText } from './fields.ts';

const TagMoveSchema = v.strictObject({
  to: DigestText,
  since: TimeText,
  time: TimeText,
  eventId: v.nullable(EventIdText),
  viaDelete: v.boolean(),
  by: v.nullable(EventIdText),
});

const TagRecordSchema = v.strictObject({
  entries: v.pipe(
    v.array(
      v.strictObject({
        kind: v.picklist(['push', 'delete']),
        digest: v.nullable(DigestText),
        time: TimeText,
        eventId: v.nullable(EventIdText),
        superseded: v.nullable(TagMoveSchema),
      }),
    ),
    v.maxLength(TAG_HISTORY_LIMIT),
    v.check(
      (entries) => entries.every((e, i) => i === 0 || (entries[i - 1]?.time ?? '') <= e.time),
      'entries are not in time order',
    ),
    v.check(
      (entries) => entries.every((e) => e.kind === 'delete' || e.digest !== null),
      'a push entry has no digest',
    ),
  ),
  floor: v.nullable(TimeText),
});

/** A tag as version 1 files hold it (before tag histories): read as its current content. */
const TagRecordV1Schema = v.pipe(
  v.strictObject({
    digest: DigestText,
    deleted: v.boolean(),
    time: TimeText,
    recent: v.array(DigestText),
    eventId: v.nullable(EventIdText),
    movedFrom: v.nullable(DigestText),
    viaDelete: v.boolean(),
    prevTime: v.optional(v.nullable(TimeText), null),
  }),
  v.transform(
    ({ digest, deleted, time, eventId }): TagRecord => ({
      entries: [{ kind: deleted ? 'delete' : 'push', digest, time, eventId, superseded: null }],
      floor: null,
    }),
  ),
);

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
 * const read = readTagRecord(JSON.parse(text), 2); // 1: a file from before tag histories
 * if ('reason' in read) throw new Error(`${read.path}: ${read.reason}`);
 * ```
 */
export function readTagRecord(value: unknown, version: 1 | 2 = 2): TagRecord | StateIssue {
  const parsed = v.safeParse(version === 1 ? TagRecordV1Schema : TagRecordSchema, value);
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  return { path: v.getDotPath(issue) ?? '', reason: issue.message };
}
