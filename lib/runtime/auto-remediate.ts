/**
 * Automatic remediation in the `api-call` function (docs/remediation.md#automatic): after an
 * event is applied, each candidate (lib/core/remediation/automatic.ts) is checked against ECR's
 * configuration now, counted by the rate limit, restored through the remediation core
 * (`planRemediation`, `applyPlans` over the ECR remediator: the same request as the
 * `remediate` command's, read back `EQUAL`), and reported as a `CONFIG_REMEDIATED` finding that
 * goes out with the event's own findings. A restore that fails is reported once the findings are
 * delivered (the invocation fails, so Lambda retries the event; the limit counts it once).
 *
 * @module
 */
import { ReadBackError } from '../aws/ecr-remediator.ts';
import type { RemediationLimit } from '../aws/remediation-limit.ts';
import type { DomainEvent } from '../core/intake/types.ts';
import type { Found } from '../core/model/delivery.ts';
import type { Policy } from '../core/policy/types.ts';
import { applyPlans, type Remediator } from '../core/remediation/apply.ts';
import {
  type AutomaticCandidate,
  automaticCandidate,
  limitSentence,
  type OwnRegistry,
  remediatedFinding,
  withLimitNote,
} from '../core/remediation/automatic.ts';
import { exposesTags, planRemediation } from '../core/remediation/plan.ts';
import type { RateLimit } from '../core/remediation/rate-limit.ts';
import { normalizeRepositoryConfig } from '../core/semantics/validate.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';

/**
 * A restore failed (ECR refused it, it read back something else, the limit could not be
 * counted); thrown after the event's findings were delivered, so that Lambda retries the event.
 *
 * @example
 * ```ts
 * throw new AutomaticRemediationError('web: AccessDeniedException: …');
 * ```
 */
export class AutomaticRemediationError extends Error {
  override readonly name = 'AutomaticRemediationError';
}

/** What {@link remediateEvents} needs, built once per container (only when a rule enables it). */
export interface AutoRemediationDeps {
  readonly policy: Policy;
  /** Writes and reads the function's own registry (lib/aws/ecr-remediator.ts). */
  readonly remediator: Remediator;
  readonly limit: RemediationLimit;
  readonly rate: RateLimit;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
}

/** The event's findings with the restores' added, and what failed. */
export interface RemediationOutcome {
  readonly found: Found[];
  readonly failures: readonly string[];
}

/**
 * Restores what the candidates among `events` loosened, in `own` account and region; returns
 * `found` with the restores' findings added (and the drift findings the limit held back noted).
 *
 * @example
 * ```ts
 * const { found: all, failures } = await remediateEvents(events, found, own, deps);
 * await deliver(all);
 * if (failures.length > 0) throw new AutomaticRemediationError(failures.join('; '));
 * ```
 */
export async function remediateEvents(
  events: readonly DomainEvent[],
  found: readonly Found[],
  own: OwnRegistry,
  deps: AutoRemediationDeps,
): Promise<RemediationOutcome> {
  let all = [...found];
  const failures: string[] = [];
  for (const event of events) {
    if (event.type !== 'repository-config') continue;
    const candidate = automaticCandidate(deps.policy, event, own);
    if (candidate === null) continue;
    try {
      const step = await remediateOne(candidate, deps);
      if (step.kind === 'restored') all.push(step.found);
      if (step.kind === 'limited') {
        const sentence = limitSentence(deps.rate.limit, deps.rate.windowMs / 60_000);
        all = withLimitNote(all, event, sentence).found;
      }
    } catch (error) {
      const text = `${candidate.ref.repository}: ${(error as Error).message}`;
      deps.log.error('Automatic remediation failed', {
        repository: candidate.ref.repository,
        eventId: event.eventId,
        error: (error as Error).message,
      });
      deps.metrics.count('RemediationFailures');
      failures.push(text);
    }
  }
  return { found: all, failures };
}

type Step =
  | { readonly kind: 'restored'; readonly found: Found }
  | { readonly kind: 'limited' | 'nothing' };

/** One candidate: ECR now, the limit, the restore. Throws what must fail the invocation. */
async function remediateOne(
  candidate: AutomaticCandidate,
  deps: AutoRemediationDeps,
): Promise<Step> {
  const { ref, event } = candidate;
  const eventId = event.eventId ?? '';
  let source: Awaited<ReturnType<Remediator['readBack']>>;
  try {
    source = await deps.remediator.readBack(candidate.plan);
  } catch (error) {
    // ECR answers RepositoryNotFoundException for a name it does not know; ReadBackError is a
    // listing without it.
    const gone =
      error instanceof ReadBackError || (error as Error).name === 'RepositoryNotFoundException';
    if (!gone) throw error;
    // Deleted since the event: nothing to restore.
    deps.log.info('Not remediated: the repository is gone', {
      repository: ref.repository,
      eventId,
    });
    return { kind: 'nothing' };
  }
  const current = normalizeRepositoryConfig(source);
  if (typeof current === 'string')
    throw new Error(`ECR described a configuration it would not accept: ${current}`);
  const outcome = planRemediation({
    policy: deps.policy,
    subject: { kind: 'repository', ref },
    current,
    now: new Date(deps.now()),
  });
  if (outcome.kind === 'ignored') return { kind: 'nothing' };
  if (outcome.kind === 'equal' || !exposesTags(outcome.plan.direction)) {
    // Restored already — by an earlier attempt at this event (its finding again: the alert log
    // sends it once), or by someone else — or tightened since: nothing to undo.
    const again = outcome.kind === 'equal' && (await deps.limit.counted(ref, eventId));
    deps.log.info('Not remediated: the repository no longer exposes tags', {
      repository: ref.repository,
      eventId,
      restoredBefore: again,
    });
    return again
      ? {
          kind: 'restored',
          found: { finding: remediatedFinding(candidate), delivery: 'redelivered' },
        }
      : { kind: 'nothing' };
  }
  const admission = await deps.limit.admit(ref, eventId, deps.now());
  if (admission === 'limited') {
    deps.log.warn('Not remediated: rate limit reached', { repository: ref.repository, eventId });
    deps.metrics.count('RemediationsLimited');
    return { kind: 'limited' };
  }
  const [result] = await applyPlans([outcome.plan], {
    remediatorOf: () => deps.remediator,
    perSecond: 1,
    now: deps.now,
    sleep: deps.sleep,
  });
  if (result?.status !== 'EQUAL') throw new Error(result?.error ?? 'not applied');
  deps.log.info('Remediated', { repository: ref.repository, eventId, actor: event.actor });
  deps.metrics.count('Remediations');
  return {
    kind: 'restored',
    found: {
      finding: remediatedFinding(candidate),
      delivery: admission === 'admitted' ? 'fresh' : 'redelivered',
    },
  };
}
