/**
 * The record a finding updates in a findings store that keeps state — Security Hub (ASFF), an
 * OCSF consumer that tracks findings by `finding_info.uid` (docs/formats.md#records).
 *
 * @module
 */
import { type Finding, findingId } from './findings.ts';

/**
 * The id of the record `finding` creates or updates: for `CONFIG_DRIFT` and
 * `CONFIG_DRIFT_RESOLVED`, one record per repository (built like a finding id, from `CONFIG_DRIFT`,
 * the account, the region and the repository); for `TEMPLATE_DRIFT`, one per creation template
 * (from `TEMPLATE_DRIFT`, the account, the region and `template:PREFIX`); for every other
 * finding, the finding's own id.
 *
 * Why drift shares a record: a resolution's id is not any drift's id (each drift of an episode —
 * loosened, then tightened, a reminder — has its own, docs/findings.md#stable-ids), and the
 * finding does not carry its episode, so the only record every drift of a repository and its
 * resolution can all name is the repository's. Security Hub's own control findings work the same
 * way: one finding per control and resource, FAILED while it fails, PASSED and archived when it
 * passes, and back to FAILED (with its workflow reset to NEW) when it fails again.
 *
 * @example
 * ```ts
 * findingRecordId(drift) === findingRecordId(itsResolution); // true
 * findingRecordId(overwrite) === overwrite.id; // true
 * ```
 */
export function findingRecordId(finding: Finding): string {
  switch (finding.kind) {
    case 'CONFIG_DRIFT':
    case 'CONFIG_DRIFT_RESOLVED':
      return findingId('CONFIG_DRIFT', [finding.account, finding.region, finding.repository]);
    case 'TEMPLATE_DRIFT':
      return findingId('TEMPLATE_DRIFT', [
        finding.account,
        finding.region,
        `template:${finding.templatePrefix ?? ''}`,
      ]);
    default:
      return finding.id;
  }
}
