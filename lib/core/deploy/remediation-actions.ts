/**
 * The ECR actions `remediate --apply` calls besides the scan's reads
 * (lib/core/deploy/scan-read-actions.ts), defined once for the help, the documentation's policy
 * and any role that remediates (docs/remediation.md#iam).
 *
 * @module
 */

/**
 * Actions on repositories: granted on repository ARNs (`PutImageTagMutability` has the
 * `repository` resource type).
 *
 * @example
 * ```ts
 * REMEDIATION_REPOSITORY_ACTIONS; // ['ecr:PutImageTagMutability']
 * ```
 */
export const REMEDIATION_REPOSITORY_ACTIONS = ['ecr:PutImageTagMutability'] as const;

/**
 * Actions on creation templates, which have no ARN: granted on `Resource: "*"`, as
 * `ecr:DescribeRepositoryCreationTemplates` is.
 *
 * @example
 * ```ts
 * REMEDIATION_REGISTRY_ACTIONS; // ['ecr:UpdateRepositoryCreationTemplate']
 * ```
 */
export const REMEDIATION_REGISTRY_ACTIONS = ['ecr:UpdateRepositoryCreationTemplate'] as const;
