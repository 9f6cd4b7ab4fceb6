/**
 * Where the findings are: a table per account and region, and one per repository or creation
 * template, each worst first, with a count per severity.
 *
 * @module
 */
import { escapeHtml } from './escape.ts';
import { SEVERITIES_HIGH_FIRST } from './labels.ts';
import type { Group } from './tally.ts';

function countCells(group: Group): string {
  const cells = SEVERITIES_HIGH_FIRST.map((s) => {
    const n = group.counts[s];
    return n === 0 ? '<td class="num zero">0</td>' : `<td class="num sev-${s}">${n}</td>`;
  });
  return `${cells.join('')}<td class="num total">${group.total}</td>`;
}

const COUNT_HEADS = `${SEVERITIES_HIGH_FIRST.map((s) => `<th class="num" scope="col">${s}</th>`).join('')}<th class="num" scope="col">Total</th>`;

/**
 * The table of findings per account and region.
 *
 * @example
 * ```ts
 * placesTable(tallyFindings(findings).byAccountRegion); // '<table class="breakdown">…</table>'
 * ```
 */
export function placesTable(groups: readonly Group[]): string {
  const rows = groups.map(
    (g) =>
      `<tr><td><code>${escapeHtml(g.account)}</code></td><td>${escapeHtml(g.region)}</td>${countCells(g)}</tr>`,
  );
  return `<table class="breakdown places"><thead><tr><th scope="col">Account</th><th scope="col">Region</th>${COUNT_HEADS}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The table of findings per repository or creation template (marked `template`), with its
 * account and region.
 *
 * @example
 * ```ts
 * subjectsTable(tallyFindings(findings).byRepository); // '<table class="breakdown subjects">…</table>'
 * ```
 */
export function subjectsTable(groups: readonly Group[]): string {
  const rows = groups.map((g) => {
    const name =
      g.repository === null
        ? `<span class="pill">template</span> <code>${escapeHtml(g.templatePrefix ?? '')}</code>`
        : `<code>${escapeHtml(g.repository)}</code>`;
    return `<tr><td class="name">${name}</td><td><code>${escapeHtml(g.account)}</code></td><td>${escapeHtml(g.region)}</td>${countCells(g)}</tr>`;
  });
  return `<table class="breakdown subjects"><thead><tr><th scope="col">Repository or template</th><th scope="col">Account</th><th scope="col">Region</th>${COUNT_HEADS}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
