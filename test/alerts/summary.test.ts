/**
 * The scheduled scan's summary: custom notifications split under SNS's 256 KB limit, together
 * listing every finding and every failure exactly once. Each part is published with the real
 * SNSClient to the fake SNS, which enforces SNS's limits.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FINDING_KINDS, type Finding } from '../../lib/core/model/findings.ts';
import type { ScanReport } from '../../lib/core/scan/scan.ts';
import type { AlertMessage } from '../../lib/render/chat.ts';
import { renderScanSummary } from '../../lib/render/summary.ts';
import { snsClient } from '../fakes/clients.ts';
import type { StartedServer } from '../fakes/http.ts';
import { FakeSns, SNS_MAX_MESSAGE_BYTES } from '../fakes/sns.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { REGION, sampleFinding } from './findings.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ecr-tag-auditor-alerts';
const sns = new FakeSns({ topics: [TOPIC] });
let server: StartedServer;
beforeAll(async () => {
  server = await sns.start();
});
afterAll(() => server.close());
beforeEach(() => sns.reset());

function report(findings: Finding[], failures: ScanReport['failures'] = []): ScanReport {
  return {
    account: ACCOUNT,
    region: REGION,
    startedAt: '2025-07-24T06:00:00.000Z',
    finishedAt: '2025-07-24T06:04:00.000Z',
    repositories: 1200,
    covered: 1200,
    resumeAfter: null,
    ignored: 3,
    templates: 2,
    tags: 25_000,
    // A scan's findings are `recurring`; the summary shows only the findings.
    findings: findings.map((finding) => ({ finding, delivery: 'recurring' })),
    failures,
  };
}

/** `count` findings on distinct repository/tag pairs, of every kind in turn. */
function manyFindings(count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = FINDING_KINDS[i % FINDING_KINDS.length] ?? 'CONFIG_DRIFT';
    const template = kind === 'TEMPLATE_DRIFT';
    return sampleFinding(kind, {
      id: `f-${i}`,
      repository: template ? null : `team-${i % 97}/service-${i}`,
      templatePrefix: template ? `prefix-${i}` : null,
      tag: template || kind.startsWith('CONFIG') ? null : `release-${i}`,
      digest: digest(i),
      detectedBy: 'scan',
    });
  });
}

interface Notification {
  version: string;
  source: string;
  id: string;
  content: { textType: string; title: string; description: string; nextSteps: string[] };
  metadata: { threadId: string; eventType: string; additionalContext: Record<string, string> };
}

function notificationOf(message: AlertMessage): Notification {
  return JSON.parse(message.message) as Notification;
}

async function publishAll(messages: readonly AlertMessage[]): Promise<void> {
  const client = snsClient(server, { maxAttempts: 1 });
  for (const m of messages) {
    await client.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: m.subject,
        Message: m.message,
        MessageAttributes: m.messageAttributes,
      }),
    );
  }
}

const FINDING_LINE = /^• (INFO|LOW|MEDIUM|HIGH) ([A-Z_]+) `([^`]*)`(?: `([^`]*)`)?$/;

describe('renderScanSummary', () => {
  it('splits 20,000 findings into parts SNS accepts, together listing every finding once', async () => {
    const findings = manyFindings(20_000);
    const failures = [
      { repository: 'broken/one', error: 'AccessDeniedException: not authorized' },
      { repository: 'template:ROOT', error: '<!channel> `x`\nsecond line' },
    ];
    const parts = renderScanSummary(report(findings, failures));
    expect(parts.length).toBeGreaterThan(1);

    await publishAll(parts);
    expect(sns.published).toHaveLength(parts.length);
    for (const published of sns.published) {
      expect(Buffer.byteLength(published.message)).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
      expect(published.messageAttributes.kind?.stringValue).toBe('SCAN_SUMMARY');
      expect(published.messageAttributes.severity?.stringValue).toBe('HIGH');
    }

    const listed: string[] = [];
    const failed: string[] = [];
    for (const [index, part] of parts.entries()) {
      const n = notificationOf(part);
      expect(n).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown' },
        metadata: { threadId: `scan/${ACCOUNT}/${REGION}`, eventType: 'SCAN_SUMMARY' },
      });
      expect(n.content.title).toContain(`(part ${index + 1}/${parts.length})`);
      expect(part.subject).toContain(`(part ${index + 1}/${parts.length})`);
      expect(part.subject).toMatch(/^[\x21-\x7e][\x20-\x7e]{0,99}$/);
      expect(Object.values(n.metadata.additionalContext).every((v) => typeof v === 'string')).toBe(
        true,
      );
      const lines = n.content.description.split('\n');
      if (index === 0) {
        expect(lines[0]).toContain('Scanned 1200 repositories (3 ignored), 2 creation templates');
        for (const kind of FINDING_KINDS) {
          const count = findings.filter((f) => f.kind === kind).length;
          expect(lines).toContain(`• ${kind}: ${count}`);
        }
      }
      for (const line of lines) {
        const match = FINDING_LINE.exec(line);
        if (match) listed.push(`${match[2]} ${match[3]} ${match[4] ?? '-'}`);
        else if (line.startsWith('• FAILED ')) failed.push(line);
      }
    }
    const expected = findings.map(
      (f) => `${f.kind} ${f.repository ?? `template:${f.templatePrefix}`} ${f.tag ?? '-'}`,
    );
    expect(listed).toHaveLength(findings.length);
    expect(new Set(listed)).toEqual(new Set(expected));
    expect(failed).toEqual([
      '• FAILED `broken/one`: `AccessDeniedException: not authorized`',
      "• FAILED `template:ROOT`: `&lt;!channel&gt; 'x' second line`",
    ]);
  });

  it('keeps every part under the limit whatever the text escapes to', async () => {
    // Control characters, quotes and backslashes grow the most: JSON inside JSON.
    const nasty = '\u0001"\\'.repeat(200);
    const failures = Array.from({ length: 300 }, (_, i) => ({
      repository: `team/app-${i}`,
      error: `${i}: ${nasty}`,
    }));
    const parts = renderScanSummary(report(manyFindings(50), failures));
    await publishAll(parts);
    expect(sns.published).toHaveLength(parts.length);
    for (const part of parts) {
      expect(Buffer.byteLength(part.message)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    }
    const listed = parts.flatMap((part) =>
      notificationOf(part)
        .content.description.split('\n')
        .filter((l) => l.startsWith('• FAILED ')),
    );
    expect(listed).toHaveLength(300);
  });

  it('sends one part for a small report, and one for an empty one', () => {
    const small = renderScanSummary(report(manyFindings(12)));
    expect(small).toHaveLength(1);
    expect(small[0]?.subject).toBe('ECR tag audit: 12 finding(s), 5 high');
    expect(notificationOf(small[0] as AlertMessage).content.title).not.toContain('part');
    const empty = renderScanSummary(report([]));
    expect(empty).toHaveLength(1);
    expect(empty[0]?.messageAttributes.severity?.StringValue).toBe('INFO');
    expect(notificationOf(empty[0] as AlertMessage).content.description).toContain(
      'Scanned 1200 repositories',
    );
  });

  it('says how many repositories a run cut short reached, and where the next one continues', () => {
    // Prepare: a run that reached 450 of the 1200 repositories before its deadline.
    const partial: ScanReport = {
      ...report(manyFindings(2)),
      covered: 450,
      resumeAfter: 'team-b/*app*',
    };

    // Act
    const [part, ...more] = renderScanSummary(partial);

    // Assess: the counts say so, the name stays literal, and a complete run says nothing of it.
    expect(more).toEqual([]);
    const n = notificationOf(part as AlertMessage);
    expect(n.content.description.split('\n')[0]).toBe(
      'Scanned 450 of 1200 repositories (3 ignored), 2 creation templates and 25000 tags, ' +
        '2025-07-24T06:00:00.000Z to 2025-07-24T06:04:00.000Z; ' +
        'the rest next run (continuing after `team-b/*app*`).',
    );
    expect(n.metadata.additionalContext).toMatchObject({ repositories: '1200', covered: '450' });
    const complete = notificationOf(renderScanSummary(report([]))[0] as AlertMessage);
    expect(complete.content.description).not.toContain('next run');
    expect(complete.content.description).toMatch(/^Scanned 1200 repositories \(3 ignored\)/);
  });

  it('respects a smaller limit', () => {
    const limit = 40_000;
    const parts = renderScanSummary(report(manyFindings(3000)), limit);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(Buffer.byteLength(part.message)).toBeLessThanOrEqual(limit);
  });
});
