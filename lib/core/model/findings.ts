/**
 * Findings: what the auditor reports (docs/findings.md), their severities and stable ids.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { MutabilityConfig } from './config.ts';

/** The kinds of finding. */
export const FINDING_KINDS = [
  'TAG_OVERWRITE_VIOLATION',
  'TAG_OVERWRITE_ALLOWED',
  'OVERWRITE_BLOCKED',
  'CONFIG_DRIFT',
  'CONFIG_DRIFT_RESOLVED',
  'TEMPLATE_DRIFT',
  'CONFIG_REMEDIATED',
] as const;

/** One kind of finding. */
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Severities, lowest first. */
export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH'] as const;

/** One severity. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * How the actual configuration A relates to the expected one E (docs/semantics.md), with I(C)
 * the set of valid tags that C makes immutable: `EQUAL` if I(A) = I(E), `LOOSENED` if
 * I(A) ⊊ I(E), `TIGHTENED` if I(E) ⊊ I(A), `CHANGED` otherwise.
 */
export type Direction = 'EQUAL' | 'LOOSENED' | 'TIGHTENED' | 'CHANGED';

/** How a finding was detected. */
export type DetectedBy = 'event' | 'scan' | 'snapshot';

/** A finding as JSON (docs/findings.md): unknown values are `null`, never omitted. */
export interface Finding {
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly account: string;
  readonly region: string;
  readonly repository: string | null;
  readonly templatePrefix: string | null;
  readonly tag: string | null;
  readonly previousDigest: string | null;
  readonly digest: string | null;
  readonly viaDelete: boolean | null;
  readonly expected: MutabilityConfig | null;
  readonly actual: MutabilityConfig | null;
  readonly direction: Direction | null;
  readonly witnesses: readonly string[];
  readonly actor: string | null;
  readonly eventId: string | null;
  readonly eventTime: string | null;
  readonly detectedBy: DetectedBy;
  readonly message: string;
}

/** Rank of a severity, for comparisons (`INFO` = 0 … `HIGH` = 3). */
function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above `threshold`. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** Parses a severity name (case-insensitive); undefined when it is not one. */
export function parseSeverity(text: string): Severity | undefined {
  const upper = text.toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : undefined;
}

/** Severity of a drift finding in `direction` (docs/findings.md). */
export function driftSeverity(direction: Direction): Severity {
  return direction === 'TIGHTENED' ? 'LOW' : 'HIGH';
}

/**
 * A stable id: the same finding from any source (ECR event, CloudTrail, scan) or run gets the
 * same id, so that alerting can de-duplicate. Built from the facts that identify the finding,
 * never from how or when it was detected.
 */
export function findingId(kind: FindingKind, facts: readonly (string | null)[]): string {
  const hash = createHash('sha256');
  hash.update(kind);
  for (const fact of facts) hash.update(`\u0000${fact ?? '\u0001'}`);
  return `${kind.toLowerCase().replaceAll('_', '-')}-${hash.digest('hex').slice(0, 20)}`;
}

/** The fields a finding builder must supply; everything else defaults to `null`. */
export type FindingInput = Pick<
  Finding,
  'id' | 'kind' | 'severity' | 'account' | 'region' | 'detectedBy' | 'message'
> &
  Partial<
    Omit<Finding, 'id' | 'kind' | 'severity' | 'account' | 'region' | 'detectedBy' | 'message'>
  >;

/** Builds a finding with every unknown field `null` and the keys in the order docs/findings.md lists them. */
export function makeFinding(input: FindingInput): Finding {
  return {
    id: input.id,
    kind: input.kind,
    severity: input.severity,
    account: input.account,
    region: input.region,
    repository: input.repository ?? null,
    templatePrefix: input.templatePrefix ?? null,
    tag: input.tag ?? null,
    previousDigest: input.previousDigest ?? null,
    digest: input.digest ?? null,
    viaDelete: input.viaDelete ?? null,
    expected: input.expected ?? null,
    actual: input.actual ?? null,
    direction: input.direction ?? null,
    witnesses: input.witnesses ?? [],
    actor: input.actor ?? null,
    eventId: input.eventId ?? null,
    eventTime: input.eventTime ?? null,
    detectedBy: input.detectedBy,
    message: input.message,
  };
}
