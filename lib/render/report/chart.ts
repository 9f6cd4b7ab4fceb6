/**
 * The report's chart: findings per kind, each bar stacked by severity, as inline SVG (no library,
 * no script: it is drawn at render time and reads with JavaScript off).
 *
 * @module
 */
import { FINDING_KINDS } from '../../core/model/findings.ts';
import { escapeHtml } from './escape.ts';
import { KIND_LABELS, SEVERITIES_HIGH_FIRST } from './labels.ts';
import type { Tally } from './tally.ts';

const WIDTH = 640;
const LABEL_WIDTH = 200;
const BAR_SPACE = 390;
const ROW = 30;
const BAR = 18;
const TOP = 6;

/** Two decimals are plenty for a drawing and keep the markup short. */
function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * The chart of `tally.byKind`: one row per kind (all six, so charts of two reports compare),
 * a bar per row stacked HIGH to INFO, and the row's count after the bar (`data-count="kind:KIND"`).
 *
 * @example
 * ```ts
 * const svg = kindChart(tallyFindings(findings)); // '<svg class="chart" …>…</svg>'
 * ```
 */
export function kindChart(tally: Tally): string {
  const totals = FINDING_KINDS.map((kind) => tally.kindTotals[kind]);
  const max = Math.max(1, ...totals);
  const height = TOP * 2 + ROW * FINDING_KINDS.length;
  const rows = FINDING_KINDS.map((kind, i) => {
    const top = TOP + i * ROW;
    const middle = top + ROW / 2;
    const barTop = middle - BAR / 2;
    let x = LABEL_WIDTH;
    const segments: string[] = [];
    for (const severity of SEVERITIES_HIGH_FIRST) {
      const count = tally.byKind[kind][severity];
      if (count === 0) continue;
      const width = (count / max) * BAR_SPACE;
      segments.push(
        `<rect class="sev-${severity}" x="${px(x)}" y="${px(barTop)}" width="${px(width)}" height="${BAR}"><title>${escapeHtml(`${severity}: ${count}`)}</title></rect>`,
      );
      x += width;
    }
    return `<g class="row"><text class="label" x="0" y="${px(middle)}">${escapeHtml(KIND_LABELS[kind])}</text><line class="axis" x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH}" y1="${px(top + 3)}" y2="${px(top + ROW - 3)}"></line>${segments.join('')}<text class="count" x="${px(x + 6)}" y="${px(middle)}" data-count="kind:${kind}">${totals[i]}</text></g>`;
  });
  const summary = FINDING_KINDS.map((kind, i) => `${KIND_LABELS[kind]}: ${totals[i]}`).join(', ');
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(`Findings by kind. ${summary}.`)}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}
