/**
 * An overwritten tag's digest history as a timeline: from the ledger's record of the tag when the
 * run has it (`replay` and `scan` do: docs/ledger.md#tag-history), else from the report's own
 * overwrite findings of that tag, which name each move's two digests and its time.
 *
 * @module
 */
import { shortDigest } from '../../core/engine/decide.ts';
import { TAG_HISTORY_LIMIT, type TagRecord } from '../../core/engine/records.ts';
import type { Finding } from '../../core/model/findings.ts';
import { escapeHtml } from './escape.ts';
import { displayTime } from './labels.ts';

/** One point of a tag's history. */
export interface TimelineEntry {
  /** `push`: the tag pointed at `digest` from `time` on; `delete`: it was deleted. */
  readonly kind: 'push' | 'delete';
  /** The content; null when a delete did not name it. */
  readonly digest: string | null;
  /** Null when not known (a history built from findings knows only when each move happened). */
  readonly time: string | null;
  /** `from`: where the finding's move began; `to`: the content it moved to. */
  readonly role: 'from' | 'to' | null;
}

/** A tag's history, oldest first, and where it comes from. */
export interface Timeline {
  readonly source: 'ledger' | 'findings';
  readonly entries: readonly TimelineEntry[];
  /** How many entries of the history are not shown (a long history is shown around the move). */
  readonly notShown: number;
}

/**
 * The timeline of overwrite `finding` from the ledger's `record` of its tag; undefined when the
 * record does not hold the finding's move (the tag's history was forgotten and began again, or
 * dropped that far back), so that a timeline never shows a move other than the finding's as its.
 *
 * @example
 * ```ts
 * const timeline = timelineFromRecord(state.repositories.get(key)?.tags.get(tag), finding);
 * ```
 */
export function timelineFromRecord(
  record: TagRecord | undefined,
  finding: Finding,
): Timeline | undefined {
  if (!record) return undefined;
  const isTo = (e: TagRecord['entries'][number]) =>
    e.time === finding.eventTime && e.digest === finding.digest;
  if (!record.entries.some(isTo)) return undefined;
  const entries = record.entries.map(
    (e): TimelineEntry => ({
      kind: e.kind,
      digest: e.digest,
      time: e.time,
      role: isTo(e)
        ? 'to'
        : e.superseded?.to === finding.digest &&
            e.superseded.time === finding.eventTime &&
            e.digest === finding.previousDigest
          ? 'from'
          : null,
    }),
  );
  return { source: 'ledger', entries, notShown: 0 };
}

/** A tag's history built once from the report's overwrites of it, for each of them to show. */
export interface FindingsHistory {
  readonly entries: readonly Omit<TimelineEntry, 'role'>[];
  /** Per finding id: the indexes of the entries its move went from and to. */
  readonly moves: ReadonlyMap<string, { readonly from: number; readonly to: number }>;
}

/**
 * The history of a tag from `ofTag`, the report's overwrite findings of that tag, in time order:
 * each move adds the content moved to at its time — after the content moved from, when that is
 * not where the previous move ended (its time then not known), and after a delete when the move
 * was "deleted and pushed again". Built once per tag, so that many overwrites of one tag cost
 * linear time.
 *
 * @example
 * ```ts
 * historyFromFindings([first, second]).entries.length; // 3 when second continues first
 * ```
 */
export function historyFromFindings(ofTag: readonly Finding[]): FindingsHistory {
  const moves = [...ofTag].sort((a, b) => {
    const x = a.eventTime ?? '';
    const y = b.eventTime ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const entries: Omit<TimelineEntry, 'role'>[] = [];
  const indexes = new Map<string, { from: number; to: number }>();
  let held = -1;
  for (const move of moves) {
    // A move that does not start where the previous one ended: the content it left is shown too.
    if (entries[held]?.digest !== move.previousDigest) {
      entries.push({ kind: 'push', digest: move.previousDigest, time: null });
      held = entries.length - 1;
    }
    const from = held;
    if (move.viaDelete) entries.push({ kind: 'delete', digest: null, time: null });
    entries.push({ kind: 'push', digest: move.digest, time: move.eventTime });
    held = entries.length - 1;
    indexes.set(move.id, { from, to: held });
  }
  return { entries, moves: indexes };
}

/** The most entries a timeline shows: as many as the ledger keeps of a tag. */
const SHOWN = TAG_HISTORY_LIMIT;

/**
 * The timeline of overwrite `finding` from its tag's {@link FindingsHistory}: at most
 * {@link TAG_HISTORY_LIMIT} entries (as many as the ledger keeps), ending two entries after the
 * finding's move, with its two ends marked.
 *
 * @example
 * ```ts
 * timelineFromFindings(historyFromFindings(ofTag), finding).source; // 'findings'
 * ```
 */
export function timelineFromFindings(history: FindingsHistory, finding: Finding): Timeline {
  const move = history.moves.get(finding.id);
  const to = move?.to ?? history.entries.length - 1;
  const end = Math.min(history.entries.length, to + 3);
  const start = Math.max(0, end - SHOWN);
  const entries = history.entries.slice(start, end).map(
    (e, i): TimelineEntry => ({
      ...e,
      role: move?.to === start + i ? 'to' : move?.from === start + i ? 'from' : null,
    }),
  );
  return { source: 'findings', entries, notShown: history.entries.length - entries.length };
}

/**
 * A colour (one of eight) per digest, in order of first appearance along the timeline: the same
 * content looks the same wherever the tag returns to it, and different contents differ.
 */
function digestColours(entries: readonly TimelineEntry[]): Map<string, number> {
  const colours = new Map<string, number>();
  for (const e of entries) {
    if (e.digest !== null && !colours.has(e.digest)) colours.set(e.digest, colours.size % 8);
  }
  return colours;
}

const ROLE_MARKS = { from: 'moved from', to: 'moved to' } as const;

function entryItem(entry: TimelineEntry, colours: ReadonlyMap<string, number>): string {
  const time =
    entry.time === null
      ? '<span class="when unknown">time not known</span>'
      : `<time class="when" datetime="${escapeHtml(entry.time)}">${escapeHtml(displayTime(entry.time))}</time>`;
  const digest =
    entry.digest === null
      ? '<span class="digest none">digest not named</span>'
      : `<span class="digest d${colours.get(entry.digest) ?? 0}" title="${escapeHtml(entry.digest)}"><code>${escapeHtml(shortDigest(entry.digest))}</code></span>`;
  const mark = entry.role === null ? '' : `<span class="mark">${ROLE_MARKS[entry.role]}</span>`;
  const what = entry.kind === 'push' ? 'pushed' : 'deleted';
  return `<li class="entry ${entry.kind}${entry.role ? ` ${entry.role}` : ''}">${time}<span class="what">${what}</span>${digest}${mark}</li>`;
}

/**
 * The timeline as an ordered list, oldest first, with a caption saying where it comes from.
 *
 * @example
 * ```ts
 * renderTimeline(timelineFromFindings(historyFromFindings([finding]), finding), 'v1'); // '<figure class="history">…</figure>'
 * ```
 */
export function renderTimeline(timeline: Timeline, tag: string): string {
  const source =
    timeline.source === 'ledger'
      ? 'as the ledger recorded it'
      : 'from this report’s overwrites of the tag (no ledger history)';
  const colours = digestColours(timeline.entries);
  const notShown =
    timeline.notShown > 0
      ? `<p class="not-shown">${timeline.notShown} other entries not shown</p>`
      : '';
  return `<figure class="history"><figcaption>History of tag <code>${escapeHtml(tag)}</code>, oldest first, ${source}</figcaption><ol class="timeline">${timeline.entries.map((e) => entryItem(e, colours)).join('')}</ol>${notShown}</figure>`;
}
