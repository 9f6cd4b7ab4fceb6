/**
 * The policy module: loading and validating the policy file (docs/policy.md), and resolving what it
 * expects of a repository or a creation template.
 *
 * @module
 */
export { formatPolicyIssue, PolicyError, type PolicyIssue } from '../../core/policy/errors.ts';
export { compileRepositoryGlob, type RepositoryMatcher } from '../../core/policy/glob.ts';
export { POLICY_LIMITS } from '../../core/policy/limits.ts';
export {
  describePolicySource,
  preparePolicy,
  resolveRepository,
  resolveTemplate,
} from '../../core/policy/resolve.ts';
export { sealPolicy } from '../../core/policy/seal.ts';
export type { Policy, PolicyResolution, PolicyRule } from '../../core/policy/types.ts';
export { loadPolicy } from './load.ts';
export { parsePolicy } from './parse.ts';
