/**
 * What a configuration change does to a repository's existing tags (docs/remediation.md#impact):
 * which tags it flips, and for each how often the ledger saw it move recently — a tag overwritten
 * 14 times in the last 30 days that becomes immutable is a pipeline whose next push will be
 * refused. Only the ledger knows this: ECR keeps no tag history.
 *
 * @module
 */
import type { TagRecord } from '../engine/records.ts';
import { recordedMoves } from '../engine/tag-history.ts';
import type { MutabilityConfig } from '../model/config.ts';
import { canonicalTimeMs } from '../model/time.ts';
import { isTagImmutable } from '../semantics/match.ts';

/** The default window of recent moves, in days. */
export const IMPACT_WINDOW_DAYS = 30;

const DAY_MS = 24 * 3_600_000;

/** One existing tag whose mutability the change flips. */
export interface TagFlip {
  readonly tag: string;
  /** What the change makes of it. */
  readonly becomes: 'immutable' | 'mutable';
  /**
   * Pushes that moved the tag to other content within the window, as the ledger saw them: once
   * the tag is immutable, ECR refuses such pushes. Null: the ledger has no history of the tag.
   */
  readonly overwrites: number | null;
  /**
   * Moves within the window made by deleting the tag and pushing it again: immutability does
   * not stop those. Null: no history.
   */
  readonly viaDelete: number | null;
  /** The latest of those moves (canonical time), or null. */
  readonly lastMoved: string | null;
  /**
   * Whether the tag's history reaches back to the window's start: false when the ledger dropped
   * older entries (its history is bounded) after the window began — the counts are then lower
   * bounds — or when there is no history.
   */
  readonly complete: boolean;
}

/** The change's effect on the tags of one repository. */
export interface Impact {
  /** How many existing tags were considered. */
  readonly tags: number;
  /** Whether tag histories were available (a ledger); without one the counts are null. */
  readonly historyKnown: boolean;
  /** Start of the window of recent moves (canonical time). */
  readonly since: string;
  /** Length of that window, in days. */
  readonly windowDays: number;
  /**
   * The tags whose mutability flips: those becoming immutable first, the most overwritten
   * first, then by name (code units).
   */
  readonly flips: readonly TagFlip[];
}

/** What {@link tagImpact} reads. */
export interface ImpactInput {
  readonly current: MutabilityConfig;
  readonly target: MutabilityConfig;
  /** The repository's existing tags, each with its ledger history (null: none known). */
  readonly tags: ReadonlyMap<string, TagRecord | null>;
  /** Whether histories were available at all (a ledger was given). */
  readonly historyKnown: boolean;
  readonly now: Date;
  /** Days of recent moves counted; default {@link IMPACT_WINDOW_DAYS}. */
  readonly windowDays?: number;
}

/**
 * The tags `current` → `target` flips, with their recent moves.
 *
 * @example
 * ```ts
 * const impact = tagImpact({ current: config('MUTABLE'), target: config('IMMUTABLE'),
 *   tags: new Map([['latest', record]]), historyKnown: true, now: new Date() });
 * impact.flips[0]; // { tag: 'latest', becomes: 'immutable', overwrites: 14, … }
 * ```
 */
export function tagImpact(input: ImpactInput): Impact {
  const windowDays = input.windowDays ?? IMPACT_WINDOW_DAYS;
  const sinceMs = input.now.getTime() - windowDays * DAY_MS;
  const flips: TagFlip[] = [];
  for (const [tag, record] of input.tags) {
    const before = isTagImmutable(input.current, tag);
    const after = isTagImmutable(input.target, tag);
    if (before === after) continue;
    flips.push({ tag, becomes: after ? 'immutable' : 'mutable', ...recentMoves(record, sinceMs) });
  }
  flips.sort(byRisk);
  return {
    tags: input.tags.size,
    historyKnown: input.historyKnown,
    since: new Date(sinceMs).toISOString(),
    windowDays,
    flips,
  };
}

/** The moves of a tag's history at or after `sinceMs`, split by how they were made. */
function recentMoves(
  record: TagRecord | null,
  sinceMs: number,
): Pick<TagFlip, 'overwrites' | 'viaDelete' | 'lastMoved' | 'complete'> {
  if (record === null)
    return { overwrites: null, viaDelete: null, lastMoved: null, complete: false };
  let overwrites = 0;
  let viaDelete = 0;
  let lastMoved: string | null = null;
  for (const { move } of recordedMoves(record)) {
    if (canonicalTimeMs(move.time) < sinceMs) continue;
    if (move.viaDelete) viaDelete++;
    else overwrites++;
    if (lastMoved === null || move.time > lastMoved) lastMoved = move.time;
  }
  // A floor inside the window means entries of the window were dropped: the counts are at least.
  const complete = record.floor === null || canonicalTimeMs(record.floor) <= sinceMs;
  return { overwrites, viaDelete, lastMoved, complete };
}

/** Tags becoming immutable first, then the most overwritten (unknown last), then by name. */
function byRisk(a: TagFlip, b: TagFlip): number {
  if (a.becomes !== b.becomes) return a.becomes === 'immutable' ? -1 : 1;
  const moves = (b.overwrites ?? -1) - (a.overwrites ?? -1);
  if (moves !== 0) return moves;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}
