/**
 * The numbers of the report, counted in one pass over the findings: per severity, per kind and
 * severity (the chart), per account and region, and per repository or creation template.
 *
 * @module
 */
import {
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type Severity,
} from '../../core/model/findings.ts';
import { SEVERITIES_HIGH_FIRST } from './labels.ts';

/** A count per severity. */
export type SeverityCounts = Record<Severity, number>;

/** The findings of one account-region, or of one repository or template in it. */
export interface Group {
  readonly account: string;
  readonly region: string;
  /** Null for an account-region group, and for a template. */
  readonly repository: string | null;
  /** The creation template's prefix; null otherwise. */
  readonly templatePrefix: string | null;
  readonly counts: SeverityCounts;
  readonly total: number;
}

/** Everything the report counts. */
export interface Tally {
  readonly total: number;
  readonly bySeverity: SeverityCounts;
  readonly byKind: Readonly<Record<FindingKind, SeverityCounts>>;
  /** All severities of each kind together. */
  readonly kindTotals: Readonly<Record<FindingKind, number>>;
  /** Worst first: most HIGH, then MEDIUM, LOW, INFO; then by name. */
  readonly byAccountRegion: readonly Group[];
  /** Worst first, as {@link Tally.byAccountRegion}. */
  readonly byRepository: readonly Group[];
}

function noCounts(): SeverityCounts {
  return { HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 };
}

interface OpenGroup extends Omit<Group, 'total'> {
  total: number;
}

function addTo(
  groups: Map<string, OpenGroup>,
  key: string,
  make: () => Omit<Group, 'counts' | 'total'>,
  severity: Severity,
): void {
  let group = groups.get(key);
  if (!group) {
    group = { ...make(), counts: noCounts(), total: 0 };
    groups.set(key, group);
  }
  group.counts[severity]++;
  group.total++;
}

/** Worst first; ties by account, region, then name, so the order never depends on input order. */
function worstFirst(a: Group, b: Group): number {
  for (const s of SEVERITIES_HIGH_FIRST) {
    const d = b.counts[s] - a.counts[s];
    if (d !== 0) return d;
  }
  const name = (g: Group) =>
    `${g.account}\u0000${g.region}\u0000${g.repository === null ? '\u0001' : '\u0000'}${g.repository ?? g.templatePrefix ?? ''}`;
  const x = name(a);
  const y = name(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Counts `findings`.
 *
 * @example
 * ```ts
 * const tally = tallyFindings(findings);
 * tally.bySeverity.HIGH; // how many HIGH findings
 * tally.byKind.CONFIG_DRIFT.LOW; // how many tightened repositories
 * ```
 */
export function tallyFindings(findings: readonly Finding[]): Tally {
  const bySeverity = noCounts();
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, noCounts()])) as Record<
    FindingKind,
    SeverityCounts
  >;
  const places = new Map<string, OpenGroup>();
  const subjects = new Map<string, OpenGroup>();
  for (const f of findings) {
    bySeverity[f.severity]++;
    byKind[f.kind][f.severity]++;
    const place = `${f.account}\u0000${f.region}`;
    addTo(
      places,
      place,
      () => ({ account: f.account, region: f.region, repository: null, templatePrefix: null }),
      f.severity,
    );
    // A repository and a template of the same name are different subjects.
    const subject = `${place}\u0000${f.repository === null ? `t\u0000${f.templatePrefix ?? ''}` : `r\u0000${f.repository}`}`;
    addTo(
      subjects,
      subject,
      () => ({
        account: f.account,
        region: f.region,
        repository: f.repository,
        templatePrefix: f.repository === null ? (f.templatePrefix ?? '') : null,
      }),
      f.severity,
    );
  }
  const kindTotals = Object.fromEntries(
    FINDING_KINDS.map((k) => [k, SEVERITIES_HIGH_FIRST.reduce((sum, s) => sum + byKind[k][s], 0)]),
  ) as Record<FindingKind, number>;
  return {
    total: findings.length,
    bySeverity,
    byKind,
    kindTotals,
    byAccountRegion: [...places.values()].sort(worstFirst),
    byRepository: [...subjects.values()].sort(worstFirst),
  };
}
