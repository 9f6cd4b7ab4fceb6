/**
 * The organization scan's summary alert: one custom notification per run of the state machine —
 * findings counted per account, per region and per kind, the items that failed named — split into
 * parts when it would exceed what SNS accepts.
 *
 * @module
 */
import type { OrgItemResult } from '../core/org/item-result.ts';
import { type AlertMessage, chatLiteral, SNS_LIMITS, snsSubject } from './chat.ts';
import { splitLines } from './parts.ts';

/** One run of the organization scan, as the summary reports it. */
export interface OrgScanRun {
  /** When the state machine's execution started (ISO 8601). */
  readonly startedAt: string;
  readonly results: readonly OrgItemResult[];
}

/** Adds `n` to `key` of `totals`. */
function add(totals: Map<string, number>, key: string, n: number): void {
  totals.set(key, (totals.get(key) ?? 0) + n);
}

/** `• key: n` lines, by key. */
function countLines(totals: Map<string, number>, label: string): string[] {
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
  const scanned = run.results.filter((r) => r.status === 'SCANNED');
  const failed = run.results.filter((r) => r.status === 'FAILED');
  const byAccount = new Map<string, number>();
  const byRegion = new Map<string, number>();
  const byKind = new Map<string, number>();
  for (const r of scanned) {
    add(byAccount, r.account, r.findings);
    add(byRegion, r.region, r.findings);
    for (const [kind, n] of Object.entries(r.counts)) add(byKind, kind, n ?? 0);
  }
  const findings = scanned.reduce((sum, r) => sum + r.findings, 0);
  const high = scanned.reduce((sum, r) => sum + r.high, 0);
  const accounts = new Set(run.results.map((r) => r.account)).size;
  const incomplete = scanned.filter((r) => r.covered < r.repositories || r.failureCount > 0);
  const title = `ECR tag audit of the organization: ${findings} finding(s), ${high} high, ${failed.length} failed item(s)`;
  const head = [
    `Scanned ${scanned.length} of ${run.results.length} account-region(s) in ${accounts} account(s), started ${run.startedAt}.`,
    ...[...byKind.entries()]
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
    ...countLines(byAccount, 'account'),
    ...countLines(byRegion, 'region'),
  ];
  const parts = splitLines(lines, maxBytes);
  return parts.map((part, index) => {
    const suffix = parts.length > 1 ? ` (part ${index + 1}/${parts.length})` : '';
    const notification = {
      version: '1.0',
      source: 'custom',
      id: `org-scan-${run.startedAt}-${index + 1}`,
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
          items: String(run.results.length),
          failedItems: String(failed.length),
          startedAt: run.startedAt,
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
