/**
 * `ecr-tag-auditor replay`: `--min-severity` (what is shown) and `--fail-on` (the exit code from findings) (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import { blockedPush, parseFindings } from '../support.ts';
import { prepare, push, replay, summary } from './support.ts';

describe('replay --min-severity and --fail-on', () => {
  it.each([
    [
      'INFO',
      [
        'CONFIG_DRIFT',
        'OVERWRITE_BLOCKED',
        'OVERWRITE_BLOCKED',
        'TAG_OVERWRITE_ALLOWED',
        'TAG_OVERWRITE_VIOLATION',
      ],
    ],
    ['LOW', ['CONFIG_DRIFT', 'OVERWRITE_BLOCKED', 'OVERWRITE_BLOCKED', 'TAG_OVERWRITE_VIOLATION']],
    ['MEDIUM', ['CONFIG_DRIFT', 'OVERWRITE_BLOCKED', 'TAG_OVERWRITE_VIOLATION']],
    ['HIGH', ['CONFIG_DRIFT', 'TAG_OVERWRITE_VIOLATION']],
  ] as const)(
    '--min-severity %s shows the findings at or above it',
    async (threshold, expected) => {
      // Prepare
      const { policy, input } = prepare();
      // Act
      const run = await replay([
        '--policy',
        policy,
        '--format',
        'json',
        '--min-severity',
        threshold,
        input,
      ]);
      // Assess
      const findings = parseFindings(run.stdout);
      expect(findings.map((f) => f.kind).sort()).toEqual(expected);
      const s = summary(run.stderr);
      expect(s.findings).toBe(5);
      expect(s.shown).toBe(expected.length);
      expect(s.threshold).toBe(threshold);
    },
  );

  it('the default --min-severity is LOW: INFO findings are hidden', async () => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--format', 'json', input]);
    const findings = parseFindings(run.stdout);
    expect(findings.some((f) => f.severity === 'INFO')).toBe(false);
    expect(findings).toHaveLength(4);
  });

  it.each([
    ['HIGH', 1],
    ['MEDIUM', 1],
    ['INFO', 1],
  ] as const)('--fail-on %s with a HIGH finding exits %i', async (failOn, code) => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--fail-on', failOn, input]);
    expect(run.code).toBe(code);
    // The findings are still printed.
    expect(run.stdout).toContain('TAG_OVERWRITE_VIOLATION');
  });

  it('--fail-on exits 0 when every finding is below it', async () => {
    // Prepare: only an allowed overwrite (INFO) and a refused one (LOW)
    const { policy, input } = prepare([
      push('web', 'dev-1', 1, 0),
      push('web', 'dev-1', 2, 1),
      blockedPush({ repository: 'payments', tag: 'v1', digest: digest(4), minutes: 2 }),
    ]);
    // Act
    const high = await replay(['--policy', policy, '--fail-on', 'MEDIUM', input]);
    const low = await replay(['--policy', policy, '--fail-on', 'LOW', input]);
    // Assess
    expect(high.code).toBe(0);
    expect(low.code).toBe(1);
  });

  it('without --fail-on, findings alone never fail the run', async () => {
    const { policy, input } = prepare();
    expect((await replay(['--policy', policy, input])).code).toBe(0);
  });
});
