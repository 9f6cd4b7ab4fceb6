/**
 * The organization scan's summary alert: one custom notification per run of the state machine —
 * findings counted per account, per region and per kind, the items that failed named — split into
 * parts when it would exceed what SNS accepts.
 *
 * @module
 */
import type { OrgItemResult } from '../core/org/item-result.ts';
import { OrgSummaryTally } from '../core/org/summary-tally.ts';
import { type AlertMessage, chatLiteral, SNS_LIMITS, snsSubject } from './chat.ts';
import { splitLines } from './parts.ts';

/** One run of the organization scan, as the summary reports it. */
export interface OrgScanRun {
  /** When the state machine's execution started (ISO 8601). */
  readonly startedAt: string;
  readonly results: readonly OrgItemResult[];
}

/** `• key: n` lines, by key. */
function countLines(totals: ReadonlyMap<string, number>, label: string): string[] {
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `• ${label} ${chatLiteral(key)}: ${n} finding(s)`);
}

/**
 * Renders the summary of an organization scan as one or more SNS messages, each under the SNS
 * limit.
 *
 * @example
 * ```ts
 * renderOrgSummary({ startedAt: '2025-07-24T06:00:00Z', results: [
 *   { status: 'FAILED', account: '222233334444', region: 'eu-west-1', error: 'AccessDenied', cause: '…' },
 * ] });
 * ```
 */
export function renderOrgSummary(
  run: OrgScanRun,
  maxBytes: number = SNS_LIMITS.messageBytes,
): AlertMessage[] {
  const tally = new OrgSummaryTally();
  for (const result of run.results) tally.add(result);
  return renderOrgTally(run.startedAt, tally, maxBytes);
}

/**
 * Renders the summary of an organization scan from its totals (the summary function counts the
 * Map run's results as it reads them: lib/core/org/summary-tally.ts).
 *
 * @example
 * ```ts
 * const tally = new OrgSummaryTally();
 * tally.add(result);
 * renderOrgTally('2025-07-24T06:00:00Z', tally); // [{ subject, message, messageAttributes }]
 * ```
 */
export function renderOrgTally(
  startedAt: string,
  tally: OrgSummaryTally,
  maxBytes: number = SNS_LIMITS.messageBytes,
): AlertMessage[] {
  const { findings, high, failed, incomplete } = tally;
  const title = `ECR tag audit of the organization: ${findings} finding(s), ${high} high, ${failed.length} failed item(s)`;
  const head = [
    `Scanned ${tally.scanned} of ${tally.items} account-region(s) in ${tally.accountCount} account(s), started ${startedAt}.`,
    ...[...tally.byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `• ${kind}: ${n}`),
  ];
  const lines = [
    ...failed.map(
      (r) =>
        `• FAILED ${chatLiteral(`${r.account}/${r.region}`)}: ${chatLiteral(r.error)} ${chatLiteral(r.cause)}`,
    ),
    ...incomplete.map(
      (r) =>
        `• INCOMPLETE ${chatLiteral(`${r.account}/${r.region}`)}: ${r.covered} of ${r.repositories} repositories, ${r.failureCount} failure(s)`,
    ),
    ...countLines(tally.byAccount, 'account'),
    ...countLines(tally.byRegion, 'region'),
  ];
  const parts = splitLines(lines, maxBytes);
  return parts.map((part, index) => {
    const suffix = parts.length > 1 ? ` (part ${index + 1}/${parts.length})` : '';
    const notification = {
      version: '1.0',
      source: 'custom',
      id: `org-scan-${startedAt}-${index + 1}`,
      content: {
        textType: 'client-markdown',
        title: `${title}${suffix}`,
        description: [...(index === 0 ? head : []), ...part].join('\n'),
        nextSteps:
          failed.length > 0
            ? ['Failed account-regions are scanned again on the next run; check the scan role.']
            : [],
      },
      metadata: {
        threadId: 'scan/organization',
        eventType: 'ORG_SCAN_SUMMARY',
        additionalContext: {
          findings: String(findings),
          items: String(tally.items),
          failedItems: String(failed.length),
          startedAt,
        },
      },
    };
    return {
      subject: snsSubject(
        `ECR tag audit (organization): ${findings} finding(s), ${high} high${suffix}`,
      ),
      message: JSON.stringify(notification),
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'ORG_SCAN_SUMMARY' },
        severity: { DataType: 'String', StringValue: high > 0 ? 'HIGH' : 'INFO' },
      },
    };
  });
}
