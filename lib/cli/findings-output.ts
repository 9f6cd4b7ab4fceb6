/**
 * How `replay` and `scan` print their findings and end: the `--format`, `--min-severity` and
 * `--fail-on` options (their definitions, help lines and validation), the severity filter, the
 * rendering, and the exit code (docs/cli.md). One implementation, so the two commands cannot
 * drift apart.
 *
 * @module
 */
import { type Finding, isAtLeast, SEVERITIES, type Severity } from '../core/model/findings.ts';
import { OUTPUT_FORMATS, type OutputFormat, renderFindings } from '../render/format.ts';
import type { HtmlReportOptions } from '../render/report/page.ts';
import { oneOf } from './args.ts';
import { type CliIO, EXIT, wantsColour } from './io.ts';
import { VERSION } from './version.ts';

/**
 * The options, as `parseCommandArgs` takes them; spread into a command's own.
 *
 * @example
 * ```ts
 * parseCommandArgs('scan', argv, { policy: { type: 'string' }, ...FINDINGS_OUTPUT_OPTIONS });
 * ```
 */
export const FINDINGS_OUTPUT_OPTIONS = {
  format: { type: 'string' },
  'min-severity': { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

/**
 * The help lines of the options, in the commands' `Options:` column layout.
 *
 * @example
 * ```ts
 * const HELP = `Options:\n  --policy FILE            the policy\n${FINDINGS_OUTPUT_HELP}`;
 * ```
 */
export const FINDINGS_OUTPUT_HELP = `  --format FORMAT          table (default), json, ndjson, markdown, html (one
                           self-contained report page: redirect it to a file), asff
                           (Security Hub BatchImportFindings requests) or ocsf (OCSF
                           1.3.0 events)
  --min-severity SEVERITY  print findings at or above SEVERITY: INFO, LOW (default), MEDIUM, HIGH
  --fail-on SEVERITY       exit 1 when any finding is at or above SEVERITY
`;

/** The options as validated. */
export interface FindingsOutput {
  readonly format: OutputFormat;
  /** Findings below this are not printed (they still count for `--fail-on`). */
  readonly minSeverity: Severity;
  /** Exit 1 when any finding is at or above this; undefined: never. */
  readonly failOn: Severity | undefined;
}

const SEVERITY_VALUES = SEVERITIES as readonly Severity[];

/**
 * Validates the options of `command`; a bad value is a usage error naming the allowed ones.
 *
 * @example
 * ```ts
 * const output = findingsOutput('replay', values); // { format: 'table', minSeverity: 'LOW', failOn: undefined }
 * ```
 */
export function findingsOutput(
  command: string,
  values: {
    readonly format?: string | boolean;
    readonly 'min-severity'?: string | boolean;
    readonly 'fail-on'?: string | boolean;
  },
): FindingsOutput {
  const text = (value: string | boolean | undefined) =>
    typeof value === 'string' ? value : undefined;
  const failOn = text(values['fail-on']);
  return {
    format: oneOf(command, 'format', text(values.format), OUTPUT_FORMATS, 'table'),
    minSeverity: oneOf(
      command,
      'min-severity',
      text(values['min-severity']),
      SEVERITY_VALUES,
      'LOW',
    ),
    failOn:
      failOn === undefined ? undefined : oneOf(command, 'fail-on', failOn, SEVERITY_VALUES, 'HIGH'),
  };
}

/**
 * Prints the findings at or above `--min-severity` in `--format` to stdout, and returns them.
 * `report` is what the `html` page shows besides the findings (the ledger, for each overwritten
 * tag's history; when it was made).
 *
 * @example
 * ```ts
 * const shown = printFindings(io, result.findings, output, { state: result.state });
 * io.stderr.write(`${shown.length} at ${output.minSeverity} or above\n`);
 * ```
 */
export function printFindings(
  io: CliIO,
  findings: readonly Finding[],
  output: FindingsOutput,
  report: Omit<HtmlReportOptions, 'minSeverity'> = {},
): Finding[] {
  const shown = findings.filter((f) => isAtLeast(f.severity, output.minSeverity));
  io.stdout.write(
    renderFindings(shown, output.format, wantsColour(io), {
      ...report,
      minSeverity: output.minSeverity,
      now: new Date(),
      productVersion: VERSION,
    }),
  );
  return shown;
}

/**
 * The exit code of a run that got to the end: 3 when some input was malformed or unreadable (or
 * some repository could not be scanned), else 1 when a finding is at or above `--fail-on`, else
 * 0. A usage or policy error (2) never gets here: it is thrown, and outranks both.
 *
 * @example
 * ```ts
 * return findingsExitCode(result.findings, output, problems.length > 0);
 * ```
 */
export function findingsExitCode(
  findings: readonly Finding[],
  output: FindingsOutput,
  incomplete: boolean,
): number {
  if (incomplete) return EXIT.INPUT;
  const { failOn } = output;
  if (failOn && findings.some((f) => isAtLeast(f.severity, failOn))) return EXIT.FINDINGS;
  return EXIT.OK;
}
