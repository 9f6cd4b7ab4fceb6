/**
 * The organization scan's summary, accumulated one item's result at a time, so that the summary
 * function reads the Map run's results as a stream: it keeps counters and the items it must name
 * (failed, incomplete), never the whole list. Pure.
 *
 * @module
 */
import type { OrgItemFailed, OrgItemResult, OrgItemScanned } from './item-result.ts';

/**
 * Totals of an organization scan.
 *
 * @example
 * ```ts
 * const tally = new OrgSummaryTally();
 * for (const result of results) tally.add(result);
 * tally.items; // results.length
 * ```
 */
export class OrgSummaryTally {
  /** Every result counted. */
  items = 0;
  scanned = 0;
  findings = 0;
  high = 0;
  /** Findings per account, per region and per kind (scanned items only). */
  readonly byAccount = new Map<string, number>();
  readonly byRegion = new Map<string, number>();
  readonly byKind = new Map<string, number>();
  /** The items that failed, and those scanned only in part: the summary names them. */
  readonly failed: OrgItemFailed[] = [];
  readonly incomplete: OrgItemScanned[] = [];
  private readonly accounts = new Set<string>();

  /** The accounts seen (scanned or failed). */
  get accountCount(): number {
    return this.accounts.size;
  }

  /** Counts one item's result. */
  add(result: OrgItemResult): void {
    this.items++;
    this.accounts.add(result.account);
    if (result.status === 'FAILED') {
      this.failed.push(result);
      return;
    }
    this.scanned++;
    this.findings += result.findings;
    this.high += result.high;
    add(this.byAccount, result.account, result.findings);
    add(this.byRegion, result.region, result.findings);
    for (const [kind, n] of Object.entries(result.counts)) add(this.byKind, kind, n ?? 0);
    if (result.covered < result.repositories || result.failureCount > 0) {
      this.incomplete.push(result);
    }
  }
}

function add(totals: Map<string, number>, key: string, n: number): void {
  totals.set(key, (totals.get(key) ?? 0) + n);
}
