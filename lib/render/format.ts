/**
 * Output formats of the CLI: `table` for people at a terminal, `json` and `ndjson` for
 * machines, `markdown` for a report pasted into a ticket, `html` for a report page, `asff` and
 * `ocsf` for Security Hub and security data lakes (docs/formats.md).
 *
 * @module
 */
import { describeConfig } from '../core/model/config.ts';
import { type Finding, SEVERITIES, type Severity } from '../core/model/findings.ts';
import { renderAsff } from './asff-batches.ts';
import { renderOcsf } from './ocsf.ts';
import { printable } from './printable.ts';
import { type HtmlReportOptions, renderHtmlReport } from './report/page.ts';

// Kept here too: printable() was defined in this file, and importers may still look for it here.
export { printable };

/** The output formats. */
export const OUTPUT_FORMATS = [
  'table',
  'json',
  'ndjson',
  'markdown',
  'html',
  'asff',
  'ocsf',
] as const;

/** One output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const COLOURS: Record<Severity, string> = {
  HIGH: '\u001b[1;31m',
  MEDIUM: '\u001b[33m',
  LOW: '\u001b[36m',
  INFO: '\u001b[2m',
};
const RESET = '\u001b[0m';

/** Where a finding is: the repository, or `template:PREFIX`. */
function findingSubject(finding: Finding): string {
  return finding.repository ?? `template:${finding.templatePrefix ?? ''}`;
}

/** What `asff` and `ocsf` need besides the findings. */
export interface InterchangeContext {
  /** The time of the run, for findings with no event time. */
  readonly now: Date;
  /** This program's version, named by `ocsf`. */
  readonly productVersion?: string;
}

/** What formats need besides the findings: the report page's options, and the run's context. */
export interface RenderOptions extends HtmlReportOptions, Partial<InterchangeContext> {}

/**
 * Renders findings in `format`; `colour` only affects `table`; `options` the `html` page and
 * `asff` and `ocsf` (by default, the time is now and the version unnamed).
 */
export function renderFindings(
  findings: readonly Finding[],
  format: OutputFormat,
  colour = false,
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'asff':
      return renderAsff(findings, interchangeContext(options));
    case 'ocsf':
      return renderOcsf(findings, interchangeContext(options));
    case 'json':
      return `${JSON.stringify(findings, null, 2)}\n`;
    case 'ndjson':
      return findings.map((f) => `${JSON.stringify(f)}\n`).join('');
    case 'markdown':
      return renderMarkdown(findings);
    case 'table':
      return renderTable(findings, colour);
    case 'html':
      return renderHtmlReport({
        state: options.state,
        generatedAt: options.generatedAt,
        minSeverity: options.minSeverity,
        findings,
      });
  }
}

function interchangeContext({ now, productVersion }: RenderOptions): InterchangeContext {
  return { now: now ?? new Date(), productVersion };
}

function renderTable(findings: readonly Finding[], colour: boolean): string {
  if (findings.length === 0) return 'No findings.\n';
  const header = ['SEVERITY', 'KIND', 'REPOSITORY', 'TAG', 'MESSAGE'];
  const rows = findings.map((f) =>
    [f.severity, f.kind, findingSubject(f), f.tag ?? '-', f.message].map(printable),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], severity?: Severity): string => {
    const text = cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
    return colour && severity ? `${COLOURS[severity]}${text}${RESET}` : text;
  };
  return `${[line(header), ...rows.map((r, i) => line(r, findings[i]?.severity))].join('\n')}\n`;
}

/** Escapes text for a Markdown table cell or paragraph. */
export function escapeMarkdown(text: string): string {
  return printable(text.replace(/\r?\n/g, ' ')).replace(/[\\`*_{}[\]()<>#+!|~]/g, '\\$&');
}

function renderMarkdown(findings: readonly Finding[]): string {
  const counts = SEVERITIES.toReversed()
    .map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`)
    .join(', ');
  const out = ['# ecr-tag-auditor report', '', `${findings.length} findings: ${counts}.`, ''];
  if (findings.length === 0) return `${out.join('\n')}\n`;
  out.push('| Severity | Kind | Repository | Tag | Message |', '|---|---|---|---|---|');
  for (const f of findings) {
    const cells = [f.severity, f.kind, findingSubject(f), f.tag ?? '', f.message].map(
      escapeMarkdown,
    );
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('', '## Details', '');
  for (const f of findings) {
    out.push(
      `### ${escapeMarkdown(`${f.severity} ${f.kind} — ${findingSubject(f)}${f.tag ? `:${f.tag}` : ''}`)}`,
      '',
    );
    const facts: [string, string | null][] = [
      ['Account / region', `${f.account} / ${f.region}`],
      ['Previous digest', f.previousDigest],
      ['Digest', f.digest],
      ['Deleted and re-pushed', f.viaDelete === null ? null : String(f.viaDelete)],
      ['Expected', f.expected && describeConfig(f.expected)],
      ['Actual', f.actual && describeConfig(f.actual)],
      ['Direction', f.direction],
      ['Witness tags', f.witnesses.length > 0 ? f.witnesses.join(', ') : null],
      ['Actor', f.actor],
      ['Event', f.eventId && `${f.eventId}${f.eventTime ? ` at ${f.eventTime}` : ''}`],
      ['Detected by', f.detectedBy],
      ['Finding id', f.id],
    ];
    out.push(escapeMarkdown(f.message), '');
    for (const [label, value] of facts)
      if (value !== null) out.push(`- **${label}:** \`${printable(value).replaceAll('`', "'")}\``);
    out.push('');
  }
  return `${out.join('\n')}`;
}
