/**
 * Organization-wide policy (docs/policy.md#selectors): events of three accounts and two regions
 * through the central runtime (`auditEvent` on dynalite and the fake SNS), one policy with rules
 * per account and region. The same overwrite of `payments/api:v1` is allowed or a violation
 * depending on where it happened, and every alert names that account and region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import type { ChatNotification } from '../../lib/render/chat.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { policy } from '../aws/support.ts';
import { type Harness, startHarness } from '../reliability/support.ts';
import { digest } from '../support/digest.ts';
import { findingOfMessage } from '../support/published.ts';
import { cloudTrailPutImage } from './support.ts';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const REGIONS = ['eu-west-1', 'us-east-1'] as const;

/** Account A: every tag mutable. Account C: mutable in us-east-1 only. Else: immutable. */
const POLICY = policy(`version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["${A}"]
    imageTagMutability: MUTABLE
  - accounts: ["${C}"]
    regions: [us-east-1]
    imageTagMutability: MUTABLE
`);

const REPOSITORY = 'payments/api';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(POLICY);
});
afterAll(() => h.close());

/** Pushes `v1` twice with different content in one account and region; returns the findings. */
async function overwriteIn(account: string, region: string): Promise<readonly Finding[]> {
  const runtime = h.container({ minSeverity: 'INFO' });
  const push = (n: number, time: string) =>
    cloudTrailPutImage({
      account,
      region,
      repository: REPOSITORY,
      tag: 'v1',
      digest: digest(n),
      eventId: `${account}-${region}-${n}`,
      time,
    });
  const first = await auditEvent(push(1, '2025-07-24T10:00:00Z'), runtime);
  const second = await auditEvent(push(2, '2025-07-24T10:05:00Z'), runtime);
  expect(first).toMatchObject({ status: 'audited', findings: [] });
  expect(second.status).toBe('audited');
  return second.status === 'audited' ? second.findings : [];
}

describe('one policy for three accounts and two regions, through auditEvent', () => {
  it('judges each overwrite by the rule of its account and region, and alerts naming both', async () => {
    // Act: the same overwrite in every account and region.
    const found: Finding[] = [];
    for (const account of [A, B, C]) {
      for (const region of REGIONS) found.push(...(await overwriteIn(account, region)));
    }
    // Assess: the findings, per account and region.
    const verdicts = found.map((f) => `${f.account} ${f.region} ${f.kind} ${f.severity}`);
    expect(verdicts).toEqual([
      `${A} eu-west-1 TAG_OVERWRITE_ALLOWED INFO`,
      `${A} us-east-1 TAG_OVERWRITE_ALLOWED INFO`,
      `${B} eu-west-1 TAG_OVERWRITE_VIOLATION HIGH`,
      `${B} us-east-1 TAG_OVERWRITE_VIOLATION HIGH`,
      `${C} eu-west-1 TAG_OVERWRITE_VIOLATION HIGH`,
      `${C} us-east-1 TAG_OVERWRITE_ALLOWED INFO`,
    ]);
    // One alert per finding, each carrying its finding, naming its account and region in the
    // attributes, the thread and the text people read.
    expect(h.sns.published).toHaveLength(6);
    h.sns.published.forEach((message, i) => {
      const finding = found[i] as Finding;
      const notification = JSON.parse(message.message) as ChatNotification;
      expect(findingOfMessage(message.message)).toEqual(finding);
      expect(message.messageAttributes.account?.stringValue).toBe(finding.account);
      expect(notification.metadata?.threadId).toBe(
        `${finding.account}/${finding.region}/${REPOSITORY}:v1`,
      );
      expect(notification.content.description).toContain(
        `• Account / region: \`${finding.account} / ${finding.region}\``,
      );
    });
    // The severity the account's rule gave reaches the text too.
    const texts = h.sns.published.map((m) => (JSON.parse(m.message) as ChatNotification).content);
    expect(texts.map((t) => /\*(HIGH|INFO)\*/.exec(t.description)?.[1])).toEqual([
      'INFO',
      'INFO',
      'HIGH',
      'HIGH',
      'HIGH',
      'INFO',
    ]);
  });
});
