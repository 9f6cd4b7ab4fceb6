/**
 * Faults of DynamoDB and SNS at every step of one overwrite's way to an alert — the ledger write,
 * Publish, the alert log; on a retry also the claim of the alert — each injected in the fakes for
 * a whole invocation (beyond the SDK's retries), with Lambda's retries after it. And the
 * faults that strike after the service acted: the write applied or the message accepted, the
 * answer lost. Outcome asserted every time: one alert for the overwrite, with the right content,
 * and a consistent ledger (tag at the new digest, alert marked sent, nothing left pending).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '../../lib/aws/alert-error.ts';
import { ALERT_LEASE_MS } from '../../lib/core/delivery/plan.ts';
import { EMPTY_TAG_RECORD, recordedMoves, tagState } from '../../lib/core/engine/tag-history.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import type { Composition } from '../../lib/runtime/compose.ts';
import { policy } from '../aws/support.ts';
import { type Fault, fault } from '../fakes/http.ts';
import { imagePush, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import { eventUuid } from '../support/uuid.ts';
import {
  alertIds,
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
/**
 * Runtimes with a short per-attempt timeout, for faults where the service never answers: on
 * DynamoDB (whose every write is safe to retry), and on SNS (longer: a Publish that times out
 * while SNS takes it after all is sent twice, which a slow machine must not cause here).
 */
let impatient: Composition;
let impatientSns: Composition;
beforeAll(async () => {
  h = await startHarness(POLICY);
  impatient = h.container({ dynamo: { requestTimeoutMs: 300 } });
  impatientSns = h.container({ sns: { requestTimeoutMs: 1_000 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

let repositories = 0;
/**
 * A fresh repository whose tag `v1` was pushed (digest 1), and the event that overwrites it
 * (digest 2): a HIGH violation, since `v1` is immutable under the policy.
 */
async function overwriteOf(label: string) {
  const repository = `faults/${++repositories}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  await auditEvent(
    imagePush({
      repository,
      tag: 'v1',
      digest: digest(1),
      id: `${repository}/1`,
      time: '2025-07-24T10:00:00Z',
    }),
    h.runtime,
  );
  h.reset();
  const event = imagePush({
    repository,
    tag: 'v1',
    digest: digest(2),
    id: `${repository}/2`,
    time: '2025-07-24T10:01:00Z',
  });
  return { repository, event };
}

/** The finding of a published message (in its notification's additional context). */
function findingOf(index: number): Finding {
  return findingOfMessage(h.sns.published[index]?.message ?? '{}');
}

/** One alert, for the overwrite of `repository`:v1 from digest 1 to digest 2; ledger consistent. */
async function expectExactlyOneAlert(repository: string): Promise<void> {
  const ids = alertIds(h.sns);
  expect(ids).toHaveLength(1);
  expect(findingOf(0)).toMatchObject({
    kind: 'TAG_OVERWRITE_VIOLATION',
    severity: 'HIGH',
    repository,
    tag: 'v1',
    previousDigest: digest(1),
    digest: digest(2),
    viaDelete: false,
    eventId: eventUuid(`${repository}/2`),
  });
  await expectConsistent(repository, ids[0] ?? '');
}

/** The tag at digest 2, no alert left pending on it, the alert marked sent (no claim left). */
async function expectConsistent(repository: string, id: string): Promise<void> {
  const tags = await h.runtime.ledger.tags({
    account: SAMPLE.account,
    region: SAMPLE.region,
    repository,
  });
  const record = tags.get('v1');
  expect(tagState(record)).toEqual({ digest: digest(2), live: true });
  expect(
    recordedMoves(record ?? EMPTY_TAG_RECORD).map(({ from, move }) => [from, move.to]),
  ).toEqual([[digest(1), digest(2)]]);
  const tagItem = await rawItem(
    h,
    `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`,
    'TAG#v1',
  );
  expect(pendingNames(tagItem)).toEqual([]);
  const log = await rawItem(h, `ALERT#${id}`, 'ALERT');
  expect(log?.sentAt?.S).toBeDefined();
  expect(log?.lease).toBeUndefined();
}

/** `fault` for every request of `step` while `active` says so (the first invocation). */
function strike(step: string, make: () => Fault, active: () => boolean) {
  h.dynamo.injectWith('*', ({ operation, body }) =>
    active() && stepOf(operation, body) === step ? make() : undefined,
  );
}

const FAULTS: Record<string, () => Fault> = {
  'ThrottlingException beyond the SDK retries': fault.throttle,
  'HTTP 500 beyond the SDK retries': fault.internal,
  'a timeout (no answer) on every attempt': fault.hang,
  'a reset connection on every attempt': fault.reset,
};

describe('DynamoDB failing during the first invocation, then Lambda retrying', () => {
  for (const [name, make] of Object.entries(FAULTS)) {
    it(`the ledger write (updateTag): ${name} → the invocation fails, the retry alerts once`, async () => {
      const { repository, event } = await overwriteOf(`ledger-${name}`);
      let first = true;
      strike('ledger', make, () => first);
      const runtime = make === fault.hang ? impatient : h.runtime;
      const run = await invokeAsync(event, runtime, () => {
        // Nothing was published in the failed attempt.
        expect(h.sns.published).toEqual([]);
        first = false;
      });
      expect(run.attempts).toBe(2);
      expect(run.toFailureDestination).toBe(false);
      expect(h.dynamo.requests.some((r) => r.fault !== undefined)).toBe(true);
      await expectExactlyOneAlert(repository);
    });
  }

  for (const [name, make] of Object.entries(FAULTS)) {
    it(`the claim of the alert, on a retry: ${name} → that attempt fails too, the next alerts once`, async () => {
      // The first attempt's Publish fails, so the retry is a redelivery: it claims the alert.
      const { repository, event } = await overwriteOf(`claim-${name}`);
      let attempt = 1;
      h.sns.injectWith('Publish', () => (attempt === 1 ? fault.internal() : undefined));
      strike('claim', make, () => attempt === 2);
      const runtime = make === fault.hang ? impatient : h.runtime;
      const run = await invokeAsync(event, runtime, (retry) => {
        expect(h.sns.published).toEqual([]);
        attempt = retry + 1;
      });
      expect(run.attempts).toBe(3);
      expect(
        h.dynamo.requests.some(
          (r) => r.fault !== undefined && stepOf(r.operation, r.body) === 'claim',
        ),
      ).toBe(true);
      await expectExactlyOneAlert(repository);
    });
  }

  for (const [name, make] of Object.entries(FAULTS)) {
    it(`marking the alert sent: ${name} → published once, the invocation succeeds (no retry to send it again)`, async () => {
      const { event } = await overwriteOf(`mark-${name}`);
      let first = true;
      strike('markSent', make, () => first);
      const runtime = make === fault.hang ? impatient : h.runtime;
      const fast = { ...runtime, alerts: { ...runtime.alerts, logRetryDelaysMs: [1, 1] } };
      const run = await invokeAsync(event, fast);
      first = false;
      expect(run.attempts).toBe(1);
      expect(alertIds(h.sns)).toHaveLength(1);
      expect(h.telemetry.count('AlertLogFailures')).toBe(1);
      expect(h.telemetry.logs).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'Alerts published but not recorded in the alert log',
        }),
      );
      // EventBridge delivers the event again right after: the tag's fresh write tells it that the
      // first invocation is on it (and the log does not say sent): nothing more is sent.
      await auditEvent(event, h.runtime);
      expect(alertIds(h.sns)).toHaveLength(1);
      expect(h.telemetry.count('AlertsInFlight')).toBe(1);
    });
  }
});

describe('SNS failing during the first invocation, then Lambda retrying', () => {
  const SNS_FAULTS: Record<string, () => Fault> = {
    'Throttled (429) beyond the SDK retries': fault.throttle,
    'HTTP 500 beyond the SDK retries': fault.internal,
    'a timeout (no answer) on every attempt': fault.hang,
    'a reset connection on every attempt': fault.reset,
  };
  for (const [name, make] of Object.entries(SNS_FAULTS)) {
    it(`Publish: ${name} → the alert is kept pending on its tag, the retry alerts once`, async () => {
      const { repository, event } = await overwriteOf(`publish-${name}`);
      let first = true;
      h.sns.injectWith('Publish', () => (first ? make() : undefined));
      const runtime = make === fault.hang ? impatientSns : h.runtime;
      const run = await invokeAsync(event, runtime, async () => {
        first = false;
        // Between the attempts: the ledger moved, and the finding waits on the tag item.
        const item = await rawItem(
          h,
          `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`,
          'TAG#v1',
        );
        expect(tagState(JSON.parse(item?.rec?.S ?? '{}')).digest).toBe(digest(2));
        expect(pendingNames(item)).toHaveLength(1);
      });
      expect(run.attempts).toBe(2);
      expect(run.errors[0]).toBeInstanceOf(AlertDeliveryError);
      expect(run.errors[0]).toMatchObject({ deferred: 1 });
      expect(h.sns.count('Publish')).toBeGreaterThan(1);
      expect(h.telemetry.count('AlertDeliveryFailures')).toBe(1);
      await expectExactlyOneAlert(repository);
    });
  }
});

/** The runtime a while later: Lambda retries an asynchronous event after a minute or more. */
function later(ms: number): Composition {
  const at = Date.now() + ms;
  return { ...h.runtime, alerts: { ...h.runtime.alerts, now: () => at } };
}

describe('two faults at once', () => {
  it('SNS failing and the pending alert not stored either: the retry a minute later alerts once', async () => {
    const { repository, event } = await overwriteOf('double-fault');
    h.sns.inject('Publish', fault.internal(), fault.internal(), fault.internal());
    strike('storePending', fault.internal, () => true);
    await expect(auditEvent(event, h.runtime)).rejects.toMatchObject({
      name: 'AlertDeliveryError',
      deferred: 0,
    });
    h.dynamo.clearFaults();
    // Retried at once, the tag's write of a moment ago says its invocation is still at it:
    // nothing is sent twice. Lambda's retry comes a minute later, and sends it.
    await auditEvent(event, h.runtime);
    expect(h.sns.published).toEqual([]);
    expect(h.telemetry.count('AlertsInFlight')).toBe(1);
    await auditEvent(event, later(60_000));
    await expectExactlyOneAlert(repository);
  });

  it('SNS failing twice and the claim not released: the retry a minute later alerts once', async () => {
    const { repository, event } = await overwriteOf('unreleased');
    let failing = true;
    h.sns.injectWith('Publish', () => (failing ? fault.internal() : undefined));
    await expect(auditEvent(event, h.runtime)).rejects.toBeInstanceOf(AlertDeliveryError);
    // The retry claims the alert, SNS fails again, and the claim cannot be given up.
    strike('release', fault.internal, () => true);
    await expect(auditEvent(event, h.runtime)).rejects.toBeInstanceOf(AlertDeliveryError);
    h.dynamo.clearFaults();
    failing = false;
    // Retried at once, the claim still holds: nothing is sent, the alert stays pending.
    await auditEvent(event, h.runtime);
    expect(h.sns.published).toEqual([]);
    expect(h.telemetry.count('AlertsInFlight')).toBe(1);
    await auditEvent(event, later(60_000));
    await expectExactlyOneAlert(repository);
  });
});

describe('a write applied, its answer lost (the SDK retries it)', () => {
  for (const step of ['ledger', 'markSent'] as const) {
    for (const lost of ['internal', 'hang'] as const) {
      it(`${step}: answer ${lost === 'internal' ? '500' : 'never comes'} after the write → one alert, no failed invocation`, async () => {
        const { repository, event } = await overwriteOf(`lost-${step}-${lost}`);
        let once = true;
        h.dynamo.afterApply = ({ operation, body }) => {
          if (!once || stepOf(operation, body) !== step) return undefined;
          once = false;
          return lost;
        };
        const run = await invokeAsync(event, lost === 'hang' ? impatient : h.runtime);
        expect(once).toBe(false); // the fault struck
        expect(run.attempts).toBe(1);
        await expectExactlyOneAlert(repository);
      });
    }
  }

  for (const lost of ['internal', 'hang'] as const) {
    it(`the claim on a retry: answer ${lost === 'internal' ? '500' : 'never comes'} after the write → recognised as its own, one alert`, async () => {
      const { repository, event } = await overwriteOf(`lost-claim-${lost}`);
      let attempt = 1;
      h.sns.injectWith('Publish', () => (attempt === 1 ? fault.internal() : undefined));
      let once = true;
      h.dynamo.afterApply = ({ operation, body }) => {
        if (attempt !== 2 || !once || stepOf(operation, body) !== 'claim') return undefined;
        once = false;
        return lost;
      };
      const run = await invokeAsync(event, lost === 'hang' ? impatient : h.runtime, (retry) => {
        attempt = retry + 1;
      });
      expect(once).toBe(false);
      expect(run.attempts).toBe(2);
      await expectExactlyOneAlert(repository);
    });
  }

  it('the pending alert stored, its answer lost: the retry still alerts once and clears it', async () => {
    const { repository, event } = await overwriteOf('lost-pending');
    let publishFails = true;
    h.sns.injectWith('Publish', () => (publishFails ? fault.internal() : undefined));
    let once = true;
    h.dynamo.afterApply = ({ operation, body }) => {
      if (!once || stepOf(operation, body) !== 'storePending') return undefined;
      once = false;
      return 'internal';
    };
    const run = await invokeAsync(event, h.runtime, () => {
      publishFails = false;
    });
    expect(once).toBe(false);
    expect(run.attempts).toBe(2);
    await expectExactlyOneAlert(repository);
  });
});

describe('SNS accepting a message whose answer is lost: at least once, never lost', () => {
  it('a 500 after acceptance: the SDK sends it again; every copy carries the same finding id', async () => {
    const { repository, event } = await overwriteOf('sns-accepted-500');
    h.sns.afterAccept = loseFirstAnswer();
    const run = await invokeAsync(event, h.runtime);
    expect(run.attempts).toBe(1);
    const ids = alertIds(h.sns);
    // Two copies of one alert: SNS offers no idempotent publish to a standard topic, and a lost
    // answer is indistinguishable from a refusal. Subscribers de-duplicate by the id.
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    await expectConsistent(repository, ids[0] ?? '');
    // And never more: the event delivered again sends nothing.
    await auditEvent(event, h.runtime);
    expect(alertIds(h.sns)).toHaveLength(2);
  });

  it('the alert log unwritable for good: a redelivery after the lease sends it again, once', async () => {
    const { event } = await overwriteOf('log-lost-for-good');
    h.dynamo.injectWith('*', ({ operation, body }) =>
      stepOf(operation, body) === 'markSent' ? fault.internal() : undefined,
    );
    const fast = { ...h.runtime, alerts: { ...h.runtime.alerts, logRetryDelaysMs: [] } };
    await auditEvent(event, fast);
    h.dynamo.clearFaults();
    expect(alertIds(h.sns)).toHaveLength(1);
    // Later (the lease long over), EventBridge delivers the event again: the log
    // cannot tell that it was sent, so it is sent again — at least once, same id.
    const later = Date.now() + ALERT_LEASE_MS + 1000;
    await auditEvent(event, { ...h.runtime, alerts: { ...h.runtime.alerts, now: () => later } });
    const ids = alertIds(h.sns);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });
});
