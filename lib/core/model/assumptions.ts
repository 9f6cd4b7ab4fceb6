/**
 * Every assumption about AWS behaviour that has not been verified on a real account
 * (docs/semantics.md#assumptions), named and kept in one place so that it can be changed when verified.
 *
 * @module
 */
import type { Mutability } from './config.ts';

/**
 * Exclusion filters match tags case-sensitively. AWS does not document it; OCI tags are
 * case-sensitive, so `Dev-*` does not match `dev-1`.
 */
export const FILTER_MATCH_IS_CASE_SENSITIVE = true;

/**
 * `*` in an exclusion filter matches the empty string, also in the middle of a filter, as ECR
 * lifecycle-policy wildcards do (`prod*` matches `prod`). AWS does not document it.
 */
export const WILDCARD_MATCHES_EMPTY = true;

/**
 * A blocked overwrite is recognised by CloudTrail's `errorCode` alone; the exact
 * `errorMessage` text is not documented.
 */
export const BLOCKED_OVERWRITE_ERROR_CODE = 'ImageTagAlreadyExistsException';

/** The mutability of a repository object that carries no `imageTagMutability`. */
export const DEFAULT_MUTABILITY: Mutability = 'MUTABLE';

/**
 * A repository object without `imageTagMutabilityExclusionFilters` has no filters
 * (DescribeRepositories may omit the list or return `[]` for the plain modes).
 */
export const ABSENT_FILTER_LIST_IS_EMPTY = true;
