/**
 * The filter bar: a checkbox per severity and per kind, with its count, a search box and a reset
 * button. It needs the report's script, so it is hidden until the script shows it: with
 * JavaScript off the page still reads, every finding shown.
 *
 * @module
 */
import { FINDING_KINDS } from '../../core/model/findings.ts';
import { KIND_LABELS, SEVERITIES_HIGH_FIRST } from './labels.ts';
import type { Tally } from './tally.ts';

function box(group: 'severity' | 'kind', value: string, label: string, count: number): string {
  return `<label class="toggle ${group === 'severity' ? `sev-${value}` : 'kind'}"><input type="checkbox" data-filter="${group}" value="${value}" checked> ${label} <span class="n">${count}</span></label>`;
}

/**
 * The filter bar for findings counted in `tally`; `#shown` says how many are shown.
 *
 * @example
 * ```ts
 * filterBar(tallyFindings(findings)); // '<div class="filters" id="filters" hidden>…</div>'
 * ```
 */
export function filterBar(tally: Tally): string {
  const severities = SEVERITIES_HIGH_FIRST.map((s) => box('severity', s, s, tally.bySeverity[s]));
  const kinds = FINDING_KINDS.map((k) => box('kind', k, KIND_LABELS[k], tally.kindTotals[k]));
  return `<div class="filters" id="filters" role="search" aria-label="Filter findings" hidden><fieldset><legend>Severity</legend>${severities.join('')}</fieldset><fieldset><legend>Kind</legend>${kinds.join('')}</fieldset><div class="search"><label for="search">Search</label><input type="search" id="search" placeholder="repository, tag, account…" autocomplete="off" spellcheck="false"><button type="button" id="reset">Show all</button><output id="shown" for="search" aria-live="polite"></output></div></div>`;
}
