/**
 * What one item of the organization scan — one account in one region — reports back to the state
 * machine: a compact result (counts, not findings), so that thousands of them fit in what Step
 * Functions passes between states (docs/organization-scan.md#limits). A failed item is a result
 * too, naming the account-region and the error, so that the summary can name it.
 *
 * @module
 */
import { findingsOf } from '../model/delivery.ts';
import { FINDING_KINDS, type FindingKind } from '../model/findings.ts';
import type { ScanReport } from '../scan/scan.ts';

/** One account in one region: the unit of work of the organization scan. */
export interface OrgWorkItem {
  readonly account: string;
  readonly region: string;
}

/** Repository failures kept in a result; the rest are counted only. */
export const ITEM_FAILURES_KEPT = 5;

/** An item scanned (possibly with repositories that failed, or not all reached in time). */
export interface OrgItemScanned extends OrgWorkItem {
  readonly status: 'SCANNED';
  /** Findings by kind (kinds without findings omitted). */
  readonly counts: Partial<Record<FindingKind, number>>;
  readonly findings: number;
  readonly high: number;
  /** Alerts this item published. */
  readonly published: number;
  readonly repositories: number;
  readonly covered: number;
  /** How many repositories (or the templates) failed, and the first few of them. */
  readonly failureCount: number;
  readonly failures: readonly { readonly repository: string; readonly error: string }[];
}

/** An item that could not be scanned at all (the role could not be assumed, throttled). */
export interface OrgItemFailed extends OrgWorkItem {
  readonly status: 'FAILED';
  /** The error's name (Step Functions' `Error`) and message (`Cause`, shortened). */
  readonly error: string;
  readonly cause: string;
}

/** What the Map state collects for each item. */
export type OrgItemResult = OrgItemScanned | OrgItemFailed;

/**
 * The compact result of one item's scan.
 *
 * @example
 * ```ts
 * itemResult(report, 2); // { status: 'SCANNED', account, region, counts: { CONFIG_DRIFT: 1 }, … }
 * ```
 */
export function itemResult(report: ScanReport, published: number): OrgItemScanned {
  const findings = findingsOf(report.findings);
  const counts: Partial<Record<FindingKind, number>> = {};
  for (const kind of FINDING_KINDS) {
    const n = findings.filter((f) => f.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return {
    status: 'SCANNED',
    account: report.account,
    region: report.region,
    counts,
    findings: findings.length,
    high: findings.filter((f) => f.severity === 'HIGH').length,
    published,
    repositories: report.repositories,
    covered: report.covered,
    failureCount: report.failures.length,
    failures: report.failures.slice(0, ITEM_FAILURES_KEPT).map((f) => ({
      repository: f.repository,
      error: f.error.slice(0, 200),
    })),
  };
}
