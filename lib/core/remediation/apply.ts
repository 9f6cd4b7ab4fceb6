/**
 * Applying remediation plans (docs/remediation.md#applying): one request at a time at a bounded
 * rate, each configuration read back and compared exactly with its target. One plan failing
 * never stops the others, and applying a plan twice changes nothing the first did not: every
 * request carries the complete target configuration.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';
import type { RegistryConfigSource } from '../scan/registry.ts';
import { compareConfigs } from '../semantics/compare.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import type { RemediationPlan } from './plan.ts';
import type { RemediationRequest } from './request.ts';

/** Write and read access to the registry of a plan (one account in one region). */
export interface Remediator {
  /** Sends the request; rejects with ECR's error. */
  send(request: RemediationRequest): Promise<void>;
  /** The repository or template of `plan` as ECR describes it now. */
  readBack(plan: RemediationPlan): Promise<RegistryConfigSource>;
}

/** How one plan ended. */
export interface ApplyResult {
  readonly plan: RemediationPlan;
  /** `EQUAL`: the configuration read back equals the target; `FAILED`: see `error`. */
  readonly status: 'EQUAL' | 'FAILED';
  /** The configuration read back, when it could be read. */
  readonly after: MutabilityConfig | null;
  /** Why it failed: ECR's error, or what was read back instead of the target. */
  readonly error: string | null;
}

/** What {@link applyPlans} needs. */
export interface ApplyDeps {
  /** The remediator of a plan's account and region. */
  readonly remediatorOf: (plan: RemediationPlan) => Remediator;
  /** Requests started per second, at most (> 0). */
  readonly perSecond: number;
  /** Epoch milliseconds (the core reads no clock of its own). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Told of each result as it is known, for a progress indicator. */
  readonly onResult?: (result: ApplyResult, done: number, total: number) => void;
}

/**
 * A pacer: each call resolves no sooner than `1000 / perSecond` ms after the previous one
 * resolved, so that calls awaited in turn start at most `perSecond` times a second.
 *
 * @example
 * ```ts
 * const pace = createPacer(5, { now: Date.now, sleep });
 * for (const plan of plans) { await pace(); await send(plan.request); }
 * ```
 */
export function createPacer(
  perSecond: number,
  clock: Pick<ApplyDeps, 'now' | 'sleep'>,
): () => Promise<void> {
  const gap = 1000 / perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return async () => {
    const wait = next - clock.now();
    if (wait > 0) await clock.sleep(wait);
    next = clock.now() + gap;
  };
}

/**
 * Applies `plans` in order, at most {@link ApplyDeps.perSecond} a second, and returns their
 * results in the same order.
 *
 * @example
 * ```ts
 * const results = await applyPlans(plans, { remediatorOf: () => remediator, perSecond: 5,
 *   now: Date.now, sleep: (ms) => setTimeout(ms) });
 * const failed = results.filter((r) => r.status === 'FAILED');
 * ```
 */
export async function applyPlans(
  plans: readonly RemediationPlan[],
  deps: ApplyDeps,
): Promise<ApplyResult[]> {
  const pace = createPacer(deps.perSecond, deps);
  const results: ApplyResult[] = [];
  for (const plan of plans) {
    await pace();
    const result = await applyOne(plan, deps.remediatorOf(plan));
    results.push(result);
    deps.onResult?.(result, results.length, plans.length);
  }
  return results;
}

/** Sends one plan's request and reads the configuration back. */
async function applyOne(plan: RemediationPlan, remediator: Remediator): Promise<ApplyResult> {
  const failed = (error: string, after: MutabilityConfig | null = null): ApplyResult => ({
    plan,
    status: 'FAILED',
    after,
    error,
  });
  try {
    await remediator.send(plan.request);
  } catch (error) {
    return failed(errorText(error));
  }
  let after: MutabilityConfig | string;
  try {
    after = normalizeRepositoryConfig(await remediator.readBack(plan));
  } catch (error) {
    return failed(`the change was sent, but reading it back failed: ${errorText(error)}`);
  }
  if (typeof after === 'string')
    return failed(`read back a configuration ECR would not send: ${after}`);
  const { direction } = compareConfigs(plan.target, after);
  if (direction !== 'EQUAL') {
    return failed(`read back a configuration that is ${direction}, not EQUAL to the target`, after);
  }
  return { plan, status: 'EQUAL', after, error: null };
}

/** `Name: message` of an error (an SDK error's name is ECR's error code). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}
