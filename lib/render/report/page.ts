/**
 * `--format html`: the findings as one self-contained page (docs/cli.md#the-html-report) — counts
 * by severity, a chart by kind, tables per account-region and per repository, then every finding
 * (drift side by side, overwrites with their tag's history) behind filters that work without a
 * server. Pure: findings (and the ledger, for the histories) in, one HTML string out.
 *
 * @module
 */
import { type LedgerState, stateKey } from '../../core/engine/memory-ledger.ts';
import { type Finding, SEVERITIES, type Severity } from '../../core/model/findings.ts';
import { placesTable, subjectsTable } from './breakdown.ts';
import { kindChart } from './chart.ts';
import { contentSecurityPolicy } from './csp.ts';
import { escapeHtml } from './escape.ts';
import { filterBar } from './filters.ts';
import { findingArticle, isOverwriteKind } from './finding.ts';
import { jsonForScript } from './json-block.ts';
import { displayTime, SEVERITIES_HIGH_FIRST } from './labels.ts';
import { REPORT_SCRIPT } from './script.ts';
import { REPORT_STYLE } from './style.ts';
import { type Tally, tallyFindings } from './tally.ts';
import {
  type FindingsHistory,
  historyFromFindings,
  type Timeline,
  timelineFromFindings,
  timelineFromRecord,
} from './timeline.ts';

/** What the report shows besides the findings; all optional. */
export interface HtmlReportOptions {
  /**
   * The ledger after the run (`replay`'s and `scan`'s): each overwritten tag's history is taken
   * from it. Without it, or when it no longer holds a finding's move, the history is built from
   * the report's overwrite findings of that tag.
   */
  readonly state?: LedgerState;
  /** When the report was made (ISO time), for its header. */
  readonly generatedAt?: string;
  /** The `--min-severity` the findings were chosen with, for its header. */
  readonly minSeverity?: Severity;
}

/** The findings and what else the report shows. */
export interface HtmlReportInput extends HtmlReportOptions {
  readonly findings: readonly Finding[];
}

// Computed once: the stylesheet and the script are constants.
const CSP = contentSecurityPolicy(REPORT_STYLE, REPORT_SCRIPT);

const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(
  SEVERITIES.map((s, i) => [s, i]),
) as Record<Severity, number>;

function tagKey(f: Finding): string {
  return `${f.account}\u0000${f.region}\u0000${f.repository ?? ''}\u0000${f.tag ?? ''}`;
}

/** Each overwrite's timeline: the ledger's history of its tag, else one built from the findings. */
function timelines(findings: readonly Finding[], state: LedgerState | undefined) {
  const ofTag = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!isOverwriteKind(f)) continue;
    const key = tagKey(f);
    const list = ofTag.get(key);
    if (list) list.push(f);
    else ofTag.set(key, [f]);
  }
  const built = new Map<string, FindingsHistory>();
  return (f: Finding): Timeline | undefined => {
    if (!isOverwriteKind(f) || f.repository === null || f.tag === null) return undefined;
    const record = state?.repositories
      .get(stateKey(f.account, f.region, f.repository))
      ?.tags.get(f.tag);
    const fromLedger = timelineFromRecord(record, f);
    if (fromLedger) return fromLedger;
    const key = tagKey(f);
    let history = built.get(key);
    if (!history) {
      history = historyFromFindings(ofTag.get(key) ?? [f]);
      built.set(key, history);
    }
    return timelineFromFindings(history, f);
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function header(input: HtmlReportInput, tally: Tally): string {
  const accounts = new Set(tally.byAccountRegion.map((g) => g.account)).size;
  const regions = new Set(tally.byAccountRegion.map((g) => g.region)).size;
  const parts = [
    `${plural(tally.total, 'finding', 'findings')}${input.minSeverity ? ` at ${escapeHtml(input.minSeverity)} or above` : ''}`,
    plural(accounts, 'account', 'accounts'),
    plural(regions, 'region', 'regions'),
    plural(tally.byRepository.length, 'repository or template', 'repositories and templates'),
  ];
  if (input.generatedAt) parts.push(`generated ${escapeHtml(displayTime(input.generatedAt))}`);
  return `<header class="top"><h1>ECR tag audit</h1><p class="meta">${parts.join(' · ')}</p></header>`;
}

function cards(tally: Tally): string {
  return `<section class="cards" aria-label="Findings by severity">${SEVERITIES_HIGH_FIRST.map(
    (s) =>
      `<div class="card sev-${s}${tally.bySeverity[s] === 0 ? ' zero' : ''}"><span class="n" data-count="severity:${s}">${tally.bySeverity[s]}</span><span class="l">${s}</span></div>`,
  ).join('')}</section>`;
}

function overview(tally: Tally): string {
  const legend = `<ul class="legend">${SEVERITIES_HIGH_FIRST.map((s) => `<li class="sev-${s}">${s}</li>`).join('')}</ul>`;
  return `<div class="overview"><section class="panel"><h2>Findings by kind</h2>${kindChart(tally)}${legend}</section><section class="panel"><h2>By account and region</h2><div class="scroll">${placesTable(tally.byAccountRegion)}</div></section></div><section class="panel"><h2>By repository or template</h2><div class="scroll">${subjectsTable(tally.byRepository)}</div></section>`;
}

/**
 * The report of `input.findings` as one HTML page: no request to make (every style and script
 * inline, allowed by hash), every string from the findings escaped, the findings themselves in a
 * JSON data block (`#report-data`, in the order given) for the filters and for tools. Findings are
 * shown highest severity first, in the order given within a severity. Linear in the findings.
 *
 * @example
 * ```ts
 * const html = renderHtmlReport({ findings, state: ledger.state, generatedAt: new Date().toISOString() });
 * ```
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { findings } = input;
  const tally = tallyFindings(findings);
  const timelineOf = timelines(findings, input.state);
  const order = findings
    .map((_, i) => i)
    .sort((a, b) => {
      const x = findings[a] as Finding;
      const y = findings[b] as Finding;
      return SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || a - b;
    });
  const articles = order.map((i) => {
    const f = findings[i] as Finding;
    return findingArticle(f, i, timelineOf(f));
  });
  const empty = findings.length === 0 ? '<p class="none">No findings.</p>' : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>ecr-tag-auditor report: ${plural(tally.total, 'finding', 'findings')}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head><body>',
    header(input, tally),
    '<main>',
    cards(tally),
    overview(tally),
    '<section id="findings"><h2>Findings</h2>',
    filterBar(tally),
    '<noscript><p class="none">The filters need JavaScript; every finding is shown.</p></noscript>',
    '<p class="none" id="no-match" hidden>No finding matches the filters.</p>',
    empty,
    articles.join('\n'),
    '</section></main>',
    `<script type="application/json" id="report-data">${jsonForScript(findings)}</script>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
