/**
 * The registry port of the scan: what the scan reads from ECR, as plain data. The AWS adapter
 * (lib/aws/ecr-registry.ts) implements it with the ECR API; tests and the CLI may pass any
 * object of this shape.
 *
 * @module
 */

/** A repository or creation template as ECR describes it (the fields the scan reads). */
export interface RegistryConfigSource {
  readonly imageTagMutability?: unknown;
  readonly imageTagMutabilityExclusionFilters?: unknown;
}

/** A repository as DescribeRepositories returns it. */
export interface RegistryRepository extends RegistryConfigSource {
  readonly repositoryName?: string | undefined;
  readonly registryId?: string | undefined;
}

/** A creation template as DescribeRepositoryCreationTemplates returns it. */
export interface RegistryTemplate extends RegistryConfigSource {
  readonly prefix?: string | undefined;
}

/** One page of creation templates, with the registry id ECR reports beside it. */
export interface RegistryTemplatePage {
  readonly registryId?: string | undefined;
  readonly templates: readonly RegistryTemplate[];
}

/**
 * Read access to one registry (one account in one region).
 *
 * @example
 * ```ts
 * const registry: Registry = {
 *   async *templatePages() {},
 *   listRepositories: async () => [{ repositoryName: 'app', imageTagMutability: 'IMMUTABLE' }],
 *   listTags: async () => new Map([['v1', 'sha256:…']]),
 * };
 * ```
 */
export interface Registry {
  /** The creation templates, page by page (a failure mid-way keeps the pages already read). */
  templatePages(): AsyncIterable<RegistryTemplatePage>;
  /** Every repository. */
  listRepositories(): Promise<readonly RegistryRepository[]>;
  /** The current tag → digest map of one repository. */
  listTags(repositoryName: string): Promise<Map<string, string>>;
}
