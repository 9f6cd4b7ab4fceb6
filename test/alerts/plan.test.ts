/**
 * The alert protocol's plan (lib/core/delivery/plan.ts, docs/delivery.md), pure: which alerts a
 * run delivers and in what order, how each starts, and where each ends for every answer of the
 * alert log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALERT_LEASE_MS,
  afterClaim,
  afterLook,
  type ClaimAnswer,
  published,
  type QueuedAlert,
  queueAlerts,
  routeAlert,
  toDefer,
} from '../../lib/core/delivery/plan.ts';
import type { Delivery, Found } from '../../lib/core/model/delivery.ts';
import {
  type Finding,
  isAtLeast,
  SEVERITIES,
  type Severity,
} from '../../lib/core/model/findings.ts';
import { sampleFinding } from './findings.ts';

/** The delivery decisions docs/delivery.md defines, written out (not read from the code). */
const DELIVERIES: readonly Delivery[] = ['fresh', 'redelivered', 'recurring'];

const NOW = Date.UTC(2025, 6, 24, 12);

const finding = (id: string, severity: Severity = 'HIGH'): Finding =>
  sampleFinding('TAG_OVERWRITE_VIOLATION', { id, severity });
const found = (id: string, delivery: Delivery, severity: Severity = 'HIGH'): Found => ({
  finding: finding(id, severity),
  delivery,
});
const alert = (delivery: Delivery | null, stored = false): QueuedAlert => ({
  finding: finding('a'),
  delivery,
  stored,
  toTopic: true,
});

describe('queueAlerts', () => {
  it('queues every finding once per id, then pending alerts no finding repeats; only those at or above the threshold go to the topic', () => {
    // Prepare
    const findings = [
      found('high', 'fresh'),
      found('info', 'fresh', 'INFO'),
      found('high', 'redelivered'),
      found('both', 'recurring'),
    ];
    const pending = [finding('both'), finding('only-pending', 'INFO')];
    // Act
    const queue = queueAlerts(findings, pending, 'LOW');
    // Assess: every finding is an event on the bus; INFO is below LOW, so not published.
    expect(queue.alerts.map((a) => [a.finding.id, a.delivery, a.stored, a.toTopic])).toEqual([
      ['high', 'fresh', false, true],
      ['info', 'fresh', false, false],
      ['both', 'recurring', true, true],
      ['only-pending', null, true, false],
    ]);
    expect(queue.belowThreshold).toBe(2);
  });

  it('queues a finding below the threshold that is pending as stored, for the bus only', () => {
    const queue = queueAlerts([found('p', 'fresh', 'INFO')], [finding('p', 'INFO')], 'LOW');
    expect(queue.alerts.map((a) => [a.finding.id, a.delivery, a.stored, a.toTopic])).toEqual([
      ['p', 'fresh', true, false],
    ]);
    expect(queue.belowThreshold).toBe(1);
  });

  it('queues every id of a finding or pending alert exactly once, for the topic exactly when at or above the threshold (property)', () => {
    const arbFound = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      delivery: fc.constantFrom(...DELIVERIES),
      severity: fc.constantFrom(...SEVERITIES),
    });
    fc.assert(
      fc.property(
        fc.array(arbFound, { maxLength: 8 }),
        fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'e'), { maxLength: 3 }),
        fc.constantFrom(...SEVERITIES),
        fc.constantFrom(...SEVERITIES),
        (raw, pendingIds, pendingSeverity, threshold) => {
          const findings = raw.map((f) => found(f.id, f.delivery, f.severity));
          const pending = pendingIds.map((id) => finding(id, pendingSeverity));
          const queue = queueAlerts(findings, pending, threshold);
          const ids = queue.alerts.map((a) => a.finding.id);
          const expected = new Set([...findings.map((f) => f.finding.id), ...pendingIds]);
          expect(new Set(ids)).toEqual(expected);
          expect(ids).toHaveLength(expected.size);
          for (const a of queue.alerts) {
            expect(a.stored).toBe(pendingIds.includes(a.finding.id));
            // The first copy's decision and severity count; null only for what the ledger alone held.
            const first = findings.find((f) => f.finding.id === a.finding.id);
            expect(a.delivery).toBe(first ? first.delivery : null);
            const severity = first ? first.finding.severity : pendingSeverity;
            expect(a.toTopic).toBe(isAtLeast(severity, threshold));
          }
          expect(queue.belowThreshold).toBe(queue.alerts.filter((a) => !a.toTopic).length);
        },
      ),
    );
  });
});

describe('routeAlert', () => {
  const unknown = { now: NOW, writtenAt: undefined };
  const justWritten = { now: NOW, writtenAt: NOW - ALERT_LEASE_MS + 1 };
  const writtenLongAgo = { now: NOW, writtenAt: NOW - ALERT_LEASE_MS };

  it('publishes a fresh finding at once, whenever its item was written', () => {
    expect(routeAlert(alert('fresh'), unknown)).toBe('publish');
    expect(routeAlert(alert('fresh'), justWritten)).toBe('publish');
  });

  it('only looks at the log for a redelivered finding whose item another invocation wrote within the lease', () => {
    expect(routeAlert(alert('redelivered'), justWritten)).toBe('look');
    expect(routeAlert(alert('redelivered'), writtenLongAgo)).toBe('claim');
    expect(routeAlert(alert('redelivered'), unknown)).toBe('claim');
  });

  it('claims a late or recurring finding first', () => {
    expect(routeAlert(alert('recurring'), justWritten)).toBe('claim');
    expect(routeAlert(alert('recurring'), unknown)).toBe('claim');
  });

  it('claims a pending alert first, whatever its decision', () => {
    for (const delivery of [...DELIVERIES, null]) {
      expect(routeAlert(alert(delivery, true), justWritten)).toBe('claim');
    }
  });
});

describe('settling an alert', () => {
  it('publishes a claimed alert, and clears its pending copy if it has one', () => {
    expect(afterClaim(alert('recurring'), 'claimed')).toEqual({ publish: true, pending: 'keep' });
    expect(afterClaim(alert(null, true), 'claimed')).toEqual({ publish: true, pending: 'clear' });
    expect(published(alert('fresh'))).toEqual({ publish: true, pending: 'keep' });
  });

  it('skips an alert the log says sent as a duplicate, clearing its pending copy', () => {
    expect(afterClaim(alert('recurring'), 'sent')).toEqual({
      publish: false,
      as: 'duplicate',
      pending: 'keep',
    });
    expect(afterClaim(alert(null, true), 'sent')).toEqual({
      publish: false,
      as: 'duplicate',
      pending: 'clear',
    });
  });

  it('leaves an alert another invocation holds to it, stored as pending unless it is already', () => {
    expect(afterClaim(alert('recurring'), 'held')).toEqual({
      publish: false,
      as: 'inFlight',
      pending: 'store',
    });
    expect(afterClaim(alert(null, true), 'held')).toEqual({
      publish: false,
      as: 'inFlight',
      pending: 'keep',
    });
  });

  it('never publishes or stores what it only looked at: the writer does either', () => {
    expect(afterLook(true)).toEqual({ publish: false, as: 'duplicate', pending: 'keep' });
    expect(afterLook(false)).toEqual({ publish: false, as: 'inFlight', pending: 'keep' });
  });

  it('publishes exactly when claimed, and stores or clears a copy only where one is missing or present (property)', () => {
    const answers: ClaimAnswer[] = ['claimed', 'sent', 'held'];
    fc.assert(
      fc.property(
        fc.constantFrom(...DELIVERIES, null),
        fc.boolean(),
        fc.constantFrom(...answers),
        (delivery, stored, answer) => {
          const settled = afterClaim(alert(delivery, stored), answer);
          expect(settled.publish).toBe(answer === 'claimed');
          if (settled.pending === 'store') expect(stored).toBe(false);
          if (settled.pending === 'clear') expect(stored).toBe(true);
          // Delivered or found delivered: a stored copy always goes.
          if (stored && answer !== 'held') expect(settled.pending).toBe('clear');
        },
      ),
    );
  });
});

describe('toDefer', () => {
  it('defers the failed alert and every later one not stored already', () => {
    const rest: QueuedAlert[] = [
      { finding: finding('failed'), delivery: 'fresh', stored: false, toTopic: true },
      { finding: finding('stored'), delivery: null, stored: true, toTopic: true },
      { finding: finding('later'), delivery: 'recurring', stored: false, toTopic: false },
    ];
    expect(toDefer(rest).map((f) => f.id)).toEqual(['failed', 'later']);
  });
});
