/**
 * Remediation plans as text (docs/remediation.md#output): the formats of the other commands —
 * `table` for people at a terminal, `json` and `ndjson` for machines, `markdown` for a ticket —
 * each plan with its exact request, the equivalent AWS CLI command, its impact on the existing
 * tags and, once applied, its result. A plan is not a finding, so it has its own renderer.
 *
 * @module
 */
import { describeConfig } from '../core/model/config.ts';
import type { ApplyResult } from '../core/remediation/apply.ts';
import type { TagFlip } from '../core/remediation/impact.ts';
import type { RemediationPlan } from '../core/remediation/plan.ts';
import { awsCliCommand } from './aws-cli.ts';
import { escapeMarkdown, printable } from './format.ts';

/** The output formats of plans: those of the findings. */
export const PLAN_FORMATS = ['table', 'json', 'ndjson', 'markdown'] as const;

/** One plan output format. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** A plan, and how applying it ended (null: not applied, a dry run). */
export interface PlanEntry {
  readonly plan: RemediationPlan;
  readonly result: ApplyResult | null;
}

/** Tags named one by one in `table` and `markdown` before "and N more" (`json` has them all). */
const TAGS_SHOWN = 10;

/**
 * Renders `entries` in `format`.
 *
 * @example
 * ```ts
 * io.stdout.write(renderPlans(plans.map((plan) => ({ plan, result: null })), 'table'));
 * ```
 */
export function renderPlans(entries: readonly PlanEntry[], format: PlanFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(entries.map(planDocument), null, 2)}\n`;
    case 'ndjson':
      return entries.map((e) => `${JSON.stringify(planDocument(e))}\n`).join('');
    case 'markdown':
      return renderMarkdown(entries);
    case 'table':
      return renderTable(entries);
  }
}

/**
 * A plan as JSON (docs/remediation.md#json): the plan's fields, the AWS CLI command, and the
 * result (null in a dry run). Unknown values are null, never omitted.
 */
function planDocument({ plan, result }: PlanEntry) {
  return {
    account: plan.account,
    region: plan.region,
    repository: plan.repository,
    templatePrefix: plan.templatePrefix,
    rule: plan.rule,
    direction: plan.direction,
    current: plan.current,
    target: plan.target,
    witnesses: plan.witnesses,
    request: plan.request,
    awsCli: awsCliCommand(plan.region, plan.request),
    impact: plan.impact,
    result: result && { status: result.status, after: result.after, error: result.error },
  };
}

/** Where a plan applies: the repository, or `template:PREFIX`. */
function subjectOf(plan: RemediationPlan): string {
  return plan.repository ?? `template:${plan.templatePrefix ?? ''}`;
}

/** The one-line headline of a plan. */
function headline(plan: RemediationPlan): string {
  return `${subjectOf(plan)} in ${plan.account}/${plan.region} is ${plan.direction}: ${describeConfig(plan.current)} → ${describeConfig(plan.target)} (${plan.rule})`;
}

/** The flips of a plan in a few words, for the summary table. */
function flipSummary(plan: RemediationPlan): string {
  if (plan.impact === null) return plan.templatePrefix === null ? 'unknown' : '-';
  const count = (becomes: TagFlip['becomes']) =>
    plan.impact?.flips.filter((f) => f.becomes === becomes).length ?? 0;
  const parts = [];
  if (count('immutable') > 0) parts.push(`${count('immutable')} become immutable`);
  if (count('mutable') > 0) parts.push(`${count('mutable')} become mutable`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The result in a few words. */
function resultSummary(result: ApplyResult): string {
  return result.status === 'EQUAL' ? 'EQUAL' : `FAILED: ${result.error ?? ''}`;
}

/**
 * What the change does to the existing tags, one sentence a line (docs/remediation.md#impact).
 */
function impactLines(plan: RemediationPlan): string[] {
  const { impact } = plan;
  if (plan.templatePrefix !== null) {
    return [
      'A creation template applies only to repositories created from it later: no existing tag changes.',
    ];
  }
  if (impact === null) return ['Unknown: the repository’s tags could not be read.'];
  const days = `the last ${impact.windowDays} days`;
  const becoming = impact.flips.filter((f) => f.becomes === 'immutable');
  const freed = impact.flips.filter((f) => f.becomes === 'mutable');
  const lines: string[] = [];
  if (impact.flips.length === 0) {
    lines.push(`No existing tag changes mutability (${impact.tags} tag(s)).`);
  }
  if (becoming.length > 0) {
    lines.push(`${becoming.length} of ${impact.tags} tag(s) become immutable.`);
    if (!impact.historyKnown) {
      lines.push(
        `${names(becoming)}. No ledger (--state): how often they were overwritten is unknown, and tags ECR does not list now are not known.`,
      );
    } else {
      const moved = becoming.filter((f) => (f.overwrites ?? 0) > 0 || (f.viaDelete ?? 0) > 0);
      for (const flip of moved.slice(0, TAGS_SHOWN)) lines.push(movedLine(flip, days));
      if (moved.length > TAGS_SHOWN) lines.push(`… and ${moved.length - TAGS_SHOWN} more moved.`);
      const still = becoming.filter((f) => f.overwrites === 0 && f.viaDelete === 0);
      if (still.length > 0) lines.push(`Not moved in ${days}: ${names(still)}.`);
      const unknown = becoming.filter((f) => f.overwrites === null);
      if (unknown.length > 0) lines.push(`No history in the ledger: ${names(unknown)}.`);
    }
  }
  if (freed.length > 0) {
    lines.push(`${freed.length} of ${impact.tags} tag(s) become mutable: ${names(freed)}.`);
  }
  return lines;
}

/** `latest moved 14 times in the last 30 days: …`. */
function movedLine(flip: TagFlip, days: string): string {
  const atLeast = flip.complete ? '' : 'at least ';
  const parts: string[] = [];
  if ((flip.overwrites ?? 0) > 0) {
    parts.push(
      `${flip.tag} moved ${atLeast}${times(flip.overwrites ?? 0)} in ${days}: these pushes will be refused after this change`,
    );
  }
  if ((flip.viaDelete ?? 0) > 0) {
    parts.push(
      `${parts.length > 0 ? 'it was' : `${flip.tag} was`} deleted and pushed again ${atLeast}${times(flip.viaDelete ?? 0)}: immutability does not stop that`,
    );
  }
  return `${parts.join('; ')}${flip.lastMoved ? ` (last ${flip.lastMoved})` : ''}.`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** Up to {@link TAGS_SHOWN} tag names, then how many more. */
function names(flips: readonly TagFlip[]): string {
  const shown = flips.slice(0, TAGS_SHOWN).map((f) => f.tag);
  const more = flips.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function renderTable(entries: readonly PlanEntry[]): string {
  if (entries.length === 0) return 'Nothing to remediate.\n';
  const applied = entries.some((e) => e.result !== null);
  const header = ['DRIFT', 'ACCOUNT/REGION', 'SUBJECT', 'CURRENT', 'TARGET', 'TAGS FLIPPING'];
  if (applied) header.push('RESULT');
  const rows = entries.map(({ plan, result }) =>
    [
      plan.direction,
      `${plan.account}/${plan.region}`,
      subjectOf(plan),
      describeConfig(plan.current),
      describeConfig(plan.target),
      flipSummary(plan),
      ...(applied ? [result ? resultSummary(result) : '-'] : []),
    ].map(printable),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
  const out = [line(header), ...rows.map(line)];
  for (const { plan, result } of entries) {
    out.push('', printable(headline(plan)));
    out.push(
      `  request: ${printable(`${plan.request.operation} ${JSON.stringify(plan.request.input)}`)}`,
    );
    out.push(`  command: ${printable(awsCliCommand(plan.region, plan.request))}`);
    impactLines(plan).forEach((text, i) => {
      out.push(`  ${i === 0 ? 'impact:  ' : '         '}${printable(text)}`);
    });
    if (result) out.push(`  result:  ${printable(resultLine(result))}`);
  }
  return `${out.join('\n')}\n`;
}

/** The result with what was read back. */
function resultLine(result: ApplyResult): string {
  const after = result.after ? ` (read back: ${describeConfig(result.after)})` : '';
  return `${resultSummary(result)}${after}`;
}

/** A fenced code block whose fence no backtick run inside `text` can close. */
function fenced(language: string, text: string): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...text.split('\n').map(printable), fence];
}

function renderMarkdown(entries: readonly PlanEntry[]): string {
  const out = ['# ecr-tag-auditor remediation plan', ''];
  const directions = ['LOOSENED', 'CHANGED', 'TIGHTENED']
    .map((d) => `${entries.filter((e) => e.plan.direction === d).length} ${d}`)
    .join(', ');
  out.push(`${entries.length} change(s): ${directions}.`);
  const results = entries.flatMap((e) => (e.result ? [e.result] : []));
  if (results.length > 0) {
    const equal = results.filter((r) => r.status === 'EQUAL').length;
    out.push('', `Applied: ${equal} EQUAL, ${results.length - equal} failed.`);
  }
  out.push('');
  if (entries.length === 0) return `${out.join('\n')}\n`;
  out.push(
    '| Drift | Account / region | Subject | Current | Target | Tags flipping | Result |',
    '|---|---|---|---|---|---|---|',
  );
  for (const { plan, result } of entries) {
    const cells = [
      plan.direction,
      `${plan.account} / ${plan.region}`,
      subjectOf(plan),
      describeConfig(plan.current),
      describeConfig(plan.target),
      flipSummary(plan),
      result ? resultSummary(result) : 'not applied',
    ].map(escapeMarkdown);
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('', '## Changes', '');
  for (const { plan, result } of entries) {
    out.push(`### ${escapeMarkdown(`${subjectOf(plan)} — ${plan.account} / ${plan.region}`)}`, '');
    out.push(escapeMarkdown(headline(plan)), '');
    out.push(`Request (${plan.request.operation}):`, '');
    out.push(...fenced('json', JSON.stringify(plan.request.input, null, 2)), '');
    out.push('Equivalent AWS CLI command:', '');
    out.push(...fenced('sh', awsCliCommand(plan.region, plan.request)), '');
    out.push('Impact:', '');
    for (const text of impactLines(plan)) out.push(`- ${escapeMarkdown(text)}`);
    out.push('');
    if (result) out.push(`Result: ${escapeMarkdown(resultLine(result))}`, '');
  }
  return `${out.join('\n')}`;
}
