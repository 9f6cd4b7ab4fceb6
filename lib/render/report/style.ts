/**
 * The report's stylesheet, inline (no font or file to fetch); the Content-Security-Policy allows
 * exactly this text by its hash. Sized for a laptop screen: the counts, the chart and the
 * account-regions fit the first 1366×768 screen.
 *
 * @module
 */

/**
 * The stylesheet, placed as is inside `<style>`.
 *
 * @example
 * ```ts
 * const html = `<style>${REPORT_STYLE}</style>`;
 * ```
 */
export const REPORT_STYLE = `:root {
  color-scheme: light;
  --fg: #1d2433; --muted: #5d6778; --faint: #8a93a3; --line: #e2e6ed; --bg: #f5f6f8; --card: #fff;
  --high: #c0262d; --medium: #b85c00; --low: #1f63d6; --info: #778196; --ok: #1a7f37; --mark: #fff4cc;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.top { background: #1d2433; color: #fff; padding: 12px 24px; }
.top h1 { margin: 0; font-size: 19px; font-weight: 650; }
.top .meta { margin: 2px 0 0; color: #c5ccd8; font-size: 13px; }
main { max-width: 1320px; margin: 0 auto; padding: 14px 24px 48px; }
h2 { font-size: 15px; margin: 0 0 8px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 8px; padding: 8px 14px; }
.card .n { display: block; font-size: 28px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); text-transform: uppercase; font-size: 11px; letter-spacing: 0.06em; font-weight: 600; }
.card.sev-HIGH { border-left-color: var(--high); } .card.sev-HIGH .n { color: var(--high); }
.card.sev-MEDIUM { border-left-color: var(--medium); } .card.sev-MEDIUM .n { color: var(--medium); }
.card.sev-LOW { border-left-color: var(--low); } .card.sev-LOW .n { color: var(--low); }
.card.sev-INFO .n { color: var(--info); }
.card.zero .n { color: var(--faint); }
.overview { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 12px; margin-top: 12px; align-items: start; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin-top: 12px; }
.overview .panel { margin-top: 0; }
svg.chart { width: 100%; max-width: 640px; height: auto; display: block; }
svg.chart text { font-size: 13px; fill: var(--fg); dominant-baseline: middle; }
svg.chart text.count { font-weight: 650; }
svg.chart .axis { stroke: #c9cfd9; }
rect.sev-HIGH { fill: var(--high); } rect.sev-MEDIUM { fill: var(--medium); } rect.sev-LOW { fill: var(--low); } rect.sev-INFO { fill: var(--info); }
.legend { display: flex; gap: 14px; list-style: none; margin: 4px 0 0; padding: 0; color: var(--muted); font-size: 12px; }
.legend li::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; background: var(--info); }
.legend .sev-HIGH::before { background: var(--high); } .legend .sev-MEDIUM::before { background: var(--medium); } .legend .sev-LOW::before { background: var(--low); }
.scroll { max-height: 300px; overflow: auto; }
table.breakdown { border-collapse: collapse; width: 100%; font-size: 13px; }
table.breakdown th, table.breakdown td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.breakdown th { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; position: sticky; top: 0; background: var(--card); }
table.breakdown .num { text-align: right; font-variant-numeric: tabular-nums; width: 4.5em; }
td.zero { color: #c3c9d4; }
td.sev-HIGH { color: var(--high); font-weight: 650; } td.sev-MEDIUM { color: var(--medium); font-weight: 650; } td.sev-LOW { color: var(--low); font-weight: 650; }
td.total { font-weight: 650; }
#findings { margin-top: 18px; }
.filters { position: sticky; top: 0; z-index: 2; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; }
fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
legend { float: left; margin-right: 4px; font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; font-weight: 600; }
.toggle { display: inline-flex; align-items: center; gap: 5px; background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px 2px 7px; cursor: pointer; font-size: 13px; user-select: none; }
.toggle .n { color: var(--muted); font-variant-numeric: tabular-nums; }
.toggle.sev-HIGH input { accent-color: var(--high); } .toggle.sev-MEDIUM input { accent-color: var(--medium); } .toggle.sev-LOW input { accent-color: var(--low); } .toggle.sev-INFO input { accent-color: var(--info); }
.toggle:has(input:not(:checked)) { opacity: 0.5; }
.search { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.search label { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; font-weight: 600; }
input[type="search"] { font: inherit; padding: 3px 8px; border: 1px solid #c5ccd8; border-radius: 6px; width: 18em; }
button { font: inherit; padding: 3px 10px; border: 1px solid #c5ccd8; border-radius: 6px; background: var(--card); cursor: pointer; }
#shown { color: var(--muted); font-size: 13px; }
.finding { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 8px; padding: 10px 16px; margin: 10px 0; }
.finding.sev-HIGH { border-left-color: var(--high); } .finding.sev-MEDIUM { border-left-color: var(--medium); } .finding.sev-LOW { border-left-color: var(--low); }
.finding header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.finding h3 { margin: 0; font-size: 15px; font-weight: 600; }
.badge { font-size: 11px; font-weight: 700; letter-spacing: 0.05em; color: #fff; border-radius: 4px; padding: 1px 7px; background: var(--info); }
.badge.sev-HIGH { background: var(--high); } .badge.sev-MEDIUM { background: var(--medium); } .badge.sev-LOW { background: var(--low); }
.kind { color: var(--muted); font-size: 13px; }
.kind code { font-size: 11px; color: var(--faint); margin-left: 2px; }
.at { color: var(--muted); font-size: 13px; font-weight: 400; }
.where { margin-left: auto; color: var(--muted); font-size: 12px; }
.message { margin: 6px 0; }
.pill { display: inline-block; font-size: 11px; font-weight: 600; border: 1px solid var(--line); background: #eef1f5; border-radius: 999px; padding: 0 8px; color: var(--muted); vertical-align: 1px; }
.compare { display: grid; grid-template-columns: minmax(0, 1fr) auto minmax(0, 1fr); gap: 10px; margin: 8px 0; max-width: 980px; }
.side { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px 8px; background: #fafbfc; }
.side h4 { margin: 0 0 2px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.mode { margin: 0 0 6px; font-weight: 600; }
.mode.differs code, .chip.only { background: var(--mark); }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
.chip { display: inline-block; border: 1px solid #d5dae3; background: var(--card); border-radius: 4px; padding: 0 6px; }
.chip.only { border-color: #e3c35a; }
.direction { display: flex; flex-direction: column; justify-content: center; align-items: center; font-size: 11px; font-weight: 700; letter-spacing: 0.05em; min-width: 6em; }
.direction .arrow { font-size: 22px; line-height: 1; }
.dir-LOOSENED, .dir-CHANGED { color: var(--high); } .dir-TIGHTENED { color: var(--low); } .dir-EQUAL { color: var(--ok); }
.witnesses { margin: 6px 0; }
.witnesses .caption { font-weight: 600; margin-right: 4px; }
.move, .expects { margin: 6px 0; }
.expects { color: var(--muted); }
.history { margin: 8px 0 4px; }
.history figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
ol.timeline { list-style: none; margin: 0 0 0 6px; padding: 0 0 0 14px; border-left: 2px solid var(--line); width: fit-content; max-width: 100%; }
.entry { position: relative; display: flex; flex-wrap: wrap; gap: 2px 12px; align-items: baseline; padding: 2px 8px; margin: 1px 0; border-radius: 4px; }
.entry::before { content: ""; position: absolute; left: -21px; top: 8px; width: 8px; height: 8px; border-radius: 50%; background: var(--card); border: 2px solid #9aa3b2; }
.entry.delete::before { border-radius: 1px; border-color: var(--high); }
.entry.from, .entry.to { background: var(--mark); }
.entry.to::before { background: var(--medium); border-color: var(--medium); }
.when { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 11.5em; }
.what { min-width: 4.5em; }
.digest::before { content: ""; display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; background: var(--info); }
.d0::before { background: #4e79a7; } .d1::before { background: #f28e2b; } .d2::before { background: #59a14f; } .d3::before { background: #b07aa1; }
.d4::before { background: #76b7b2; } .d5::before { background: #edc948; } .d6::before { background: #9c755f; } .d7::before { background: #e15759; }
.mark { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; color: var(--medium); }
.not-shown { margin: 2px 0 0 20px; font-size: 12px; color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 8px 0 0; font-size: 12px; color: var(--muted); }
.facts div { display: flex; gap: 6px; min-width: 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; min-width: 0; }
.none { color: var(--muted); font-style: italic; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 960px) { .overview { grid-template-columns: minmax(0, 1fr); } .compare { grid-template-columns: minmax(0, 1fr); } .direction { flex-direction: row; gap: 6px; } }
@media print { .filters { display: none !important; } .finding { break-inside: avoid; } }
`;
