/**
 * The remediation plan of one repository or creation template (docs/remediation.md): from the
 * policy, the actual configuration and the tags' histories, the change that makes it `EQUAL` to
 * the policy — the exact request with the complete target configuration — and what the change
 * does to the existing tags. Pure: the CLI's `remediate` plans with it, and an automatic
 * remediation can too.
 *
 * @module
 */
import type { TagRecord } from '../engine/records.ts';
import type { MutabilityConfig } from '../model/config.ts';
import type { Direction } from '../model/findings.ts';
import type { RepositoryRef, TemplateRef } from '../model/refs.ts';
import { describePolicySource, resolveRepository, resolveTemplate } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { compareConfigs } from '../semantics/compare.ts';
import { type Impact, tagImpact } from './impact.ts';
import {
  putImageTagMutabilityRequest,
  type RemediationRequest,
  type TemplateSettings,
  updateTemplateRequest,
} from './request.ts';

/** What is remediated: a repository, or a creation template with its other settings. */
export type RemediationSubject =
  | { readonly kind: 'repository'; readonly ref: RepositoryRef }
  | { readonly kind: 'template'; readonly ref: TemplateRef; readonly settings: TemplateSettings };

/** The tags of a repository now, each with its ledger history (null: none known). */
export interface KnownTags {
  readonly tags: ReadonlyMap<string, TagRecord | null>;
  /** Whether histories were available at all (a ledger was given). */
  readonly historyKnown: boolean;
}

/** What {@link planRemediation} reads. */
export interface PlanInput {
  readonly policy: Policy;
  readonly subject: RemediationSubject;
  /** The actual configuration, as ECR reports it now. */
  readonly current: MutabilityConfig;
  /** The repository's tags; undefined for a template, or when they could not be read. */
  readonly known?: KnownTags;
  readonly now: Date;
  /** Days of recent moves the impact counts (docs/remediation.md#impact). */
  readonly windowDays?: number;
}

/** The change that makes one repository or template `EQUAL` to the policy. */
export interface RemediationPlan {
  readonly account: string;
  readonly region: string;
  /** The repository; null for a template. */
  readonly repository: string | null;
  /** The template's prefix; null for a repository. */
  readonly templatePrefix: string | null;
  /** Where the target comes from: `rule 2 (policy.yml:17)` or `default`. */
  readonly rule: string;
  readonly current: MutabilityConfig;
  /** The policy's configuration, as the policy writes it. */
  readonly target: MutabilityConfig;
  /** How `current` relates to `target`, as a drift finding says it. */
  readonly direction: Exclude<Direction, 'EQUAL'>;
  /** Up to 5 valid tags whose mutability differs, existing tags first (docs/semantics.md#witnesses). */
  readonly witnesses: readonly string[];
  /** The request that makes it so. */
  readonly request: RemediationRequest;
  /**
   * What the change does to the existing tags; null for a template (its settings apply only to
   * repositories created later) and when the tags could not be read.
   */
  readonly impact: Impact | null;
}

/** What the policy makes of one repository or template. */
export type PlanOutcome =
  | { readonly kind: 'ignored'; readonly by: string }
  | { readonly kind: 'equal' }
  | { readonly kind: 'drift'; readonly plan: RemediationPlan };

/**
 * Plans one repository or template: ignored by the policy, already `EQUAL`, or the plan that
 * makes it so.
 *
 * @example
 * ```ts
 * const outcome = planRemediation({ policy, now: new Date(),
 *   subject: { kind: 'repository', ref: { account, region, repository: 'payments' } },
 *   current: config('IMMUTABLE_WITH_EXCLUSION', 'release-*'),
 *   known: { tags: new Map([['latest', record]]), historyKnown: true } });
 * if (outcome.kind === 'drift') send(outcome.plan.request);
 * ```
 */
export function planRemediation(input: PlanInput): PlanOutcome {
  const { policy, subject, current } = input;
  const resolution =
    subject.kind === 'repository'
      ? resolveRepository(policy, subject.ref)
      : resolveTemplate(policy, subject.ref);
  if (resolution.ignored) return { kind: 'ignored', by: resolution.by };
  const target = resolution.config;
  const comparison = compareConfigs(target, current, { knownTags: input.known?.tags.keys() });
  if (comparison.direction === 'EQUAL') return { kind: 'equal' };
  const { account, region } = subject.ref;
  const repository = subject.kind === 'repository' ? subject.ref.repository : null;
  return {
    kind: 'drift',
    plan: {
      account,
      region,
      repository,
      templatePrefix: subject.kind === 'template' ? subject.ref.templatePrefix : null,
      rule: describePolicySource(policy, resolution.rule),
      current,
      target,
      direction: comparison.direction,
      witnesses: comparison.witnesses,
      request:
        subject.kind === 'repository'
          ? putImageTagMutabilityRequest(subject.ref, target)
          : updateTemplateRequest(subject.ref.templatePrefix, target, subject.settings),
      impact:
        subject.kind === 'repository' && input.known
          ? tagImpact({
              current,
              target,
              now: input.now,
              windowDays: input.windowDays,
              ...input.known,
            })
          : null,
    },
  };
}

/**
 * Whether drift in `direction` leaves tags mutable that the policy makes immutable — `LOOSENED`
 * or `CHANGED` — and is therefore remediated by default; `TIGHTENED` drift protects more than
 * the policy asks and is remediated only on request.
 *
 * @example
 * ```ts
 * exposesTags('CHANGED'); // true
 * exposesTags('TIGHTENED'); // false
 * ```
 */
export function exposesTags(direction: Direction): boolean {
  return direction === 'LOOSENED' || direction === 'CHANGED';
}
