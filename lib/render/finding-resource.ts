/**
 * The resource a finding is about, as the interchange formats (ASFF, OCSF) name it: one
 * definition of its identifier.
 *
 * @module
 */
import { repositoryArn } from '../core/model/arn.ts';
import type { Finding } from '../core/model/findings.ts';

/** A repository, by its ARN, or a creation template, by the identifier below. */
export interface FindingResource {
  readonly kind: 'repository' | 'template';
  /** The repository's ARN, or `ecr:REGION:ACCOUNT:repository-creation-template/PREFIX`. */
  readonly id: string;
  /** The repository's name, or the template's prefix. */
  readonly name: string;
}

/**
 * The resource of `f`. A creation template is no repository and has no ARN, so it is named
 * `ecr:REGION:ACCOUNT:repository-creation-template/PREFIX` — not an ARN, and not shaped as one,
 * but unique across accounts and regions as a resource id must be.
 *
 * @example
 * ```ts
 * findingResource(drift).id; // 'arn:aws:ecr:eu-west-1:123456789012:repository/payments'
 * findingResource(templateDrift).id; // 'ecr:eu-west-1:123456789012:repository-creation-template/team-a'
 * ```
 */
export function findingResource(f: Finding): FindingResource {
  if (f.repository !== null)
    return {
      kind: 'repository',
      id: repositoryArn(f.account, f.region, f.repository),
      name: f.repository,
    };
  const prefix = f.templatePrefix ?? '';
  return {
    kind: 'template',
    id: `ecr:${f.region}:${f.account}:repository-creation-template/${prefix}`,
    name: prefix,
  };
}
