/**
 * What the `api-call` function's role may write for automatic remediation, from the bundled
 * policy (docs/remediation.md#iam-of-the-automatic-path): one scope per rule with
 * `remediate: true`, none without. IAM resource patterns cannot say what a glob says — IAM's `*`
 * matches any run of characters, `/` included, where a policy glob's `*` stops at `/` — so each
 * glob maps to a pattern that matches every name the glob matches and possibly more (`prod/*`
 * becomes `prod/*`, which IAM also matches against `prod/eu/api`; `**` becomes `*`); a plain name
 * stays exact. Nor can IAM see rule order: a repository an earlier rule takes is still inside a
 * later rule's pattern. The function itself remediates exactly what the policy resolves.
 *
 * @module
 */
import type { Policy } from '../policy/types.ts';

/** The repositories one rule lets the function write, as far as IAM can name them. */
export interface RemediationScope {
  /** The rule, for the statement's id (1-based, as messages number rules). */
  readonly rule: number;
  /** Repository-name patterns in IAM's wildcard syntax (`*` only); `*` for a rule without globs. */
  readonly repositoryPatterns: readonly string[];
  /** The rule's `accounts`, for an `aws:ResourceAccount` condition; absent: no condition. */
  readonly accounts?: readonly string[];
  /** The rule's `regions`, for an `aws:RequestedRegion` condition; absent: no condition. */
  readonly regions?: readonly string[];
}

/**
 * The IAM pattern of a repository glob: each run of `*` becomes one `*` (IAM's matches `/` too,
 * so the pattern covers the glob's names and maybe more); every other character of a repository
 * glob (`a-z 0-9 . _ - /`) is literal in IAM as well.
 *
 * @example
 * ```ts
 * iamRepositoryPattern('prod/*');      // 'prod/*'
 * iamRepositoryPattern('sandbox/**');  // 'sandbox/*'
 * ```
 */
export function iamRepositoryPattern(glob: string): string {
  return glob.replace(/\*+/g, '*');
}

/**
 * The scopes of `policy`'s rules with `remediate: true`, in rule order; empty when none has it
 * (then the role gets no ECR write at all).
 *
 * @example
 * ```ts
 * remediationScopes(policy); // [{ rule: 1, repositoryPatterns: ['prod/*'] }]
 * ```
 */
export function remediationScopes(policy: Policy): RemediationScope[] {
  return policy.rules
    .filter((rule) => rule.remediate === true)
    .map((rule) => ({
      rule: rule.index + 1,
      repositoryPatterns: [...new Set((rule.repositories ?? ['*']).map(iamRepositoryPattern))],
      ...(rule.accounts ? { accounts: rule.accounts } : {}),
      ...(rule.regions ? { regions: rule.regions } : {}),
    }));
}
