/**
 * A tag's history (docs/ledger.md#tag-history): the pushes and deletes the ledger knows, kept in
 * time order whatever order they arrive in, and the versions and moves they imply. Pure: the
 * in-memory ledger and DynamoDB store the same records and call the same functions.
 *
 * @module
 */
import { canonicalTimeMs } from '../model/time.ts';
import {
  TAG_HISTORY_LIMIT,
  TAG_REPEATS_LIMIT,
  type TagEntry,
  type TagMove,
  type TagRecord,
} from './records.ts';

/**
 * How far apart (ms) two reports of the same push or delete may be stamped: ECR's event and
 * CloudTrail's record of one call carry whole-second times up to 2 s apart
 * (docs/semantics.md#assumptions). A report of a digest within this distance of an entry with
 * that digest is a copy of it, never a new version.
 */
export const COPY_SKEW_MS = 2000;

/** Something seen happen to a tag. */
export interface TagObservation {
  readonly kind: 'push' | 'delete';
  /** The digest pushed, or deleted (null: a delete that does not name it). */
  readonly digest: string | null;
  /** Canonical time. */
  readonly time: string;
  readonly eventId: string | null;
  /** A delete by digest: applies only where the tag pointed at `digest` at that time. */
  readonly onlyIfAt?: boolean;
}

/** A content of a tag between moves: consecutive entries naming the same digest. */
interface Version {
  readonly digest: string;
  /** Index of its first entry. */
  readonly first: number;
  /** The recorded move that superseded it (on any of its entries), or null. */
  mark: TagMove | null;
  /** A delete came between the version before and this one. */
  readonly viaDelete: boolean;
}

/** What a tag holds after its entries: the digest it points at (or last pointed at), and whether it is live. */
export interface TagState {
  readonly digest: string | null;
  readonly live: boolean;
}

/** A record with nothing known. */
export const EMPTY_TAG_RECORD: TagRecord = { entries: [], floor: null };

function walk(entries: readonly TagEntry[], upTo = entries.length) {
  const versions: Version[] = [];
  let current: Version | undefined;
  let live = false;
  for (let i = 0; i < upTo; i++) {
    const entry = entries[i] as TagEntry;
    const { digest } = entry;
    if (digest !== null && current?.digest !== digest) {
      current = {
        digest,
        first: i,
        mark: entry.superseded,
        viaDelete: current !== undefined && !live,
      };
      versions.push(current);
    } else if (current && current.mark === null) current.mark = entry.superseded;
    live = entry.kind === 'push';
  }
  return {
    versions,
    state: { digest: current?.digest ?? null, live: live && current !== undefined },
  };
}

/**
 * The tag's content after all its entries.
 *
 * @example
 * ```ts
 * const { digest, live } = tagState(record); // live: the tag points at digest now
 * ```
 */
export function tagState(record: TagRecord | undefined): TagState {
  return record ? walk(record.entries).state : { digest: null, live: false };
}

const ms = canonicalTimeMs;

/** Index of the first entry later than `time` (entries at the same time stay before it). */
function insertionIndex(entries: readonly TagEntry[], timeMs: number): number {
  let i = entries.length;
  while (i > 0 && ms((entries[i - 1] as TagEntry).time) > timeMs) i--;
  return i;
}

/** The entry `observation` repeats (same push or delete, stamped within {@link COPY_SKEW_MS}), if any. */
function copyOf(entries: readonly TagEntry[], o: TagObservation, timeMs: number): number {
  return entries.findIndex(
    (e) =>
      e.kind === o.kind &&
      (e.digest === o.digest ||
        (o.kind === 'delete' && (o.digest === null || (e.digest === null && !o.onlyIfAt)))) &&
      Math.abs(ms(e.time) - timeMs) <= COPY_SKEW_MS,
  );
}

function sorted(entries: TagEntry[]): TagEntry[] {
  return entries
    .map((entry, i) => ({ entry, i, t: ms(entry.time) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ entry }) => entry);
}

/**
 * Drops the oldest entry. When its version goes on in the entries kept (the next entry naming a
 * digest names the same one: deletes naming none do not end a version), the move recorded on it
 * moves to that entry, so that the version is never reported superseded again.
 */
function dropOldest(entries: TagEntry[]): void {
  const dropped = entries.shift() as TagEntry;
  if (dropped.superseded === null) return;
  const i = entries.findIndex((e) => e.digest !== null);
  const next = entries[i];
  if (next && next.digest === dropped.digest && next.superseded === null) {
    entries[i] = { ...next, superseded: dropped.superseded };
  }
}

/**
 * A repeat: a push inside a run of pushes of one digest (the entries on both sides push the same
 * digest) with no move recorded on it. Forgetting it changes neither a version nor the tag's
 * state, only where a late arrival between it and its neighbours would be placed.
 */
function isRepeat(entries: readonly TagEntry[], i: number): boolean {
  const entry = entries[i] as TagEntry;
  const before = entries[i - 1];
  const after = entries[i + 1];
  return (
    entry.kind === 'push' &&
    entry.superseded === null &&
    before?.kind === 'push' &&
    after?.kind === 'push' &&
    before.digest === entry.digest &&
    after.digest === entry.digest
  );
}

/** Index of the oldest repeat of the first run holding more than {@link TAG_REPEATS_LIMIT}, or -1. */
function excessRepeat(entries: readonly TagEntry[]): number {
  let first = -1;
  let count = 0;
  for (let i = 0; i < entries.length; i++) {
    if (!isRepeat(entries, i)) {
      count = 0;
      continue;
    }
    if (count === 0) first = i;
    if (++count > TAG_REPEATS_LIMIT) return first;
  }
  return -1;
}

/**
 * Keeps at most {@link TAG_REPEATS_LIMIT} repeats in a run (forgetting the oldest) and at most
 * {@link TAG_HISTORY_LIMIT} entries: beyond that, first the oldest repeat anywhere (the floor
 * stays: nothing older is ignored), else the oldest entry (the floor rises to the entry kept
 * next; a dropped version's move stays recorded).
 */
function bounded(entries: TagEntry[], floor: string | null): TagRecord {
  for (let excess = excessRepeat(entries); excess >= 0; excess = excessRepeat(entries)) {
    entries.splice(excess, 1);
  }
  while (entries.length > TAG_HISTORY_LIMIT) {
    const inner = entries.findIndex((_, i) => isRepeat(entries, i));
    if (inner >= 0) {
      entries.splice(inner, 1);
    } else {
      dropOldest(entries);
      floor = (entries[0] as TagEntry).time;
    }
  }
  return { entries, floor };
}

/**
 * The record after `observation`, or null when it adds nothing: older than the floor, a copy of
 * an entry (only an earlier stamp of it moves the entry back), a delete naming no digest of a tag
 * not live then, a delete by digest where the tag pointed elsewhere, an entry the bounds forget at
 * once. Every other push is kept, a push of the content the tag already held included: a version
 * arriving later between two such pushes makes the second a move back, to be alerted. Moves are
 * not recorded here ({@link recordMoves}).
 *
 * @example
 * ```ts
 * const next = observeTag(prev, { kind: 'push', digest, time, eventId });
 * ```
 */
export function observeTag(
  prev: TagRecord | undefined,
  observation: TagObservation,
): TagRecord | null {
  const { entries, floor } = prev ?? EMPTY_TAG_RECORD;
  if (floor !== null && observation.time < floor) return null;
  const timeMs = ms(observation.time);
  const copy = copyOf(entries, observation, timeMs);
  if (copy >= 0) {
    const entry = entries[copy] as TagEntry;
    const earlier = timeMs < ms(entry.time);
    const names = entry.digest === null && observation.digest !== null;
    if (!earlier && !names) return null;
    const next = [...entries];
    next[copy] = {
      ...entry,
      time: earlier ? observation.time : entry.time,
      digest: entry.digest ?? observation.digest,
    };
    return { entries: sorted(next), floor };
  }
  const at = insertionIndex(entries, timeMs);
  const then = walk(entries, at).state;
  if (observation.kind === 'delete') {
    if (observation.onlyIfAt) {
      if (!then.live || then.digest !== observation.digest) return null;
    } else if (!then.live && observation.digest === null) {
      // Naming a digest, it is kept even where the tag was not live then: it tells the tag held
      // that content just before, which reveals a move once a version arrives between.
      return null;
    }
  }
  const entry: TagEntry = {
    kind: observation.kind,
    digest: observation.digest,
    time: observation.time,
    eventId: observation.eventId,
    superseded: null,
  };
  const inserted = entries.slice();
  inserted.splice(at, 0, entry);
  const next = bounded(inserted, floor);
  return next.entries.includes(entry) ? next : null;
}

/** A move found superseding a version: its digest and the move. */
export interface NewMove {
  readonly from: string;
  readonly move: TagMove;
}

/**
 * Records every move the history implies and does not hold yet: each version followed by another
 * is superseded, once. `by` is the observation making the write (null: a scan).
 *
 * @example
 * ```ts
 * const { record, moves } = recordMoves(next, event.eventId); // moves: to alert, once each
 * ```
 */
export function recordMoves(
  record: TagRecord,
  by: string | null,
): { record: TagRecord; moves: NewMove[] } {
  const { versions } = walk(record.entries);
  const moves: NewMove[] = [];
  let entries: TagEntry[] | undefined;
  for (let v = 0; v + 1 < versions.length; v++) {
    const version = versions[v] as Version;
    if (version.mark !== null) continue;
    const next = versions[v + 1] as Version;
    const start = record.entries[next.first] as TagEntry;
    const move: TagMove = {
      to: next.digest,
      since: (record.entries[version.first] as TagEntry).time,
      time: start.time,
      eventId: start.eventId,
      viaDelete: next.viaDelete,
      by,
    };
    entries ??= [...record.entries];
    entries[version.first] = { ...(entries[version.first] as TagEntry), superseded: move };
    moves.push({ from: version.digest, move });
  }
  return { record: entries ? { entries, floor: record.floor } : record, moves };
}

/**
 * Every move the record holds, with the digest it superseded.
 *
 * @example
 * ```ts
 * const byThisEvent = recordedMoves(record).filter(({ move }) => move.by === eventId);
 * ```
 */
export function recordedMoves(record: TagRecord): NewMove[] {
  return walk(record.entries).versions.flatMap((v) =>
    v.mark ? [{ from: v.digest, move: v.mark }] : [],
  );
}

/**
 * The record after a repository delete at `time` (docs/ledger.md#repository-and-template-deletes):
 * what is older than the delete is forgotten and the floor rises to it, so that late events of
 * the deleted repository are ignored; what is as new or newer belongs to the repository created
 * again, and stays. Null: nothing to forget.
 *
 * @example
 * ```ts
 * const next = forgetTagBefore(prev, deleteTime);
 * ```
 */
export function forgetTagBefore(prev: TagRecord | undefined, time: string): TagRecord | null {
  if (!prev || (prev.floor !== null && prev.floor >= time)) return null;
  const entries = [...prev.entries];
  while (entries.length > 0 && (entries[0] as TagEntry).time < time) dropOldest(entries);
  return { entries, floor: time };
}
