/** The report's numbers (lib/render/report/tally.ts), counted by hand here. */
import { describe, expect, it } from 'vitest';
import { tallyFindings } from '../../lib/render/report/tally.ts';
import { sampleFinding } from '../alerts/findings.ts';

const A = '111111111111';
const B = '222222222222';

describe('tallyFindings', () => {
  it('counts per severity, per kind and severity, and per kind', () => {
    // Prepare
    const findings = [
      sampleFinding('CONFIG_DRIFT', { severity: 'HIGH' }),
      sampleFinding('CONFIG_DRIFT', { severity: 'LOW', direction: 'TIGHTENED' }),
      sampleFinding('OVERWRITE_BLOCKED', { severity: 'MEDIUM' }),
      sampleFinding('OVERWRITE_BLOCKED', { severity: 'LOW' }),
      sampleFinding('TAG_OVERWRITE_ALLOWED', { severity: 'INFO' }),
    ];

    // Act
    const tally = tallyFindings(findings);

    // Assess
    expect(tally.total).toBe(5);
    expect(tally.bySeverity).toEqual({ HIGH: 1, MEDIUM: 1, LOW: 2, INFO: 1 });
    expect(tally.byKind.CONFIG_DRIFT).toEqual({ HIGH: 1, MEDIUM: 0, LOW: 1, INFO: 0 });
    expect(tally.byKind.OVERWRITE_BLOCKED).toEqual({ HIGH: 0, MEDIUM: 1, LOW: 1, INFO: 0 });
    expect(tally.byKind.TEMPLATE_DRIFT).toEqual({ HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 });
    expect(tally.kindTotals).toEqual({
      TAG_OVERWRITE_VIOLATION: 0,
      TAG_OVERWRITE_ALLOWED: 1,
      OVERWRITE_BLOCKED: 2,
      CONFIG_DRIFT: 2,
      CONFIG_DRIFT_RESOLVED: 0,
      TEMPLATE_DRIFT: 0,
      CONFIG_REMEDIATED: 0,
    });
  });

  it('groups per account-region and per repository or template, worst first, then by name', () => {
    // Prepare
    const findings = [
      sampleFinding('TAG_OVERWRITE_ALLOWED', { account: A, repository: 'zoo', severity: 'INFO' }),
      sampleFinding('TAG_OVERWRITE_ALLOWED', { account: A, repository: 'web', severity: 'INFO' }),
      sampleFinding('CONFIG_DRIFT', { account: B, repository: 'api', severity: 'HIGH' }),
      sampleFinding('TAG_OVERWRITE_ALLOWED', { account: A, repository: 'app', severity: 'INFO' }),
      sampleFinding('TEMPLATE_DRIFT', { account: A, severity: 'LOW', templatePrefix: 'web' }),
      sampleFinding('OVERWRITE_BLOCKED', { account: A, repository: 'web', severity: 'LOW' }),
    ];

    // Act
    const tally = tallyFindings(findings);

    // Assess: B has a HIGH, so it comes first although A has more findings.
    expect(tally.byAccountRegion.map((g) => [g.account, g.region, g.total, g.counts.LOW])).toEqual([
      [B, 'eu-west-1', 1, 0],
      [A, 'eu-west-1', 5, 2],
    ]);
    // The repository web and the template web are two subjects (web has a LOW and an INFO, the
    // template a LOW); app and zoo have equal counts, so they go by name.
    expect(
      tally.byRepository.map((g) => [g.account, g.repository, g.templatePrefix, g.total]),
    ).toEqual([
      [B, 'api', null, 1],
      [A, 'web', null, 2],
      [A, null, 'web', 1],
      [A, 'app', null, 1],
      [A, 'zoo', null, 1],
    ]);
  });
});
