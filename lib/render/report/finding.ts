/**
 * One finding of the report, as an `<article>` the filters show and hide: a header (severity,
 * kind, where), the message, what the kind needs to be understood — configurations side by side
 * for drift, the tag's history for an overwrite — and the facts (actor, event, finding id).
 *
 * @module
 */
import { shortDigest } from '../../core/engine/decide.ts';
import { describeConfig } from '../../core/model/config.ts';
import type { Finding } from '../../core/model/findings.ts';
import { driftComparison } from './drift.ts';
import { escapeHtml } from './escape.ts';
import { displayTime, KIND_LABELS } from './labels.ts';
import { renderTimeline, type Timeline } from './timeline.ts';

/** True for the kinds about a configuration: drift, its end, its restore, a template's drift. */
function isDriftKind(finding: Finding): boolean {
  return (
    finding.kind === 'CONFIG_DRIFT' ||
    finding.kind === 'CONFIG_DRIFT_RESOLVED' ||
    finding.kind === 'CONFIG_REMEDIATED' ||
    finding.kind === 'TEMPLATE_DRIFT'
  );
}

/** True for the kinds of a tag that moved. */
export function isOverwriteKind(finding: Finding): boolean {
  return finding.kind === 'TAG_OVERWRITE_VIOLATION' || finding.kind === 'TAG_OVERWRITE_ALLOWED';
}

function digestCode(digest: string | null): string {
  return digest === null
    ? '<span class="none">not known</span>'
    : `<code title="${escapeHtml(digest)}">${escapeHtml(shortDigest(digest))}</code>`;
}

function subject(f: Finding): string {
  const name =
    f.repository === null
      ? `<span class="pill">template</span> <code class="repo">${escapeHtml(f.templatePrefix ?? '')}</code>`
      : `<code class="repo">${escapeHtml(f.repository)}</code>`;
  const tag =
    f.tag === null
      ? ''
      : ` <span class="at">tag</span> <code class="tag">${escapeHtml(f.tag)}</code>`;
  return `${name}${tag}`;
}

function expects(f: Finding): string {
  return f.expected === null
    ? ''
    : `<p class="expects">The policy expects <code>${escapeHtml(describeConfig(f.expected))}</code></p>`;
}

function body(f: Finding, timeline: Timeline | undefined): string {
  if (isDriftKind(f)) return driftComparison(f);
  if (isOverwriteKind(f)) {
    const via = f.viaDelete ? ' <span class="pill">deleted and pushed again</span>' : '';
    const history = timeline ? renderTimeline(timeline, f.tag ?? '') : '';
    return `<p class="move">${digestCode(f.previousDigest)} <span aria-hidden="true">→</span><span class="sr"> to </span> ${digestCode(f.digest)}${via}</p>${expects(f)}${history}`;
  }
  const refused =
    f.digest === null ? '' : `<p class="move">Refused content ${digestCode(f.digest)}</p>`;
  return `${refused}${expects(f)}`;
}

function facts(f: Finding): string {
  const rows: [string, string | null][] = [
    ['Detected by', f.detectedBy],
    ['Event time', f.eventTime === null ? null : displayTime(f.eventTime)],
    ['Actor', f.actor],
    ['Event id', f.eventId],
    ['Finding id', f.id],
  ];
  return `<dl class="facts">${rows
    .filter((r): r is [string, string] => r[1] !== null)
    .map(
      ([label, value]) => `<div><dt>${label}</dt><dd><code>${escapeHtml(value)}</code></dd></div>`,
    )
    .join('')}</dl>`;
}

/**
 * The article of `finding`; `index` is its place in the report's data block (the filters' key)
 * and `timeline` the history shown for an overwrite.
 *
 * @example
 * ```ts
 * findingArticle(finding, 0, undefined); // '<article class="finding sev-HIGH" data-index="0" …>…</article>'
 * ```
 */
export function findingArticle(finding: Finding, index: number, timeline?: Timeline): string {
  const f = finding;
  const where = `${escapeHtml(f.account)} · ${escapeHtml(f.region)}`;
  return `<article class="finding sev-${escapeHtml(f.severity)}" id="finding-${index}" data-index="${index}" data-severity="${escapeHtml(f.severity)}" data-kind="${escapeHtml(f.kind)}"><header><span class="badge sev-${escapeHtml(f.severity)}">${escapeHtml(f.severity)}</span><span class="kind">${escapeHtml(KIND_LABELS[f.kind])} <code>${escapeHtml(f.kind)}</code></span><h3>${subject(f)}</h3><span class="where">${where}</span></header><p class="message">${escapeHtml(f.message)}</p>${body(f, timeline)}${facts(f)}</article>`;
}
