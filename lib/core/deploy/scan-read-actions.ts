/**
 * The ECR actions the scan calls (lib/aws/ecr-registry.ts: DescribeRepositoryCreationTemplates,
 * DescribeRepositories, ListImages), defined once for every role that scans: the central
 * stack's `scheduled-scan` role (infra/iam.ts), the member accounts' scan role
 * (member-template.ts) and what the CLI's `remediate` help lists. All read-only. The tags are
 * listed with ListImages (tag → digest is all the scan needs), so `ecr:DescribeImages` is not
 * granted.
 *
 * @module
 */

/**
 * Actions on repositories: granted on repository ARNs only.
 *
 * @example
 * ```ts
 * SCAN_REPOSITORY_ACTIONS; // ['ecr:DescribeRepositories', 'ecr:ListImages']
 * ```
 */
export const SCAN_REPOSITORY_ACTIONS = ['ecr:DescribeRepositories', 'ecr:ListImages'] as const;

/**
 * Actions that support no resource type and must be granted on `Resource: "*"`.
 *
 * `ecr:DescribeRepositoryCreationTemplates`: the Service Authorization Reference ("Actions,
 * resources, and condition keys for Amazon Elastic Container Registry",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html)
 * lists no resource type and no condition key for it — creation templates are registry-level
 * settings with no ARN — so it can only be granted on `*`. It is read-only and returns nothing
 * but the calling account's templates in the region called.
 *
 * @example
 * ```ts
 * SCAN_REGISTRY_ACTIONS; // ['ecr:DescribeRepositoryCreationTemplates']
 * ```
 */
export const SCAN_REGISTRY_ACTIONS = ['ecr:DescribeRepositoryCreationTemplates'] as const;
