/**
 * Where the organization scan keeps its data in the stack's bucket (docs/organization-scan.md):
 * each execution's plan under {@link PLAN_PREFIX}, read by the Distributed Map's `ItemReader`,
 * and the Map run's results under {@link RESULTS_PREFIX}, written by its `ResultWriter`. The
 * roles are scoped to these prefixes (infra/iam.ts). Pure.
 *
 * @module
 */

/** The prefix of the plans (one JSON array of work items per execution). */
export const PLAN_PREFIX = 'plans/';

/**
 * The `Prefix` the `ResultWriter` writes under: Step Functions adds `/<map run id>/` and writes
 * `manifest.json` and the `SUCCEEDED_n.json` / `FAILED_n.json` / `PENDING_n.json` files there.
 */
export const RESULTS_PREFIX = 'results';

/** A Step Functions execution name: 1–80 characters, no whitespace, wildcards or brackets. */
const EXECUTION_NAME = /^[A-Za-z0-9_.:-]{1,80}$/;

/** The execution name cannot make a plan's key (it is the state machine's, so this is a bug). */
class InvalidExecutionNameError extends Error {
  override readonly name = 'InvalidExecutionNameError';
}

/**
 * The key of an execution's plan.
 *
 * @example
 * ```ts
 * planKey('b1f2c3d4-0000-4000-8000-000000000000'); // 'plans/b1f2c3d4-0000-4000-8000-000000000000.json'
 * ```
 */
export function planKey(executionName: string): string {
  if (!EXECUTION_NAME.test(executionName)) {
    throw new InvalidExecutionNameError(`not an execution name: ${JSON.stringify(executionName)}`);
  }
  return `${PLAN_PREFIX}${executionName}.json`;
}
