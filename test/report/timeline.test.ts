/**
 * An overwritten tag's history as the report shows it (lib/render/report/timeline.ts): from the
 * ledger's record, made here by the real auditor, or from the report's findings of that tag.
 */
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger, stateKey } from '../../lib/core/engine/memory-ledger.ts';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import { findingsOf } from '../../lib/core/model/delivery.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import {
  historyFromFindings,
  renderTimeline,
  type Timeline,
  timelineFromFindings,
  timelineFromRecord,
} from '../../lib/render/report/timeline.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { at, del, push, REGION } from '../support/events.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';

/** Applies `events` to a fresh ledger; returns the findings and the record of web:v1. */
async function ledgerOf(
  events: DomainEvent[],
): Promise<{ findings: Finding[]; record: TagRecord }> {
  const ledger = createMemoryLedger();
  const auditor = createAuditor(parsePolicy(DEV_MUTABLE_POLICY, 'policy.yml'), ledger);
  const findings: Finding[] = [];
  for (const event of events) findings.push(...findingsOf(await auditor.apply(event)));
  const record = ledger.state.repositories.get(stateKey(ACCOUNT, REGION, 'web'))?.tags.get('v1');
  if (!record) throw new Error('no record of web:v1');
  return { findings, record };
}

/** What a timeline shows, entry by entry. */
const shown = (timeline: Timeline | undefined) =>
  timeline?.entries.map((e) => [e.kind, e.digest, e.time, e.role]);

/** A move of web:v1 from `from` to `to` at minute `minutes`, as a finding. */
function move(id: string, from: number, to: number, minutes: number, viaDelete = false): Finding {
  return sampleFinding('TAG_OVERWRITE_VIOLATION', {
    id,
    repository: 'web',
    tag: 'v1',
    previousDigest: digest(from),
    digest: digest(to),
    eventTime: at(minutes),
    viaDelete,
  });
}

describe('timelineFromRecord', () => {
  it('shows every entry of the ledger, with the two ends of each move marked', async () => {
    // Prepare
    const { findings, record } = await ledgerOf([
      push('web', 'v1', 1, 0),
      push('web', 'v1', 2, 5),
      push('web', 'v1', 3, 10),
    ]);
    const [first, second] = findings;

    // Act
    const timelines = [
      timelineFromRecord(record, first as Finding),
      timelineFromRecord(record, second as Finding),
    ];

    // Assess
    expect(shown(timelines[0])).toEqual([
      ['push', digest(1), at(0), 'from'],
      ['push', digest(2), at(5), 'to'],
      ['push', digest(3), at(10), null],
    ]);
    expect(shown(timelines[1])).toEqual([
      ['push', digest(1), at(0), null],
      ['push', digest(2), at(5), 'from'],
      ['push', digest(3), at(10), 'to'],
    ]);
    expect(timelines[0]?.source).toBe('ledger');
  });

  it('shows the delete of a tag deleted and pushed again', async () => {
    // Prepare
    const { findings, record } = await ledgerOf([
      push('web', 'v1', 1, 0),
      del('web', 'v1', 1, 3),
      push('web', 'v1', 2, 5),
    ]);

    // Act
    const timeline = timelineFromRecord(record, findings[0] as Finding);

    // Assess
    expect(findings[0]?.viaDelete).toBe(true);
    expect(shown(timeline)).toEqual([
      ['push', digest(1), at(0), 'from'],
      ['delete', digest(1), at(3), null],
      ['push', digest(2), at(5), 'to'],
    ]);
  });

  it('is undefined without a record, or when the record does not hold the move', async () => {
    // Prepare: a later history of the tag that never held digest 2 at minute 5.
    const { record } = await ledgerOf([push('web', 'v1', 7, 30), push('web', 'v1', 8, 35)]);

    // Act / Assess
    expect(timelineFromRecord(record, move('m', 1, 2, 5))).toBeUndefined();
    expect(timelineFromRecord(undefined, move('m', 1, 2, 5))).toBeUndefined();
  });
});

describe('historyFromFindings and timelineFromFindings', () => {
  it('chains moves in time order, whatever order the findings come in', () => {
    // Prepare
    const first = move('a', 1, 2, 5);
    const second = move('b', 2, 3, 10);

    // Act
    const history = historyFromFindings([second, first]);

    // Assess: the first content's start is not known; each move's time is.
    expect(shown(timelineFromFindings(history, first))).toEqual([
      ['push', digest(1), null, 'from'],
      ['push', digest(2), at(5), 'to'],
      ['push', digest(3), at(10), null],
    ]);
    expect(shown(timelineFromFindings(history, second))).toEqual([
      ['push', digest(1), null, null],
      ['push', digest(2), at(5), 'from'],
      ['push', digest(3), at(10), 'to'],
    ]);
  });

  it('shows the content moved from again when a move does not start where the last ended, and a delete', () => {
    // Prepare: a move from 7 seen after one that ended at 2 (a move between them was not reported).
    const first = move('a', 1, 2, 5);
    const later = move('b', 7, 8, 20, true);

    // Act
    const timeline = timelineFromFindings(historyFromFindings([first, later]), later);

    // Assess
    expect(shown(timeline)).toEqual([
      ['push', digest(1), null, null],
      ['push', digest(2), at(5), null],
      ['push', digest(7), null, 'from'],
      ['delete', null, null, null],
      ['push', digest(8), at(20), 'to'],
    ]);
    expect(timeline.source).toBe('findings');
  });

  it('shows at most twelve entries of a long history, ending two after the move', () => {
    // Prepare: digest n moves to n + 1 at minute 10n, for n = 0 … 19: 21 entries.
    const moves = Array.from({ length: 20 }, (_, n) => move(`m${n}`, n, n + 1, 10 * n));

    // Act
    const timeline = timelineFromFindings(historyFromFindings(moves), moves[9] as Finding);

    // Assess: the move 9 → 10 is entries 9 and 10; shown are entries 1 to 12.
    expect(timeline.entries.map((e) => e.digest)).toEqual(
      Array.from({ length: 12 }, (_, i) => digest(i + 1)),
    );
    expect(timeline.entries.map((e) => e.role).indexOf('from')).toBe(8);
    expect(timeline.entries.map((e) => e.role).indexOf('to')).toBe(9);
    expect(timeline.notShown).toBe(9);
  });
});

describe('renderTimeline', () => {
  it('lists the entries oldest first with their time, kind, short digest and marks', () => {
    // Prepare
    const timeline: Timeline = {
      source: 'findings',
      notShown: 3,
      entries: [
        { kind: 'push', digest: digest(1), time: null, role: 'from' },
        { kind: 'delete', digest: null, time: null, role: null },
        { kind: 'push', digest: digest(2), time: '2025-07-24T00:05:00.000Z', role: 'to' },
        { kind: 'push', digest: digest(1), time: '2025-07-24T00:09:00.000Z', role: null },
      ],
    };

    // Act
    const html = renderTimeline(timeline, 'v<1>');

    // Assess
    const items = html.match(/<li[^>]*>.*?<\/li>/g) ?? [];
    expect(items).toHaveLength(4);
    expect(items[0]).toContain('class="entry push from"');
    expect(items[0]).toContain('time not known');
    expect(items[0]).toContain(`title="${digest(1)}"`);
    expect(items[0]).toContain('<code>sha256:000000000000</code>');
    expect(items[0]).toContain('moved from');
    expect(items[1]).toContain('deleted');
    expect(items[1]).toContain('digest not named');
    expect(items[2]).toContain('2025-07-24 00:05:00 UTC');
    expect(items[2]).toContain('moved to');
    // The same content has the same colour; other content another.
    const colour = (item: string | undefined) => /class="digest (d\d)"/.exec(item ?? '')?.[1];
    expect(colour(items[3])).toBe(colour(items[0]));
    expect(colour(items[2])).not.toBe(colour(items[0]));
    expect(html).toContain('History of tag <code>v&lt;1&gt;</code>');
    expect(html).toContain('no ledger history');
    expect(html).toContain('3 other entries not shown');
  });
});
