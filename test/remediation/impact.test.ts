/**
 * tagImpact (lib/core/remediation/impact.ts): the existing tags a change flips, and how often the
 * ledger saw each move within the window — direct overwrites (refused once immutable) apart from
 * deletes followed by a push (not stopped by immutability) — over real tag histories.
 */
import { describe, expect, it } from 'vitest';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import type { TagObservation } from '../../lib/core/engine/tag-history.ts';
import { tagImpact } from '../../lib/core/remediation/impact.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';
import { tagRecordOf } from '../support/ledger.ts';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const DAY = 24 * 3_600_000;

/** A canonical time `days` days before {@link NOW}. */
function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * DAY).toISOString();
}

function push(n: number, days: number): TagObservation {
  return { kind: 'push', digest: digest(n), time: daysAgo(days), eventId: null };
}

function deleted(n: number, days: number): TagObservation {
  return { kind: 'delete', digest: digest(n), time: daysAgo(days), eventId: null };
}

describe('tagImpact', () => {
  it('counts the overwrites of a tag becoming immutable within the window, not those before it', () => {
    // Prepare: latest moved at 35, 20, 10 and 1 days ago; the first move is outside 30 days
    const latest = tagRecordOf([push(1, 40), push(2, 35), push(3, 20), push(4, 10), push(5, 1)]);
    // Act
    const impact = tagImpact({
      current: config('MUTABLE'),
      target: config('IMMUTABLE'),
      tags: new Map([['latest', latest]]),
      historyKnown: true,
      now: NOW,
    });
    // Assess
    expect(impact).toEqual({
      tags: 1,
      historyKnown: true,
      since: daysAgo(30),
      windowDays: 30,
      flips: [
        {
          tag: 'latest',
          becomes: 'immutable',
          overwrites: 3,
          viaDelete: 0,
          lastMoved: daysAgo(1),
          complete: true,
        },
      ],
    });
  });

  it('tells a delete followed by a push apart: immutability does not refuse it', () => {
    // Prepare: v1 deleted and pushed again with other content, then overwritten directly
    const v1 = tagRecordOf([push(1, 9), deleted(1, 8), push(2, 7), push(3, 2)]);
    // Act
    const [flip] = tagImpact({
      current: config('IMMUTABLE_WITH_EXCLUSION', 'v*'),
      target: config('IMMUTABLE'),
      tags: new Map([['v1', v1]]),
      historyKnown: true,
      now: NOW,
    }).flips;
    // Assess
    expect(flip).toMatchObject({ overwrites: 1, viaDelete: 1, lastMoved: daysAgo(2) });
  });

  it('takes the window it is given', () => {
    // Prepare
    const latest = tagRecordOf([push(1, 40), push(2, 35), push(3, 20), push(4, 1)]);
    // Act
    const impact = tagImpact({
      current: config('MUTABLE'),
      target: config('IMMUTABLE'),
      tags: new Map([['latest', latest]]),
      historyKnown: true,
      now: NOW,
      windowDays: 7,
    });
    // Assess
    expect(impact.since).toBe(daysAgo(7));
    expect(impact.flips[0]?.overwrites).toBe(1);
  });

  it('says the counts are lower bounds when the bounded history dropped entries within the window', () => {
    // Prepare: more moves than a history keeps, all within the window, so its floor rose into it
    const busy = tagRecordOf(Array.from({ length: 20 }, (_, i) => push(i + 1, 25 - i)));
    // Act
    const [flip] = tagImpact({
      current: config('MUTABLE'),
      target: config('IMMUTABLE'),
      tags: new Map([['busy', busy]]),
      historyKnown: true,
      now: NOW,
    }).flips;
    // Assess
    expect(busy.floor).not.toBeNull();
    expect(flip?.complete).toBe(false);
    expect(flip?.overwrites).toBeGreaterThan(0);
    expect(flip?.overwrites).toBeLessThan(19);
  });

  it('lists only the tags whose mutability flips: those becoming immutable first, most moved first, then by name', () => {
    // Prepare: dev-* stays mutable; release tags become immutable; pinned becomes mutable
    const moved = (times: number): TagRecord =>
      tagRecordOf(Array.from({ length: times + 1 }, (_, i) => push(i + 1, 20 - i)));
    const tags = new Map<string, TagRecord | null>([
      ['dev-1', moved(5)],
      ['release-b', moved(1)],
      ['release-a', moved(1)],
      ['release-c', moved(4)],
      ['release-new', null],
      ['pinned', moved(2)],
    ]);
    // Act
    const impact = tagImpact({
      current: config('MUTABLE_WITH_EXCLUSION', 'pinned'),
      target: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'pinned'),
      tags,
      historyKnown: true,
      now: NOW,
    });
    // Assess
    expect(impact.tags).toBe(6);
    expect(impact.flips.map((f) => [f.tag, f.becomes, f.overwrites])).toEqual([
      ['release-c', 'immutable', 4],
      ['release-a', 'immutable', 1],
      ['release-b', 'immutable', 1],
      ['release-new', 'immutable', null],
      ['pinned', 'mutable', 2],
    ]);
    expect(impact.flips.find((f) => f.tag === 'release-new')).toMatchObject({
      viaDelete: null,
      lastMoved: null,
      complete: false,
    });
  });

  it('without a ledger, lists the flips with unknown counts', () => {
    // Act
    const impact = tagImpact({
      current: config('MUTABLE'),
      target: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*'),
      tags: new Map([
        ['v1', null],
        ['dev-1', null],
      ]),
      historyKnown: false,
      now: NOW,
    });
    // Assess
    expect(impact.historyKnown).toBe(false);
    expect(impact.flips).toEqual([
      {
        tag: 'v1',
        becomes: 'immutable',
        overwrites: null,
        viaDelete: null,
        lastMoved: null,
        complete: false,
      },
    ]);
  });
});
