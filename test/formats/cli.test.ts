/**
 * `--format asff` and `--format ocsf` from the command line (docs/formats.md): `replay` on the
 * bundled example prints what `aws securityhub batch-import-findings --cli-input-json` and an
 * OCSF reader take (`scan --format asff`: test/cli/scan.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linesOf, REPO_ROOT, runCli } from '../cli/support.ts';
import { batchProblems } from '../support/asff.ts';

const example = (name: string) => new URL(`examples/${name}`, REPO_ROOT).pathname;

/** `npm start`, every finding printed, in `format`. */
function replayExample(format: string) {
  return runCli([
    'replay',
    '--policy',
    example('policy.yml'),
    '--repositories',
    example('repositories.json'),
    '--min-severity',
    'INFO',
    '--format',
    format,
    example('events'),
  ]);
}

describe('replay --format asff', () => {
  it('prints BatchImportFindings requests Security Hub accepts, the fixed drift archived', async () => {
    // Act
    const run = await replayExample('ASFF');
    // Assess
    expect(run.code).toBe(0);
    const requests = linesOf(run.stdout).map((line) => JSON.parse(line));
    expect(requests).toHaveLength(1);
    for (const request of requests) expect(batchProblems(request)).toEqual([]);
    const findings = requests.flatMap((r) => r.Findings);
    // Seven findings, six records: legacy's drift and its resolution share one.
    expect(findings).toHaveLength(6);
    const legacy = findings.filter((f) => f.Resources[0].Id.endsWith(':repository/legacy'));
    expect(legacy).toMatchObject([
      {
        RecordState: 'ARCHIVED',
        Compliance: { Status: 'PASSED' },
        ProductFields: { 'ecr-tag-auditor/kind': 'CONFIG_DRIFT_RESOLVED' },
      },
    ]);
    expect(run.stderr).toContain('7 finding(s), 7 at INFO or above');
  });
});

describe('replay --format ocsf', () => {
  it('prints one Compliance Finding event a line, one per finding', async () => {
    // Act
    const run = await replayExample('ocsf');
    // Assess
    expect(run.code).toBe(0);
    const events = linesOf(run.stdout).map((line) => JSON.parse(line));
    expect(events).toHaveLength(7);
    for (const event of events) {
      expect(event).toMatchObject({
        class_uid: 2003,
        category_uid: 2,
        metadata: { version: '1.3.0' },
      });
      expect(event.metadata.product.version).toBe('dev');
    }
    expect(events.at(-1)).toMatchObject({ activity_name: 'Close', status: 'Resolved' });
  });
});

describe('docs/formats.md', () => {
  /** The JSON examples of the page, in order. */
  const examples = [
    ...readFileSync(new URL('docs/formats.md', REPO_ROOT), 'utf8').matchAll(
      /```json\n([\s\S]*?)```/g,
    ),
  ].map((m) => JSON.parse(m[1] ?? ''));

  it('shows the ASFF finding the example prints for payments, as it prints it', async () => {
    const run = await replayExample('asff');
    const findings = linesOf(run.stdout).flatMap((line) => JSON.parse(line).Findings);
    const payments = findings.find(
      (f) => f.Resources[0].Id.endsWith(':repository/payments') && f.GeneratorId.endsWith('DRIFT'),
    );
    expect(examples[0]).toEqual(payments);
  });

  it('shows the OCSF event the example prints for web:v2.0.0, as the build prints it', async () => {
    const run = await replayExample('ocsf');
    const event = linesOf(run.stdout)
      .map((line) => JSON.parse(line))
      .find((e) => e.unmapped.tag === 'v2.0.0');
    // In-process the version is `dev`; the page shows the build's.
    event.metadata.product.version = examples[1]?.metadata.product.version;
    expect(examples[1]).toEqual(event);
    expect(examples[1]?.metadata.product.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
