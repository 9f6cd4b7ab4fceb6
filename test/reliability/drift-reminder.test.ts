/**
 * A drift that outlasts the alert log (30 days): the scheduled scan, with the real clients on the
 * fake ECR, dynalite and the fake SNS, run once a day for 65 days under one injected clock (the
 * scan's and the alert log's). The drift is alerted when first seen and then once per 30 days
 * as a reminder under a new id — never the same id twice (reliability issue 10, item 15).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { DRIFT_REMINDER_MS, reminderOf } from '../../lib/core/model/reminder.ts';
import type { Composition } from '../../lib/runtime/compose.ts';
import { scheduledScan } from '../../lib/runtime/lambda.ts';
import { policy } from '../aws/support.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import { type Harness, startHarness } from './support.ts';

const DAY_MS = 86_400_000;
const REGION = 'us-west-2';
const ACCOUNT = '400000000001';

let h: Harness;
let ecrServer: StartedServer;
const ecr = new FakeEcr({ accountId: ACCOUNT, region: REGION });
beforeAll(async () => {
  h = await startHarness(policy(DEV_MUTABLE_POLICY));
  ecrServer = await ecr.start();
});
afterAll(async () => {
  await ecrServer.close();
  await h.close();
});

describe('a drift lasting longer than the alert log remembers', () => {
  it('scanned daily for 65 days: alerted on day 0, reminded on days 30 and 60, never one id twice', async () => {
    // Prepare: one loosened repository; the scan's clock and the alert log's are the same.
    ecr.addRepository('loose', { imageTagMutability: 'MUTABLE' });
    ecr.pushImage('loose', 'v1', digest(1));
    const start = Date.UTC(2025, 6, 1, 6);
    let clock = start;
    const runtime: Composition = {
      ...h.runtime,
      alerts: { ...h.runtime.alerts, now: () => clock },
    };
    const registry = createEcrRegistry(ecrClient(ecrServer, { retryDelayMs: 1 }));
    // Act
    for (let day = 0; day < 65; day++) {
      clock = start + day * DAY_MS;
      const now = new Date(clock);
      await scheduledScan(runtime, { registry, account: ACCOUNT, region: REGION, now: () => now });
    }
    // Assess
    const drifts = h.sns.published
      .filter((m) => m.messageAttributes.kind?.stringValue === 'CONFIG_DRIFT')
      .map((m) => findingOfMessage(m.message));
    expect(drifts.map((f) => f.eventTime)).toEqual([
      new Date(start).toISOString(),
      new Date(start + 30 * DAY_MS).toISOString(),
      new Date(start + 60 * DAY_MS).toISOString(),
    ]);
    expect(new Set(drifts.map((f) => f.id)).size).toBe(3);
    expect(drifts[0]?.message).not.toContain('Still drifted');
    expect(drifts[1]?.message).toContain('Still drifted after 30 days');
    expect(drifts[2]?.message).toContain('Still drifted after 60 days');
  });
});

describe('reminderOf', () => {
  it('counts whole reminder periods since the episode began; 0 when a time is unknown', () => {
    const since = '2025-07-01T00:00:00.000Z';
    const later = (ms: number) => new Date(Date.parse(since) + ms).toISOString();
    expect(reminderOf(since, later(DRIFT_REMINDER_MS - 1))).toBe(0);
    expect(reminderOf(since, later(DRIFT_REMINDER_MS))).toBe(1);
    expect(reminderOf(since, later(2 * DRIFT_REMINDER_MS))).toBe(2);
    expect(reminderOf(since, later(-DAY_MS))).toBe(0);
    expect(reminderOf(null, since)).toBe(0);
    expect(reminderOf(since, null)).toBe(0);
  });
});
