/**
 * A drift finding's configurations side by side — expected on the left, actual on the right, the
 * direction between them — and the witness tags that show the difference.
 *
 * @module
 */
import type { MutabilityConfig } from '../../core/model/config.ts';
import type { Finding } from '../../core/model/findings.ts';
import { escapeHtml } from './escape.ts';
import { witnessCaption } from './labels.ts';

function filtersOf(config: MutabilityConfig | null): string[] {
  return config ? config.imageTagMutabilityExclusionFilters.map((f) => f.filter) : [];
}

/** One side: its mode (marked when the other side's differs) and its filters (marked when the other side lacks them). */
function side(
  title: string,
  config: MutabilityConfig | null,
  other: MutabilityConfig | null,
): string {
  if (config === null) {
    return `<div class="side"><h4>${title}</h4><p class="none">not known</p></div>`;
  }
  const differs = other !== null && other.imageTagMutability !== config.imageTagMutability;
  const theirs = new Set(filtersOf(other));
  const filters = filtersOf(config);
  const list =
    filters.length === 0
      ? '<p class="none">no exclusion filters</p>'
      : `<ul class="chips">${filters
          .map(
            (f) =>
              `<li class="chip${other !== null && !theirs.has(f) ? ' only' : ''}"><code>${escapeHtml(f)}</code></li>`,
          )
          .join('')}</ul>`;
  return `<div class="side"><h4>${title}</h4><p class="mode${differs ? ' differs' : ''}"><code>${escapeHtml(config.imageTagMutability)}</code></p>${list}</div>`;
}

/**
 * The witness tags of `finding` under the caption its direction gives (`Now mutable`, …);
 * empty when it has none.
 *
 * @example
 * ```ts
 * witnessList(finding); // '<p class="witnesses"><span class="caption">Now mutable</span> <code class="chip">0</code>…</p>'
 * ```
 */
export function witnessList(finding: Finding): string {
  if (finding.witnesses.length === 0) return '';
  const caption = witnessCaption(finding.direction) ?? 'Witness tags';
  const tags = finding.witnesses.map((w) => `<code class="chip">${escapeHtml(w)}</code>`);
  return `<p class="witnesses"><span class="caption">${caption}</span> ${tags.join(' ')}</p>`;
}

/**
 * Expected and actual side by side, with the direction between them, then the witness tags.
 *
 * @example
 * ```ts
 * driftComparison(finding); // '<div class="compare">…</div><p class="witnesses">…</p>'
 * ```
 */
export function driftComparison(finding: Finding): string {
  const direction = finding.direction ?? 'UNKNOWN';
  return `<div class="compare">${side('Expected', finding.expected, finding.actual)}<div class="direction dir-${escapeHtml(direction)}"><span class="arrow" aria-hidden="true">→</span><span class="word">${escapeHtml(direction)}</span></div>${side('Actual', finding.actual, finding.expected)}</div>${witnessList(finding)}`;
}
