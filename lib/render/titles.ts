/**
 * The title of a finding, for the outputs that have a title line: chat alerts, and Security Hub
 * (ASFF) and OCSF findings. One definition, so that a finding is called the same wherever it is
 * shown.
 *
 * @module
 */
import type { Finding, FindingKind } from '../core/model/findings.ts';

const TITLES: Readonly<Record<FindingKind, string>> = {
  TAG_OVERWRITE_VIOLATION: 'Immutable image tag overwritten',
  TAG_OVERWRITE_ALLOWED: 'Image tag overwritten (allowed by policy)',
  OVERWRITE_BLOCKED: 'ECR refused a tag overwrite',
  CONFIG_DRIFT: 'Repository tag mutability drifted from policy',
  CONFIG_DRIFT_RESOLVED: 'Repository tag mutability matches policy again',
  TEMPLATE_DRIFT: 'Creation template tag mutability drifted from policy',
  CONFIG_REMEDIATED: 'Repository tag mutability restored to policy',
};

/**
 * Where a finding is, for people: the repository or `template PREFIX`, then `:TAG` when it is
 * about a tag.
 *
 * @example
 * ```ts
 * findingPlace(overwrite); // 'web:v2.0.0'
 * findingPlace(templateDrift); // 'template team-a'
 * ```
 */
export function findingPlace(f: Finding): string {
  const subject = f.repository ?? `template ${f.templatePrefix ?? ''}`;
  return f.tag ? `${subject}:${f.tag}` : subject;
}

/**
 * The title of a finding: what happened, and where.
 *
 * @example
 * ```ts
 * findingTitle(drift); // 'Repository tag mutability drifted from policy: payments'
 * ```
 */
export function findingTitle(f: Finding): string {
  return `${TITLES[f.kind]}: ${findingPlace(f)}`;
}
