/**
 * The scheduled scan's summary alert: one custom notification per run, split into parts when it
 * would exceed what SNS accepts.
 *
 * @module
 */
import { FINDING_KINDS } from '../findings.ts';
import type { ScanReport } from '../runtime/scan.ts';
import { type AlertMessage, chatLiteral, SNS_LIMITS, snsSubject } from './chat.ts';

/** Room left in a message for everything but the description lines. */
const ENVELOPE_BYTES = 16 * 1024;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Renders the summary of a scan as one or more SNS messages, each under the SNS limit. */
export function renderScanSummary(
  report: ScanReport,
  maxBytes: number = SNS_LIMITS.messageBytes,
): AlertMessage[] {
  const high = report.findings.filter((f) => f.severity === 'HIGH').length;
  const title = `ECR tag audit of ${report.account}/${report.region}: ${report.findings.length} finding(s), ${high} high, ${report.failures.length} failure(s)`;
  const head = [
    `Scanned ${report.repositories} repositories (${report.ignored} ignored), ${report.templates} creation templates and ${report.tags} tags, ${report.startedAt} to ${report.finishedAt}.`,
    ...FINDING_KINDS.map(
      (kind) => [kind, report.findings.filter((f) => f.kind === kind).length] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `• ${kind}: ${n}`),
  ];
  const lines = [
    ...report.failures.map((f) => `• FAILED ${chatLiteral(f.repository)}: ${chatLiteral(f.error)}`),
    ...report.findings.map(
      (f) =>
        `• ${f.severity} ${f.kind} ${chatLiteral(f.repository ?? `template:${f.templatePrefix}`)}${f.tag ? ` ${chatLiteral(f.tag)}` : ''}`,
    ),
  ];
  // JSON escaping at most doubles a line twice over (notification inside the SNS envelope).
  const budget = Math.floor((maxBytes - ENVELOPE_BYTES) / 4);
  const parts: string[][] = [[]];
  let size = 0;
  for (const line of lines) {
    const cost = bytes(line) + 1;
    if (size + cost > budget && (parts.at(-1)?.length ?? 0) > 0) {
      parts.push([]);
      size = 0;
    }
    parts.at(-1)?.push(line.slice(0, budget));
    size += cost;
  }
  return parts.map((part, index) => {
    const suffix = parts.length > 1 ? ` (part ${index + 1}/${parts.length})` : '';
    const notification = {
      version: '1.0',
      source: 'custom',
      id: `scan-${report.account}-${report.region}-${report.startedAt}-${index + 1}`,
      content: {
        textType: 'client-markdown',
        title: `${title}${suffix}`,
        description: [...(index === 0 ? head : []), ...part].join('\n'),
        nextSteps:
          report.failures.length > 0
            ? ['Repositories that failed are scanned again on the next run.']
            : [],
      },
      metadata: {
        threadId: `scan/${report.account}/${report.region}`,
        eventType: 'SCAN_SUMMARY',
        additionalContext: {
          findings: String(report.findings.length),
          failures: String(report.failures.length),
          startedAt: report.startedAt,
        },
      },
    };
    const text = JSON.stringify(notification);
    return {
      subject: snsSubject(
        `ECR tag audit: ${report.findings.length} finding(s), ${high} high${suffix}`,
      ),
      message: JSON.stringify({ default: text }),
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'SCAN_SUMMARY' },
        severity: { DataType: 'String', StringValue: high > 0 ? 'HIGH' : 'INFO' },
        account: { DataType: 'String', StringValue: report.account },
      },
    };
  });
}
