/**
 * The scheduled scan's summary alert: one custom notification per run, split into parts when it
 * would exceed what SNS accepts.
 *
 * @module
 */
import { findingsOf } from '../core/model/delivery.ts';
import { FINDING_KINDS } from '../core/model/findings.ts';
import type { ScanReport } from '../core/scan/scan.ts';
import { type AlertMessage, chatLiteral, SNS_LIMITS, snsSubject } from './chat.ts';
import { splitLines } from './parts.ts';

/** How many repositories the run reached: "N repositories", or "N of M" when it ran out of time. */
function coverage(report: ScanReport): string {
  return report.resumeAfter === null
    ? `${report.repositories} repositories`
    : `${report.covered} of ${report.repositories} repositories`;
}

/** Where the next run continues, when this one ran out of time. */
function rest(report: ScanReport): string {
  return report.resumeAfter === null
    ? ''
    : `; the rest next run (continuing after ${chatLiteral(report.resumeAfter)})`;
}

/** Renders the summary of a scan as one or more SNS messages, each under the SNS limit. */
export function renderScanSummary(
  report: ScanReport,
  maxBytes: number = SNS_LIMITS.messageBytes,
): AlertMessage[] {
  const findings = findingsOf(report.findings);
  const high = findings.filter((f) => f.severity === 'HIGH').length;
  const title = `ECR tag audit of ${report.account}/${report.region}: ${findings.length} finding(s), ${high} high, ${report.failures.length} failure(s)`;
  const head = [
    `Scanned ${coverage(report)} (${report.ignored} ignored), ${report.templates} creation templates and ${report.tags} tags, ${report.startedAt} to ${report.finishedAt}${rest(report)}.`,
    ...FINDING_KINDS.map((kind) => [kind, findings.filter((f) => f.kind === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `• ${kind}: ${n}`),
  ];
  const lines = [
    ...report.failures.map((f) => `• FAILED ${chatLiteral(f.repository)}: ${chatLiteral(f.error)}`),
    ...findings.map(
      (f) =>
        `• ${f.severity} ${f.kind} ${chatLiteral(f.repository ?? `template:${f.templatePrefix}`)}${f.tag ? ` ${chatLiteral(f.tag)}` : ''}`,
    ),
  ];
  const parts = splitLines(lines, maxBytes);
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
          findings: String(findings.length),
          failures: String(report.failures.length),
          repositories: String(report.repositories),
          covered: String(report.covered),
          startedAt: report.startedAt,
        },
      },
    };
    const text = JSON.stringify(notification);
    return {
      subject: snsSubject(`ECR tag audit: ${findings.length} finding(s), ${high} high${suffix}`),
      message: text,
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'SCAN_SUMMARY' },
        severity: { DataType: 'String', StringValue: high > 0 ? 'HIGH' : 'INFO' },
        account: { DataType: 'String', StringValue: report.account },
      },
    };
  });
}
