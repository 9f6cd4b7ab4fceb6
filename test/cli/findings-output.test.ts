/**
 * `--format`, `--min-severity`, `--fail-on` and the exit code: one implementation
 * (lib/cli/findings-output.ts) that `replay` and `scan` share, down to their help lines.
 */
import { describe, expect, it } from 'vitest';
import {
  FINDINGS_OUTPUT_HELP,
  findingsExitCode,
  findingsOutput,
  printFindings,
} from '../../lib/cli/findings-output.ts';
import { type CliIO, EXIT, UsageError } from '../../lib/cli/io.ts';
import { REPLAY_HELP } from '../../lib/cli/replay/command.ts';
import { SCAN_HELP } from '../../lib/cli/scan.ts';
import { sampleFinding } from '../alerts/findings.ts';

const high = sampleFinding('TAG_OVERWRITE_VIOLATION');
const info = sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'info-1', severity: 'INFO' });

function captured(): { io: CliIO; out: () => string } {
  let text = '';
  const sink = { write: (s: string) => (text += s) };
  return { io: { stdout: sink, stderr: sink, stdin: process.stdin, env: {} }, out: () => text };
}

describe('findingsOutput', () => {
  it('defaults to a table of LOW and above, failing on nothing', () => {
    // Act
    const output = findingsOutput('replay', {});
    // Assess
    expect(output).toEqual({ format: 'table', minSeverity: 'LOW', failOn: undefined });
  });

  it('reads values in any case, as the allowed spelling', () => {
    const output = findingsOutput('scan', {
      format: 'JSON',
      'min-severity': 'info',
      'fail-on': 'medium',
    });
    expect(output).toEqual({ format: 'json', minSeverity: 'INFO', failOn: 'MEDIUM' });
  });

  it.each([
    [
      'format',
      'xml',
      /^scan: --format must be one of table, json, ndjson, markdown, html, asff, ocsf \(got "xml"\)$/,
    ],
    ['min-severity', 'CRITICAL', /^scan: --min-severity must be one of INFO, LOW, MEDIUM, HIGH/],
    ['fail-on', 'NEVER', /^scan: --fail-on must be one of INFO, LOW, MEDIUM, HIGH/],
  ])('refuses --%s %s with a usage error naming the command', (flag, value, message) => {
    expect(() => findingsOutput('scan', { [flag]: value })).toThrow(UsageError);
    expect(() => findingsOutput('scan', { [flag]: value })).toThrow(message);
  });
});

describe('printFindings', () => {
  it('prints and returns only the findings at or above --min-severity', () => {
    // Prepare
    const { io, out } = captured();
    const output = findingsOutput('replay', { format: 'ndjson', 'min-severity': 'LOW' });
    // Act
    const shown = printFindings(io, [info, high], output);
    // Assess
    expect(shown).toEqual([high]);
    expect(
      out()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([high.id]);
  });
});

describe('findingsExitCode', () => {
  const failOnHigh = findingsOutput('replay', { 'fail-on': 'HIGH' });

  it('is 1 for a finding at or above --fail-on, also one not printed', () => {
    const quiet = findingsOutput('replay', { 'fail-on': 'INFO', 'min-severity': 'HIGH' });
    expect(findingsExitCode([high], failOnHigh, false)).toBe(EXIT.FINDINGS);
    expect(findingsExitCode([info], quiet, false)).toBe(EXIT.FINDINGS);
  });

  it('is 0 below --fail-on, and without it whatever was found', () => {
    expect(findingsExitCode([info], failOnHigh, false)).toBe(EXIT.OK);
    expect(findingsExitCode([high], findingsOutput('replay', {}), false)).toBe(EXIT.OK);
  });

  it('is 3 when the input was incomplete, before any finding (precedence 3 > 1)', () => {
    expect(findingsExitCode([high], failOnHigh, true)).toBe(EXIT.INPUT);
    expect(findingsExitCode([], failOnHigh, true)).toBe(EXIT.INPUT);
  });
});

describe('help', () => {
  it('replay and scan describe the three options with the same lines', () => {
    expect(REPLAY_HELP).toContain(FINDINGS_OUTPUT_HELP);
    expect(SCAN_HELP).toContain(FINDINGS_OUTPUT_HELP);
  });
});
