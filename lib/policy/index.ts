/**
 * The policy module: loading and validating the policy file (SPEC section 4), and resolving what it
 * expects of a repository or a creation template.
 *
 * @module
 */
export { formatPolicyIssue, PolicyError, type PolicyIssue } from './errors.ts';
export { compileRepositoryGlob, type RepositoryMatcher } from './glob.ts';
export { loadPolicy, POLICY_LIMITS, parsePolicy } from './load.ts';
export {
  describePolicySource,
  preparePolicy,
  resolveRepository,
  resolveTemplate,
} from './resolve.ts';
export { sealPolicy } from './seal.ts';
export type { Policy, PolicyResolution, PolicyRule } from './types.ts';
