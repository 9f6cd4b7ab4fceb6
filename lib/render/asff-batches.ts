/**
 * Findings as `BatchImportFindings` requests (docs/formats.md#asff): what `--format asff` prints,
 * one request per line, each one `aws securityhub batch-import-findings --cli-input-json` takes
 * as it is.
 *
 * @module
 */
import type { Finding } from '../core/model/findings.ts';
import { type AsffFinding, type AsffOptions, toAsff } from './asff.ts';

/** What one `BatchImportFindings` call accepts (Security Hub API reference and user guide). */
const BATCH_LIMITS = {
  findings: 100,
  /** "6 MB per batch", counted as 6,000,000 bytes of JSON so as to be under it however counted. */
  bytes: 6_000_000,
} as const;

/** The input of one `BatchImportFindings` call. */
export interface AsffBatch {
  readonly Findings: readonly AsffFinding[];
}

const UTF8 = new TextEncoder();

/** Bytes of `value` as JSON. */
function jsonBytes(value: unknown): number {
  return UTF8.encode(JSON.stringify(value)).length;
}

/**
 * Each record's last finding, in the order of those last findings: a later finding of a record
 * (a drift, then its resolution) is its state now, and one request never names a record twice.
 */
function lastPerRecord(findings: readonly AsffFinding[]): AsffFinding[] {
  const last = new Map<string, AsffFinding>();
  for (const finding of findings) {
    last.delete(finding.Id);
    last.set(finding.Id, finding);
  }
  return [...last.values()];
}

/**
 * The requests that import `findings`: each record's last finding only, grouped by product ARN
 * (one account and region: the caller must be that account, in that region), in order of first
 * appearance, cut at 100 findings or 6,000,000 bytes. No finding, no request.
 *
 * @example
 * ```ts
 * const [batch] = asffBatches(findings, { now: new Date() });
 * batch.Findings.length; // at most 100
 * ```
 */
export function asffBatches(findings: readonly Finding[], options: AsffOptions): AsffBatch[] {
  const groups = new Map<string, AsffFinding[]>();
  for (const finding of lastPerRecord(findings.map((f) => toAsff(f, options)))) {
    const group = groups.get(finding.ProductArn) ?? [];
    group.push(finding);
    groups.set(finding.ProductArn, group);
  }
  const envelope = jsonBytes({ Findings: [] });
  const batches: AsffFinding[][] = [];
  for (const group of groups.values()) {
    let batch: AsffFinding[] = [];
    let bytes = envelope;
    for (const finding of group) {
      // A comma between findings.
      const cost = jsonBytes(finding) + 1;
      // Never an empty batch: one finding is at most 240 KB (docs/formats.md#limits).
      if (batch.length === BATCH_LIMITS.findings || bytes + cost > BATCH_LIMITS.bytes) {
        batches.push(batch);
        batch = [];
        bytes = envelope;
      }
      batch.push(finding);
      bytes += cost;
    }
    batches.push(batch);
  }
  return batches.map((batch) => ({ Findings: batch }));
}

/**
 * `--format asff`: one `BatchImportFindings` request a line (NDJSON); nothing when there is no
 * finding (a request needs at least one).
 *
 * @example
 * ```ts
 * process.stdout.write(renderAsff(findings, { now: new Date() }));
 * ```
 */
export function renderAsff(findings: readonly Finding[], options: AsffOptions): string {
  return asffBatches(findings, options)
    .map((batch) => `${JSON.stringify(batch)}\n`)
    .join('');
}
