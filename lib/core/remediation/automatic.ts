/**
 * The automatic path of remediation (docs/remediation.md#automatic), pure: which CloudTrail
 * events a function restores — a repository's configuration event that exposes tags, where the
 * rule resolving the repository says `remediate: true`, in the function's own account and
 * region — and the findings it makes: `CONFIG_REMEDIATED` after a restore read back `EQUAL`, and
 * the drift finding with a sentence saying why it was not restored when the rate limit held it.
 *
 * @module
 */
import type { RepositoryConfigEvent } from '../intake/types.ts';
import { describeConfig } from '../model/config.ts';
import type { Found } from '../model/delivery.ts';
import { type Finding, findingId, makeFinding } from '../model/findings.ts';
import type { RepositoryRef } from '../model/refs.ts';
import { resolveRepository } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { exposesTags, planRemediation, type RemediationPlan } from './plan.ts';

/** Where the function runs: it remediates repositories of this account and region only. */
export interface OwnRegistry {
  readonly account: string;
  readonly region: string;
}

/** An event the function may remediate, with the plan of undoing exactly what it reported. */
export interface AutomaticCandidate {
  readonly event: RepositoryConfigEvent;
  readonly ref: RepositoryRef;
  /** The plan from the event's configuration: the change undone, the target, the rule. */
  readonly plan: RemediationPlan;
}

/**
 * Whether some rule of `policy` enables automatic remediation: without one, the functions build
 * no ECR writer and the stack grants no ECR write (infra/stack.ts).
 *
 * @example
 * ```ts
 * remediationEnabled(policy); // false for a policy without remediate: true
 * ```
 */
export function remediationEnabled(policy: Policy): boolean {
  return policy.rules.some((rule) => rule.remediate === true);
}

/**
 * The candidate of `event`, or null: only a repository configuration event (`PutImageTagMutability`,
 * `CreateRepository`) in `own` account and region, with an event id (what the rate limit counts),
 * for a repository whose resolving rule has `remediate: true`, whose configuration exposes tags
 * the policy makes immutable (`LOOSENED`, `CHANGED`). A restore by the function itself reports
 * `EQUAL` and is never a candidate, so no restore can cause another.
 *
 * @example
 * ```ts
 * const candidate = automaticCandidate(policy, event, { account, region });
 * if (candidate) await restore(candidate.plan);
 * ```
 */
export function automaticCandidate(
  policy: Policy,
  event: RepositoryConfigEvent,
  own: OwnRegistry,
): AutomaticCandidate | null {
  if (event.account !== own.account || event.region !== own.region) return null;
  if (event.eventId === null) return null;
  const ref = { account: event.account, region: event.region, repository: event.repository };
  const resolution = resolveRepository(policy, ref);
  if (resolution.ignored || resolution.rule?.remediate !== true) return null;
  const outcome = planRemediation({
    policy,
    subject: { kind: 'repository', ref },
    current: event.config,
    now: new Date(event.time),
  });
  if (outcome.kind !== 'drift' || !exposesTags(outcome.plan.direction)) return null;
  return { event, ref, plan: outcome.plan };
}

/**
 * The `CONFIG_REMEDIATED` finding (INFO) of a candidate restored and read back `EQUAL`: `actual`
 * is the configuration the event set (the change undone) and `expected` the policy's, which the
 * repository has again; the actor and event are the undone change's. A function of the event
 * and the policy only, so a retry of the event makes the same finding with the same id.
 *
 * @example
 * ```ts
 * const found = { finding: remediatedFinding(candidate), delivery: 'fresh' };
 * ```
 */
export function remediatedFinding(candidate: AutomaticCandidate): Finding {
  const { event, plan, ref } = candidate;
  const by = event.actor === null ? '' : ` by ${event.actor}`;
  return makeFinding({
    id: findingId('CONFIG_REMEDIATED', [ref.account, ref.region, ref.repository, event.eventId]),
    kind: 'CONFIG_REMEDIATED',
    severity: 'INFO',
    ...ref,
    expected: plan.target,
    actual: plan.current,
    direction: plan.direction,
    witnesses: plan.witnesses,
    actor: event.actor,
    eventId: event.eventId,
    eventTime: event.time,
    detectedBy: 'event',
    message: `Repository ${ref.repository} was restored to ${describeConfig(plan.target)} (${plan.rule}, remediate: true): the change${by} to ${describeConfig(plan.current)} (${plan.direction.toLowerCase()}) was undone, and the configuration read back equals the policy.`,
  });
}

/**
 * The sentence a drift finding gets when the rate limit held its restore back.
 *
 * @example
 * ```ts
 * limitSentence(3, 60); // ' Not restored automatically: 3 restores of this repository in the last 60 minutes is the limit; restore it by hand.'
 * ```
 */
export function limitSentence(limit: number, windowMinutes: number): string {
  return ` Not restored automatically: ${limit} restores of this repository in the last ${windowMinutes} minutes is the limit; restore it by hand.`;
}

/**
 * `found` with the drift finding of `event` (same repository, same event id) saying why it was
 * not restored; the finding keeps its id, so the alert log still sends it once.
 *
 * @example
 * ```ts
 * found = withLimitNote(found, candidate.event, limitSentence(3, 60));
 * ```
 */
export function withLimitNote(
  found: readonly Found[],
  event: RepositoryConfigEvent,
  sentence: string,
): { readonly found: Found[]; readonly noted: boolean } {
  let noted = false;
  const out = found.map((f): Found => {
    const { finding } = f;
    const same =
      finding.kind === 'CONFIG_DRIFT' &&
      finding.account === event.account &&
      finding.region === event.region &&
      finding.repository === event.repository &&
      finding.eventId === event.eventId;
    if (!same || finding.message.endsWith(sentence)) return f;
    noted = true;
    return { ...f, finding: { ...finding, message: `${finding.message}${sentence}` } };
  });
  return { found: out, noted };
}
