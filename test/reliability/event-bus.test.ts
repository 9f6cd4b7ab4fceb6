/**
 * Every finding as an event on the auditor's bus (issue 12), under the faults of EventBridge:
 * the whole request refused (throttling, 500, a timeout, a reset) beyond the SDK's retries, an
 * entry refused inside an answer of 200 (`FailedEntryCount`, retryable codes or not), the event
 * accepted and its answer lost — and SNS failing after the event went out. Lambda's retries
 * after each (the runtime composed on the loopback fakes, `invokeAsync`). Outcome asserted every
 * time: each finding id put on the bus once (twice only where a lost answer makes it
 * unknowable, as for SNS), published once when at or above the threshold, never dropped.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_LEASE_MS } from '../../lib/core/delivery/plan.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import type { Composition } from '../../lib/runtime/compose.ts';
import { policy } from '../aws/support.ts';
import type { EntryFailure } from '../fakes/eventbridge.ts';
import { type Fault, fault } from '../fakes/http.ts';
import { imagePush, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import {
  alertIds,
  eventIds,
  type Harness,
  invokeAsync,
  loseFirstAnswer,
  pendingNames,
  rawItem,
  startHarness,
  stepOf,
} from './support.ts';

const POLICY = policy(DEV_MUTABLE_POLICY);

let h: Harness;
/** A runtime whose EventBridge client gives up on an attempt after 300 ms (no answer). */
let impatient: Composition;
beforeAll(async () => {
  h = await startHarness(POLICY);
  impatient = h.container({ events: { requestTimeoutMs: 300 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

let repositories = 0;
/**
 * A fresh repository whose tag `tag` was pushed (digest 1), and the event that overwrites it
 * (digest 2): a HIGH violation for `v1`, an INFO allowed overwrite (below the threshold LOW) for
 * a `dev-*` tag.
 */
async function overwriteOf(label: string, tag = 'v1') {
  const repository = `bus/${++repositories}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  const push = (d: number, minute: number) =>
    imagePush({
      repository,
      tag,
      digest: digest(d),
      id: `${repository}/${d}`,
      time: `2025-07-24T10:0${minute}:00Z`,
    });
  await auditEvent(push(1, 0), h.runtime);
  h.reset();
  return { repository, event: push(2, 1), push };
}

/** The tag item's raw attributes. */
const tagItem = (repository: string, tag = 'v1') =>
  rawItem(h, `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`, `TAG#${tag}`);

/** Exactly one event and one alert, for the same finding, whose log entry says sent. */
async function expectOnceEach(repository: string): Promise<Finding> {
  expect(h.events.put).toHaveLength(1);
  const finding = h.events.put[0]?.event.detail as unknown as Finding;
  expect(finding).toMatchObject({ kind: 'TAG_OVERWRITE_VIOLATION', repository, tag: 'v1' });
  expect(alertIds(h.sns)).toEqual([finding.id]);
  expect((await rawItem(h, `ALERT#${finding.id}`, 'ALERT'))?.sentAt).toBeDefined();
  expect(pendingNames(await tagItem(repository))).toEqual([]);
  return finding;
}

const REQUEST_FAULTS: Record<string, () => Fault> = {
  'ThrottlingException beyond the SDK retries': fault.throttle,
  'HTTP 500 beyond the SDK retries': fault.internal,
  'a timeout (no answer) on every attempt': fault.hang,
  'a reset connection on every attempt': fault.reset,
};

describe('EventBridge failing during the first invocation, then Lambda retrying', () => {
  for (const [name, make] of Object.entries(REQUEST_FAULTS)) {
    it(`PutEvents: ${name} → nothing published, the finding kept pending on its tag; the retry puts and alerts once`, async () => {
      const { repository, event } = await overwriteOf(`request-${name}`);
      let first = true;
      h.events.injectWith('PutEvents', () => (first ? make() : undefined));
      const runtime = make === fault.hang ? impatient : h.runtime;
      const run = await invokeAsync(event, runtime, async () => {
        // Between the attempts: no event, no message; the finding waits on its tag item.
        expect(h.events.put).toEqual([]);
        expect(h.sns.published).toEqual([]);
        expect(pendingNames(await tagItem(repository))).toHaveLength(1);
        first = false;
      });
      expect(run.attempts).toBe(2);
      expect(run.errors[0]).toMatchObject({ name: 'FindingEventError', deferred: 1 });
      expect(h.events.count('PutEvents')).toBeGreaterThanOrEqual(4);
      await expectOnceEach(repository);
    });
  }

  it.each(['ThrottlingException', 'InternalFailure'])(
    'an entry failing with %s (FailedEntryCount 1) beyond the retries within the invocation → the retry puts it once',
    async (code) => {
      const { repository, event } = await overwriteOf(`entry-${code}`);
      let first = true;
      h.events.entryFault = () => (first ? { code, message: 'injected' } : undefined);
      const run = await invokeAsync(event, h.runtime, () => {
        first = false;
      });
      expect(run.attempts).toBe(2);
      // One request and as many again as the invocation waits to retry a failed entry (4).
      expect(h.events.requests.filter((r) => r.fault === undefined)).toHaveLength(6);
      await expectOnceEach(repository);
    },
  );

  it('an entry failing twice with ThrottlingException → put again within the invocation, which succeeds', async () => {
    const { repository, event } = await overwriteOf('entry-twice');
    h.events.entryFault = (_, n) =>
      n <= 2 ? { code: 'ThrottlingException', message: 'Rate exceeded' } : undefined;
    const run = await invokeAsync(event, h.runtime);
    expect(run.attempts).toBe(1);
    expect(h.events.count('PutEvents')).toBe(3);
    await expectOnceEach(repository);
  });

  it('an entry refused for good (AccessDeniedException) → not put again within the invocation; once allowed, the retry delivers once', async () => {
    const { repository, event } = await overwriteOf('entry-denied');
    let denied = true;
    h.events.entryFault = () =>
      denied ? { code: 'AccessDeniedException', message: 'not allowed' } : undefined;
    const run = await invokeAsync(event, h.runtime, (retry) => {
      // Each attempt makes one request: a non-retryable code is not retried.
      expect(h.events.count('PutEvents')).toBe(retry);
      if (retry === 2) denied = false;
    });
    expect(run.attempts).toBe(3);
    expect(h.telemetry.count('AlertDeliveryFailures')).toBe(2);
    await expectOnceEach(repository);
  });
});

describe('SNS failing after the event went out', () => {
  it('Publish failing beyond the SDK retries → the put is recorded; the retry publishes once and puts nothing again', async () => {
    const { repository, event } = await overwriteOf('publish-after-put');
    let first = true;
    h.sns.injectWith('Publish', () => (first ? fault.internal() : undefined));
    const run = await invokeAsync(event, h.runtime, async () => {
      expect(eventIds(h.events)).toHaveLength(1);
      expect(h.sns.published).toEqual([]);
      const id = eventIds(h.events)[0] ?? '';
      // The alert log says the event is out, and not that the alert was sent.
      const log = await rawItem(h, `ALERT#${id}`, 'ALERT');
      expect(log?.putAt?.S).toBeDefined();
      expect(log?.sentAt).toBeUndefined();
      first = false;
    });
    expect(run.attempts).toBe(2);
    expect(h.dynamo.requests.some((r) => stepOf(r.operation, r.body) === 'recordPut')).toBe(true);
    await expectOnceEach(repository);
  });

  it('Publish failing on three attempts → the failure queue; its replay publishes once, the event still once', async () => {
    const { repository, event } = await overwriteOf('publish-to-queue');
    let failing = true;
    h.sns.injectWith('Publish', () => (failing ? fault.internal() : undefined));
    const run = await invokeAsync(event, h.runtime);
    expect(run.toFailureDestination).toBe(true);
    failing = false;
    await auditEvent(event, h.runtime);
    await auditEvent(event, h.runtime);
    await expectOnceEach(repository);
  });

  it('the record of the put failing too → the retry puts the event again (same id): two faults at once', async () => {
    const { event } = await overwriteOf('record-put-lost');
    let first = true;
    h.sns.injectWith('Publish', () => (first ? fault.internal() : undefined));
    h.dynamo.injectWith('*', ({ operation, body }) =>
      first && stepOf(operation, body) === 'recordPut' ? fault.internal() : undefined,
    );
    await invokeAsync(event, h.runtime, () => {
      first = false;
    });
    const ids = eventIds(h.events);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(alertIds(h.sns)).toEqual([ids[0]]);
  });
});

describe('EventBridge accepting an event whose answer is lost: at least once, never lost', () => {
  it('a 500 after acceptance: the SDK puts it again; both copies carry the same finding id', async () => {
    const { repository, event } = await overwriteOf('accepted-500');
    h.events.afterAccept = loseFirstAnswer();
    const run = await invokeAsync(event, h.runtime);
    expect(run.attempts).toBe(1);
    const ids = eventIds(h.events);
    // PutEvents has no idempotency token: a lost answer cannot be told from a refusal.
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(alertIds(h.sns)).toEqual([ids[0]]);
    expect(pendingNames(await tagItem(repository))).toEqual([]);
    // And never more: the event delivered again puts nothing.
    await auditEvent(event, h.runtime);
    expect(eventIds(h.events)).toHaveLength(2);
  });
});

describe('findings below the threshold', () => {
  it('an allowed overwrite (INFO) is put on the bus once, not published; a redelivery after the lease puts nothing', async () => {
    const { repository, event } = await overwriteOf('info', 'dev-1');
    await auditEvent(event, h.runtime);
    expect(h.events.put.map((p) => p.event.detail)).toMatchObject([
      { kind: 'TAG_OVERWRITE_ALLOWED', severity: 'INFO', repository, tag: 'dev-1' },
    ]);
    expect(h.sns.published).toEqual([]);
    const later = Date.now() + ALERT_LEASE_MS + 1000;
    await auditEvent(event, { ...h.runtime, alerts: { ...h.runtime.alerts, now: () => later } });
    expect(h.events.put).toHaveLength(1);
    expect(h.telemetry.count('AlertsDuplicate')).toBe(1);
  });

  it('EventBridge down for an INFO finding: kept pending like an alert, delivered to the bus by the retry', async () => {
    const { repository, event } = await overwriteOf('info-down', 'dev-1');
    let first = true;
    h.events.injectWith('PutEvents', () => (first ? fault.internal() : undefined));
    const run = await invokeAsync(event, h.runtime, async () => {
      expect(pendingNames(await tagItem(repository, 'dev-1'))).toHaveLength(1);
      first = false;
    });
    expect(run.attempts).toBe(2);
    expect(h.events.put).toHaveLength(1);
    expect(h.sns.published).toEqual([]);
    expect(pendingNames(await tagItem(repository, 'dev-1'))).toEqual([]);
  });
});

describe('the world moves on while EventBridge is down', () => {
  it('the tag pushed again before the retry: both findings wait on the tag, then each is put and alerted once', async () => {
    const { repository, event, push } = await overwriteOf('moved-on');
    let down = true;
    h.events.injectWith('PutEvents', () => (down ? fault.internal() : undefined));
    // Every attempt fails; the tag is pushed again (digest 3) while EventBridge is still down.
    const run = await invokeAsync(event, h.runtime);
    expect(run.toFailureDestination).toBe(true);
    await expect(auditEvent(push(3, 2), h.runtime)).rejects.toMatchObject({
      name: 'FindingEventError',
    });
    expect(pendingNames(await tagItem(repository))).toHaveLength(2);
    // EventBridge back: the next push reads both pending findings and delivers them.
    down = false;
    await auditEvent(push(1, 3), h.runtime);
    const moves = h.events.put.map((p) => p.event.detail);
    expect(moves.map((m) => `${m.previousDigest} → ${m.digest}`).sort()).toEqual(
      [
        `${digest(1)} → ${digest(2)}`,
        `${digest(2)} → ${digest(3)}`,
        `${digest(3)} → ${digest(1)}`,
      ].sort(),
    );
    expect(new Set(eventIds(h.events)).size).toBe(3);
    expect(alertIds(h.sns)).toEqual(eventIds(h.events));
    expect(pendingNames(await tagItem(repository))).toEqual([]);
    // The failure queue replayed afterwards: nothing again.
    await auditEvent(event, h.runtime);
    expect(h.events.put).toHaveLength(3);
    expect(h.sns.published).toHaveLength(3);
  });
});

/** What one PutEvents or Publish request meets in the property below. */
type Outcome = 'ok' | 'throttled' | 'internal' | 'denied' | 'request-500';

describe('property: random EventBridge and SNS failures across the retries (issue 12)', () => {
  it('every finding is put exactly once and published exactly once at or above the threshold, none dropped', async () => {
    const outcome = fc.constantFrom<Outcome>(
      'ok',
      'ok',
      'throttled',
      'internal',
      'denied',
      'request-500',
    );
    await fc.assert(
      fc.asyncProperty(
        // Tags overwritten in one repository: `v*` HIGH (alerted), `dev-*` INFO (bus only).
        fc.uniqueArray(fc.constantFrom('v1', 'v2', 'dev-1', 'dev-2'), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(outcome, { maxLength: 24 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        async (tags, eventsPlan, snsPlan) => {
          // Prepare: each tag pushed once (no finding), then the faults, then its overwrite.
          h.reset();
          const repository = `bus/property-${++repositories}`;
          const push = (tag: string, d: number, minute: number) =>
            imagePush({
              repository,
              tag,
              digest: digest(d),
              id: `${repository}/${tag}/${d}`,
              time: `2025-07-24T10:0${minute}:00Z`,
            });
          for (const tag of tags) await auditEvent(push(tag, 1, 0), h.runtime);
          h.reset();
          // Requests meet the plans in order; past their end, everything works.
          const entryPlan = [...eventsPlan];
          h.events.injectWith('PutEvents', () => {
            if (entryPlan[0] !== 'request-500') return undefined;
            entryPlan.shift();
            return fault.internal();
          });
          h.events.entryFault = (): EntryFailure | undefined => {
            const next = entryPlan.shift();
            if (next === 'throttled') return { code: 'ThrottlingException', message: 'x' };
            if (next === 'internal') return { code: 'InternalFailure', message: 'x' };
            if (next === 'denied') return { code: 'AccessDeniedException', message: 'x' };
            return undefined;
          };
          const publishPlan = [...snsPlan];
          h.sns.injectWith('Publish', () => (publishPlan.shift() ? fault.internal() : undefined));
          // Act: each overwrite through Lambda's asynchronous invocation; what ends in the
          // failure queue is replayed once the operator fixed the cause (the plans are spent).
          for (const tag of tags) {
            const event = push(tag, 2, 1);
            const run = await invokeAsync(event, h.runtime);
            if (run.toFailureDestination) {
              entryPlan.length = 0;
              publishPlan.length = 0;
              await auditEvent(event, h.runtime);
            }
          }
          // Assess: one event per overwrite, none twice; alerts exactly for the v* tags.
          const put = h.events.put.map((p) => p.event.detail as unknown as Finding);
          expect(put.map((f) => f.tag).sort()).toEqual([...tags].sort());
          expect(new Set(put.map((f) => f.id)).size).toBe(put.length);
          const alerted = put.filter((f) => f.severity === 'HIGH').map((f) => f.id);
          expect([...alertIds(h.sns)].sort()).toEqual(alerted.sort());
          for (const tag of tags) expect(pendingNames(await tagItem(repository, tag))).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
