/**
 * One scan of one registry with its alerts: what the scheduled scan and the organization scan's
 * item both do — the scan from where the last run stopped (the cursor in the table) until the
 * deadline, an alert per finding not alerted yet (and per pending alert the scan read from the
 * ledger), then the cursor of the next run. The callers publish their own summaries.
 *
 * @module
 */
import type { AlertResult } from '../aws/alerts.ts';
import { runScan, type ScanDeps, type ScanReport } from '../core/scan/scan.ts';
import { deliver } from './audit-event.ts';
import type { Composition } from './compose.ts';

/** The registry a run scans, and its clock and deadline when not the real ones. */
export type ScanTarget = Pick<ScanDeps, 'registry' | 'region' | 'concurrency'> & {
  readonly account: string;
} & Partial<Pick<ScanDeps, 'now' | 'deadline'>>;

/**
 * Scans `target` and delivers what it found; see the module comment. A failure to alert rejects
 * (an AlertDeliveryError; what was not delivered is stored as pending) and leaves the cursor
 * where it was, so that the retry covers the same repositories.
 *
 * @example
 * ```ts
 * const { report, alerts } = await scanAndAlert(composition, {
 *   registry, account: '111122223333', region: 'eu-west-1', deadline,
 * });
 * ```
 */
export async function scanAndAlert(
  composition: Composition,
  target: ScanTarget,
): Promise<{ readonly report: ScanReport; readonly alerts: AlertResult }> {
  const { log, metrics } = composition;
  const resumeAfter = await composition.scanCursor.read(target.account, target.region);
  const { value: report, reads } = await composition.pending.run(() =>
    runScan({
      now: () => new Date(),
      ...target,
      resumeAfter,
      policy: composition.policy,
      auditor: composition.auditor,
      log,
      metrics,
    }),
  );
  const alerts = await deliver(report.findings, reads, composition);
  // Moved on only once the alerts are out: a run that fails to deliver them is retried over the
  // same repositories, whose items hold what it left pending.
  await composition.scanCursor.write(
    target.account,
    target.region,
    report.resumeAfter,
    report.startedAt,
  );
  return { report, alerts };
}
