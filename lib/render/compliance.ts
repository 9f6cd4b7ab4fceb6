/**
 * Whether a finding reports something as the policy wants it: the compliance status of the
 * interchange formats (ASFF `Compliance.Status`, OCSF `compliance.status_id`), defined once.
 *
 * @module
 */
import type { Finding } from '../core/model/findings.ts';

/**
 * True when what `f` reports is as the policy wants it — an overwrite the policy allows, a
 * refused overwrite the policy intends (LOW), a drift resolved or restored; false when it is not — an
 * overwrite the policy forbids, a drift, a refused overwrite of a tag the policy makes mutable
 * (MEDIUM: the repository is stricter than intended, docs/findings.md#kinds-and-severities).
 *
 * Never "could not tell": ASFF's WARNING and NOT_AVAILABLE and OCSF's Warning all mean a check
 * that could not conclude, which no finding is.
 *
 * @example
 * ```ts
 * compliesWithPolicy(violation); // false
 * compliesWithPolicy(resolution); // true
 * ```
 */
export function compliesWithPolicy(f: Finding): boolean {
  switch (f.kind) {
    case 'TAG_OVERWRITE_ALLOWED':
    case 'CONFIG_DRIFT_RESOLVED':
    case 'CONFIG_REMEDIATED':
      return true;
    case 'OVERWRITE_BLOCKED':
      return f.severity !== 'MEDIUM';
    default:
      return false;
  }
}
