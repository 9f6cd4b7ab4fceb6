/**
 * The report: one table row per figure, each with the baseline measured in the same run, their
 * ratio, the budget and whether it holds; details and notes below the table.
 *
 * @module
 */

/** One row of the results table. */
export interface Row {
  /** Issue row number and variant, e.g. `2 image-action time`. */
  readonly id: string;
  readonly what: string;
  /** The figure, formatted (absolute times are this machine's). */
  readonly figure: string;
  readonly baseline: string;
  /** figure ÷ baseline (or baseline ÷ figure for rates), formatted; `—` when none. */
  readonly ratio: string;
  readonly budget: string;
  readonly pass: boolean;
}

/** What a row module returns. */
export interface RowResult {
  readonly rows: Row[];
  /** Markdown paragraphs or tables for the details section. */
  readonly details: string[];
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The results table in Markdown. */
export function table(rows: readonly Row[]): string {
  const lines = [
    '| # | what | figure | baseline (same run) | ratio | budget | result |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.id)} | ${cell(r.what)} | ${cell(r.figure)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.budget)} | ${r.pass ? 'pass' : '**FAIL**'} |`,
    ),
  ];
  return lines.join('\n');
}

/** A small Markdown table from a header and rows of cells. */
export function smallTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
