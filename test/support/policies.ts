/**
 * Policy texts that several tests use, each defined once so that a test reads the same policy
 * another test reads.
 */

/**
 * docs/policy.md's example, verbatim (comments included).
 *
 * @example
 * ```ts
 * const policy = parsePolicy(EXAMPLE_POLICY, 'policy.yml');
 * ```
 */
export const EXAMPLE_POLICY = `version: 1
default:                                   # required: applies where no rule matches
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*", "sha256-*"]   # strings, or {filterType, filter} objects
rules:                                     # optional; the first rule with a matching glob wins
  - repositories: ["prod/*", "payments"]
    imageTagMutability: IMMUTABLE
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["cache/**"]                       # optional; never audited (e.g. pull-through caches)
`;

/**
 * Every tag immutable except `dev-*`, everywhere: the smallest policy under which an overwrite of
 * `v1` is a HIGH violation and one of `dev-1` is allowed.
 *
 * @example
 * ```ts
 * const POLICY = policy(DEV_MUTABLE_POLICY);
 * ```
 */
export const DEV_MUTABLE_POLICY = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
`;
