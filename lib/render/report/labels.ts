/**
 * The words the HTML report uses for the finding kinds, severities and drift directions, and how
 * it writes a time: one place, so that the chart, the filters and each finding say the same.
 *
 * @module
 */
import type { Direction, FindingKind, Severity } from '../../core/model/findings.ts';

/**
 * A short name for people, per kind (the kind's own name is shown beside it).
 *
 * @example
 * ```ts
 * KIND_LABELS.TEMPLATE_DRIFT; // 'Template drift'
 * ```
 */
export const KIND_LABELS: Readonly<Record<FindingKind, string>> = {
  TAG_OVERWRITE_VIOLATION: 'Overwrite, not allowed',
  TAG_OVERWRITE_ALLOWED: 'Overwrite, allowed',
  OVERWRITE_BLOCKED: 'Overwrite refused by ECR',
  CONFIG_DRIFT: 'Repository drift',
  CONFIG_DRIFT_RESOLVED: 'Drift resolved',
  TEMPLATE_DRIFT: 'Template drift',
  CONFIG_REMEDIATED: 'Drift restored',
};

/**
 * Severities as the report shows them, highest first: the order of the cards, the chart's
 * stacks, the filters and the findings.
 *
 * @example
 * ```ts
 * SEVERITIES_HIGH_FIRST[0]; // 'HIGH'
 * ```
 */
export const SEVERITIES_HIGH_FIRST: readonly Severity[] = ['HIGH', 'MEDIUM', 'LOW', 'INFO'];

/**
 * What the witness tags of a drift are, by its direction (docs/findings.md, "Messages");
 * undefined when the configurations are equal.
 *
 * @example
 * ```ts
 * witnessCaption('LOOSENED'); // 'Now mutable'
 * ```
 */
export function witnessCaption(direction: Direction | null): string | undefined {
  switch (direction) {
    case 'LOOSENED':
      return 'Now mutable';
    case 'TIGHTENED':
      return 'Now immutable';
    case 'CHANGED':
      return 'Mutability differs for';
    default:
      return undefined;
  }
}

/**
 * A canonical UTC time (`2025-07-24T00:05:00.000Z`) as a person reads it:
 * `2025-07-24 00:05:00 UTC`. Anything else is returned as it is (and escaped by the caller).
 *
 * @example
 * ```ts
 * displayTime('2025-07-24T00:05:00.000Z'); // '2025-07-24 00:05:00 UTC'
 * ```
 */
export function displayTime(time: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(time);
  return match ? `${match[1]} ${match[2]} UTC` : time;
}
