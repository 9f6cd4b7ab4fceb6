/**
 * The ECR requests that give a repository or a creation template the configuration the policy
 * expects (docs/remediation.md#the-requests): `PutImageTagMutability` for a repository,
 * `UpdateRepositoryCreationTemplate` for a template. Plain data in the ECR API's own spelling, so
 * that the AWS adapter sends them as they are and the plan shows exactly what is sent.
 *
 * @module
 */
import {
  type ExclusionFilter,
  hasExclusions,
  type Mutability,
  type MutabilityConfig,
} from '../model/config.ts';
import type { RepositoryRef } from '../model/refs.ts';

/** The two mutability fields of a request. */
export interface MutabilityFields {
  readonly imageTagMutability: Mutability;
  /**
   * The complete filter list of a `*_WITH_EXCLUSION` mode (ECR requires 1–5); absent for the
   * plain modes, which take none.
   */
  readonly imageTagMutabilityExclusionFilters?: readonly ExclusionFilter[];
}

/** `PutImageTagMutability`'s input (ECR API reference). */
export interface PutImageTagMutabilityInput extends MutabilityFields {
  /** The repository's account: explicit, so that the request can only change that registry. */
  readonly registryId: string;
  readonly repositoryName: string;
}

/**
 * The settings of a creation template that `UpdateRepositoryCreationTemplate` takes besides its
 * prefix and the mutability fields. The API reference does not say whether a field left out of
 * the request keeps its value or is reset, so a request carries each of them as
 * DescribeRepositoryCreationTemplates reported it: the template keeps them under either reading.
 *
 * @example
 * ```ts
 * TEMPLATE_KEPT_SETTINGS.includes('lifecyclePolicy'); // true
 * ```
 */
export const TEMPLATE_KEPT_SETTINGS = [
  'description',
  'encryptionConfiguration',
  'resourceTags',
  'repositoryPolicy',
  'lifecyclePolicy',
  'appliedFor',
  'customRoleArn',
] as const;

/** A template's other settings, as ECR described them (passed through, never interpreted). */
export type TemplateSettings = Readonly<
  Partial<Record<(typeof TEMPLATE_KEPT_SETTINGS)[number], unknown>>
>;

/** `UpdateRepositoryCreationTemplate`'s input (ECR API reference; it takes no `registryId`). */
export interface UpdateRepositoryCreationTemplateInput extends MutabilityFields, TemplateSettings {
  readonly prefix: string;
}

/** One request of a plan: the ECR operation and its input. */
export type RemediationRequest =
  | { readonly operation: 'PutImageTagMutability'; readonly input: PutImageTagMutabilityInput }
  | {
      readonly operation: 'UpdateRepositoryCreationTemplate';
      readonly input: UpdateRepositoryCreationTemplateInput;
    };

/**
 * The mutability fields that set `config`: the mode, and the complete filter list when the mode
 * has exclusions — never a partial list, and none with a plain mode.
 *
 * @example
 * ```ts
 * mutabilityFields(config('IMMUTABLE')); // { imageTagMutability: 'IMMUTABLE' }
 * ```
 */
export function mutabilityFields(config: MutabilityConfig): MutabilityFields {
  const mode = config.imageTagMutability;
  if (!hasExclusions(mode)) return { imageTagMutability: mode };
  return {
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: config.imageTagMutabilityExclusionFilters.map((f) => ({
      filterType: f.filterType,
      filter: f.filter,
    })),
  };
}

/**
 * The request that gives repository `ref` the configuration `target`.
 *
 * @example
 * ```ts
 * putImageTagMutabilityRequest({ account: '111111111111', region: 'eu-west-1', repository: 'web' },
 *   config('IMMUTABLE'));
 * // { operation: 'PutImageTagMutability', input: { registryId: '111111111111',
 * //   repositoryName: 'web', imageTagMutability: 'IMMUTABLE' } }
 * ```
 */
export function putImageTagMutabilityRequest(
  ref: RepositoryRef,
  target: MutabilityConfig,
): RemediationRequest {
  return {
    operation: 'PutImageTagMutability',
    input: { registryId: ref.account, repositoryName: ref.repository, ...mutabilityFields(target) },
  };
}

/**
 * The request that gives the creation template with `prefix` the configuration `target`, with
 * its other `settings` unchanged.
 *
 * @example
 * ```ts
 * updateTemplateRequest('team-a', config('IMMUTABLE'), { appliedFor: ['CREATE_ON_PUSH'] });
 * ```
 */
export function updateTemplateRequest(
  prefix: string,
  target: MutabilityConfig,
  settings: TemplateSettings,
): RemediationRequest {
  return {
    operation: 'UpdateRepositoryCreationTemplate',
    input: { prefix, ...templateSettings(settings), ...mutabilityFields(target) },
  };
}

/**
 * The settings of {@link TEMPLATE_KEPT_SETTINGS} that `template` has (a value that is absent or
 * undefined is left out): nothing else of it — its prefix, mutability or timestamps — is copied.
 *
 * @example
 * ```ts
 * templateSettings({ prefix: 'p', description: 'd', createdAt: new Date() }); // { description: 'd' }
 * ```
 */
export function templateSettings(template: object): TemplateSettings {
  // A template as ECR described it: an SDK object, read by key, never interpreted.
  const fields = template as Readonly<Record<string, unknown>>;
  const settings: Partial<Record<(typeof TEMPLATE_KEPT_SETTINGS)[number], unknown>> = {};
  for (const key of TEMPLATE_KEPT_SETTINGS) {
    if (Object.hasOwn(fields, key) && fields[key] !== undefined) settings[key] = fields[key];
  }
  return settings;
}
