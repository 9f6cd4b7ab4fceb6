/**
 * A fake Amazon ECR speaking the wire protocol of `@aws-sdk/client-ecr` (AWS JSON 1.1:
 * `POST /`, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`, content type
 * `application/x-amz-json-1.1`; errors `{"__type": code, "message": ...}`; timestamps as epoch
 * seconds).
 *
 * Operations: DescribeRepositories, DescribeImages, ListImages,
 * DescribeRepositoryCreationTemplates, PutImageTagMutability, UpdateRepositoryCreationTemplate.
 * Anything else answers 400 `UnknownOperationException`. Every call is recorded
 * (`requests`, with its decoded body). Seed state with {@link FakeEcr.addRepository},
 * {@link FakeEcr.pushImage}, {@link FakeEcr.deleteTag}, {@link FakeEcr.addTemplate}.
 *
 * The image reads (DescribeImages, ListImages) check their requests as the service model does,
 * before looking the repository up: `repositoryName` required, `maxResults` 1–1000 (default
 * 100), `filter.tagStatus` one of `TAGGED`, `UNTAGGED`, `ANY` and `filter.imageStatus` one of
 * `ACTIVE`, `ARCHIVED`, `ACTIVATING`, `ANY` (`ValidationException`); a `nextToken` must be one this
 * fake issued for the same operation (`InvalidParameterException`). ListImages pages count image
 * ids: one per tag, one for an untagged image. Every image is active (none archived).
 *
 * The two writes validate their mutability fields as the ECR API reference and the service model
 * document them ({@link requestMutability}): the mode one of four; the filter list 1–5 entries of
 * `{filterType: "WILDCARD", filter}`, each value `^[0-9a-zA-Z._*-]{1,128}$` — model violations are
 * `ValidationException`; then ECR's own rules, `InvalidParameterException`: at most two `*` in a
 * filter (Terraform provider docs), a `*_WITH_EXCLUSION` mode needs filters (ECR's message). The
 * API reference says nothing of filters sent with `MUTABLE` or `IMMUTABLE`; this fake refuses
 * them (as Terraform and the CDK do), the stricter reading, so that code relying on ECR ignoring
 * them fails here.
 */
import type { IncomingMessage } from 'node:http';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';
import { jsonError, jsonReply, parseJsonRequest } from './json-protocol.ts';

/** The ECR target prefix the SDK sends in `X-Amz-Target`. */
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

// ECR's rules (modes, template prefix and filter grammars) are written out here again, on
// purpose, not imported from lib/: the fake stands for ECR, the oracle the code is tested
// against, so it must not share the definitions of the code under test.
const MODES = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
] as const;
/** ECR's `imageTagMutability`. */
export type TagMutability = (typeof MODES)[number];

/** ECR's `ImageTagMutabilityExclusionFilter`. */
export interface ExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

/** An image in a fake repository. */
export interface FakeImage {
  digest: string;
  tags: string[];
  pushedAt: Date;
  sizeInBytes: number;
}

/** A fake repository. `filters` is empty for the plain modes. */
export interface FakeRepository {
  name: string;
  arn: string;
  registryId: string;
  uri: string;
  createdAt: Date;
  imageTagMutability: TagMutability;
  filters: ExclusionFilter[];
  /** Images by digest, in push order. */
  images: Map<string, FakeImage>;
}

/** A resource tag of a creation template. */
export interface FakeResourceTag {
  Key: string;
  Value: string;
}

/** A fake repository creation template. */
export interface FakeTemplate {
  prefix: string;
  description: string | undefined;
  imageTagMutability: TagMutability;
  filters: ExclusionFilter[];
  appliedFor: string[];
  encryptionConfiguration: { encryptionType: string; kmsKey?: string };
  resourceTags: FakeResourceTag[];
  lifecyclePolicy: string | undefined;
  repositoryPolicy: string | undefined;
  customRoleArn: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The settings of a template {@link FakeEcr.addTemplate} takes besides its mutability. */
export type TemplateSeed = MutabilitySeed &
  Partial<
    Pick<
      FakeTemplate,
      | 'description'
      | 'appliedFor'
      | 'encryptionConfiguration'
      | 'resourceTags'
      | 'lifecyclePolicy'
      | 'repositoryPolicy'
      | 'customRoleArn'
    >
  >;

/** A mutability setting as the seed helpers take it; filters as strings or objects. */
export interface MutabilitySeed {
  imageTagMutability?: TagMutability;
  filters?: (string | ExclusionFilter)[];
}

/** Options of {@link FakeEcr}. */
export interface FakeEcrOptions extends FakeServerOptions {
  /** Registry (account) id; default `123456789012`. */
  accountId?: string;
  /** Region used in ARNs and URIs; default `us-east-1`. */
  region?: string;
  /**
   * How responses show the filter list of a plain-mode repository or template: omitted
   * (`'omit'`, default) or as `[]` (`'empty'`). AWS's real behaviour is not verified (docs/semantics.md#assumptions).
   */
  plainModeFilters?: 'omit' | 'empty';
  /**
   * What UpdateRepositoryCreationTemplate does with a setting the request leaves out: `'reset'`
   * (default) gives it the value CreateRepositoryCreationTemplate gives an absent one (no
   * description or policies, no tags, AES256, `MUTABLE`, and no `appliedFor`), `'keep'` leaves it
   * unchanged. The API reference does not say which ECR does; `'reset'` is the reading under
   * which a request that leaves a setting out loses it.
   */
  omittedTemplateSettings?: 'keep' | 'reset';
}

const TEMPLATE_PREFIX =
  /^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$/;
const FILTER_VALUE = /^[0-9a-zA-Z._*-]{1,128}$/;
const DEFAULT_PAGE = 100;

/** A fake ECR registry (one account, one region). */
export class FakeEcr extends FakeHttpServer {
  /** Repositories by name, in creation order. */
  readonly repositories = new Map<string, FakeRepository>();
  /** Creation templates by prefix, in creation order. */
  readonly templates = new Map<string, FakeTemplate>();
  readonly accountId: string;
  readonly region: string;
  /** See {@link FakeEcrOptions.plainModeFilters} (mutable). */
  plainModeFilters: 'omit' | 'empty';
  /** See {@link FakeEcrOptions.omittedTemplateSettings} (mutable). */
  omittedTemplateSettings: 'keep' | 'reset';

  constructor(options: FakeEcrOptions = {}) {
    super(options);
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.plainModeFilters = options.plainModeFilters ?? 'omit';
    this.omittedTemplateSettings = options.omittedTemplateSettings ?? 'reset';
  }

  /** Creates a repository (default `MUTABLE`, no filters). Throws if it exists or the setting is invalid. */
  addRepository(name: string, seed: MutabilitySeed & { createdAt?: Date } = {}): FakeRepository {
    if (this.repositories.has(name)) throw new Error(`repository ${name} already exists`);
    const { imageTagMutability, filters } = checkMutability(seed);
    const host = `${this.accountId}.dkr.ecr.${this.region}.amazonaws.com`;
    const repository: FakeRepository = {
      name,
      arn: `arn:aws:ecr:${this.region}:${this.accountId}:repository/${name}`,
      registryId: this.accountId,
      uri: `${host}/${name}`,
      createdAt: seed.createdAt ?? new Date(),
      imageTagMutability,
      filters,
      images: new Map(),
    };
    this.repositories.set(name, repository);
    return repository;
  }

  /** Deletes a repository and its images. */
  deleteRepository(name: string): void {
    this.repositories.delete(name);
  }

  /** The repository `name`; throws if unknown. */
  repository(name: string): FakeRepository {
    const repository = this.repositories.get(name);
    if (!repository) throw new Error(`no repository ${name}`);
    return repository;
  }

  /**
   * Pushes `digest` under `tag` (`tag` undefined: push by digest). Like ECR, the tag moves off
   * any other image, which stays in the repository untagged. Does not enforce immutability.
   */
  pushImage(
    repositoryName: string,
    tag: string | undefined,
    digest: string,
    options: { pushedAt?: Date; sizeInBytes?: number } = {},
  ): FakeImage {
    const repository = this.repository(repositoryName);
    if (tag !== undefined) {
      for (const image of repository.images.values()) {
        image.tags = image.tags.filter((t) => t !== tag);
      }
    }
    let image = repository.images.get(digest);
    if (!image) {
      image = {
        digest,
        tags: [],
        pushedAt: options.pushedAt ?? new Date(),
        sizeInBytes: options.sizeInBytes ?? 1024,
      };
      repository.images.set(digest, image);
    }
    if (tag !== undefined) image.tags.push(tag);
    return image;
  }

  /** Removes a tag (like BatchDeleteImage by tag): an image losing its last tag is deleted. */
  deleteTag(repositoryName: string, tag: string): void {
    const repository = this.repository(repositoryName);
    for (const image of repository.images.values()) {
      if (!image.tags.includes(tag)) continue;
      image.tags = image.tags.filter((t) => t !== tag);
      if (image.tags.length === 0) repository.images.delete(image.digest);
    }
  }

  /** Creates a repository creation template (default `MUTABLE`, applied for `CREATE_ON_PUSH`). */
  addTemplate(prefix: string, seed: TemplateSeed = {}): FakeTemplate {
    if (!TEMPLATE_PREFIX.test(prefix)) throw new Error(`invalid template prefix ${prefix}`);
    if (this.templates.has(prefix)) throw new Error(`template ${prefix} already exists`);
    const now = new Date();
    const template: FakeTemplate = {
      prefix,
      description: seed.description,
      ...checkMutability(seed),
      appliedFor: seed.appliedFor ?? ['CREATE_ON_PUSH'],
      encryptionConfiguration: seed.encryptionConfiguration ?? { encryptionType: 'AES256' },
      resourceTags: seed.resourceTags ?? [],
      lifecyclePolicy: seed.lifecyclePolicy,
      repositoryPolicy: seed.repositoryPolicy,
      customRoleArn: seed.customRoleArn,
      createdAt: now,
      updatedAt: now,
    };
    this.templates.set(prefix, template);
    return template;
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    return parseJsonRequest(request, raw, ECR_TARGET_PREFIX);
  }

  protected override handle(request: ParsedRequest): Reply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const known = String(request.headers['x-amz-target'] ?? '').startsWith(ECR_TARGET_PREFIX);
    const operations: Record<string, (b: Record<string, unknown>) => unknown> = {
      DescribeRepositories: (b) => this.describeRepositories(b),
      DescribeImages: (b) => this.describeImages(b),
      ListImages: (b) => this.listImages(b),
      DescribeRepositoryCreationTemplates: (b) => this.describeTemplates(b),
      PutImageTagMutability: (b) => this.putImageTagMutability(b),
      UpdateRepositoryCreationTemplate: (b) => this.updateTemplate(b),
    };
    const operation = known ? operations[request.operation] : undefined;
    if (!operation) {
      throw new AwsError(
        'UnknownOperationException',
        `operation ${request.operation || '(none)'} is not supported by the fake ECR`,
      );
    }
    checkMaxResults(body.maxResults);
    return jsonReply(operation(body));
  }

  protected override errorReply(error: AwsError): Reply {
    return jsonError(error);
  }

  protected override throttleError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded');
  }

  private describeRepositories(body: Record<string, unknown>): unknown {
    const names = body.repositoryNames as string[] | undefined;
    let repositories = [...this.repositories.values()];
    if (names !== undefined) {
      if (body.maxResults !== undefined || body.nextToken !== undefined) {
        throw new AwsError(
          'InvalidParameterException',
          'maxResults and nextToken cannot be used with repositoryNames',
        );
      }
      repositories = names.map((name) => this.findRepository(name));
    }
    const page = paginate('DescribeRepositories', repositories, body);
    return {
      repositories: page.items.map((r) => ({
        repositoryArn: r.arn,
        registryId: r.registryId,
        repositoryName: r.name,
        repositoryUri: r.uri,
        createdAt: r.createdAt.getTime() / 1000,
        imageTagMutability: r.imageTagMutability,
        ...this.filtersField(r),
        imageScanningConfiguration: { scanOnPush: false },
        encryptionConfiguration: { encryptionType: 'AES256' },
      })),
      ...page.next,
    };
  }

  private describeImages(body: Record<string, unknown>): unknown {
    const name = required(body, 'repositoryName');
    const listed = imageFilter(body);
    const repository = this.findRepository(name);
    let images = [...repository.images.values()];
    const ids = body.imageIds as { imageDigest?: string; imageTag?: string }[] | undefined;
    if (ids !== undefined) {
      if (body.maxResults !== undefined || body.nextToken !== undefined) {
        throw new AwsError(
          'InvalidParameterException',
          'maxResults and nextToken cannot be used with imageIds',
        );
      }
      images = ids.map((id) => {
        const found = images.find(
          (i) =>
            (id.imageDigest === undefined || i.digest === id.imageDigest) &&
            (id.imageTag === undefined || i.tags.includes(id.imageTag)),
        );
        if (found) return found;
        throw new AwsError(
          'ImageNotFoundException',
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${this.accountId}'`,
        );
      });
    }
    images = images.filter(listed);
    const page = paginate('DescribeImages', images, body);
    return {
      imageDetails: page.items.map((i) => ({
        registryId: this.accountId,
        repositoryName: repository.name,
        imageDigest: i.digest,
        ...(i.tags.length > 0 ? { imageTags: [...i.tags] } : {}),
        imageSizeInBytes: i.sizeInBytes,
        imagePushedAt: i.pushedAt.getTime() / 1000,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      })),
      ...page.next,
    };
  }

  private listImages(body: Record<string, unknown>): unknown {
    const name = required(body, 'repositoryName');
    const listed = imageFilter(body);
    const ids = [...this.findRepository(name).images.values()]
      .filter(listed)
      .flatMap((i) =>
        i.tags.length === 0
          ? [{ imageDigest: i.digest }]
          : i.tags.map((imageTag) => ({ imageDigest: i.digest, imageTag })),
      );
    const page = paginate('ListImages', ids, body);
    return { imageIds: page.items, ...page.next };
  }

  private describeTemplates(body: Record<string, unknown>): unknown {
    const prefixes = body.prefixes as string[] | undefined;
    const templates = [...this.templates.values()].filter(
      (t) => prefixes === undefined || prefixes.includes(t.prefix),
    );
    const page = paginate('DescribeRepositoryCreationTemplates', templates, body);
    return {
      registryId: this.accountId,
      repositoryCreationTemplates: page.items.map((t) => this.templateShape(t)),
      ...page.next,
    };
  }

  /** A template as DescribeRepositoryCreationTemplates and UpdateRepositoryCreationTemplate show it. */
  private templateShape(t: FakeTemplate) {
    const optional = (key: string, value: string | undefined) =>
      value === undefined ? {} : { [key]: value };
    return {
      prefix: t.prefix,
      ...optional('description', t.description),
      encryptionConfiguration: { ...t.encryptionConfiguration },
      resourceTags: t.resourceTags.map((tag) => ({ ...tag })),
      imageTagMutability: t.imageTagMutability,
      ...this.filtersField(t),
      ...optional('repositoryPolicy', t.repositoryPolicy),
      ...optional('lifecyclePolicy', t.lifecyclePolicy),
      appliedFor: [...t.appliedFor],
      ...optional('customRoleArn', t.customRoleArn),
      createdAt: t.createdAt.getTime() / 1000,
      updatedAt: t.updatedAt.getTime() / 1000,
    };
  }

  private putImageTagMutability(body: Record<string, unknown>): unknown {
    const name = required(body, 'repositoryName');
    const setting = requestMutability(body, 'required');
    if (body.registryId !== undefined && body.registryId !== this.accountId) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${String(body.registryId)}'`,
      );
    }
    const repository = this.findRepository(name);
    repository.imageTagMutability = setting.imageTagMutability;
    repository.filters = setting.filters;
    return {
      registryId: this.accountId,
      repositoryName: repository.name,
      imageTagMutability: repository.imageTagMutability,
      ...this.filtersField(repository),
    };
  }

  private updateTemplate(body: Record<string, unknown>): unknown {
    const prefix = required(body, 'prefix');
    if (!TEMPLATE_PREFIX.test(prefix)) {
      throw validation(
        `Value '${prefix}' at 'prefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TEMPLATE_PREFIX.source}`,
      );
    }
    const keep = this.omittedTemplateSettings === 'keep';
    const found = this.templates.get(prefix);
    const setting = requestMutability(
      body,
      keep && found
        ? { imageTagMutability: found.imageTagMutability, filters: found.filters }
        : { imageTagMutability: 'MUTABLE', filters: [] },
    );
    const settings = templateSettingsOf(body);
    if (!found) {
      throw new AwsError(
        'TemplateNotFoundException',
        `The repository creation template with prefix '${prefix}' does not exist in the registry with id '${this.accountId}'`,
      );
    }
    const pick = <K extends keyof typeof settings>(key: K, reset: FakeTemplate[K]) =>
      settings[key] !== undefined ? settings[key] : keep ? found[key] : reset;
    Object.assign(found, {
      ...setting,
      description: pick('description', undefined),
      appliedFor: pick('appliedFor', []),
      encryptionConfiguration: pick('encryptionConfiguration', { encryptionType: 'AES256' }),
      resourceTags: pick('resourceTags', []),
      lifecyclePolicy: pick('lifecyclePolicy', undefined),
      repositoryPolicy: pick('repositoryPolicy', undefined),
      customRoleArn: pick('customRoleArn', undefined),
      updatedAt: new Date(),
    });
    return { registryId: this.accountId, repositoryCreationTemplate: this.templateShape(found) };
  }

  private findRepository(name: string): FakeRepository {
    const repository = this.repositories.get(name);
    if (repository) return repository;
    throw new AwsError(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`,
    );
  }

  private filtersField(owner: { imageTagMutability: TagMutability; filters: ExclusionFilter[] }) {
    const plain =
      owner.imageTagMutability === 'MUTABLE' || owner.imageTagMutability === 'IMMUTABLE';
    if (plain && this.plainModeFilters === 'omit') return {};
    return { imageTagMutabilityExclusionFilters: owner.filters.map((f) => ({ ...f })) };
  }
}

/**
 * A seed's mutability setting, checked by the rules the writes apply ({@link requestMutability}),
 * so that the fake never holds a setting ECR would refuse.
 */
function checkMutability(seed: MutabilitySeed): Setting {
  const filters = (seed.filters ?? []).map(
    (f): ExclusionFilter => (typeof f === 'string' ? { filterType: 'WILDCARD', filter: f } : f),
  );
  return requestMutability(
    {
      imageTagMutability: seed.imageTagMutability ?? 'MUTABLE',
      ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters } : {}),
    },
    'required',
  );
}

/** A mutability setting: a mode and its filters (none for the plain modes). */
interface Setting {
  imageTagMutability: TagMutability;
  filters: ExclusionFilter[];
}

/**
 * The mutability fields of a PutImageTagMutability or UpdateRepositoryCreationTemplate request,
 * validated as the module comment says. `absent`: `'required'` when the mode must be given
 * (PutImageTagMutability), else the setting an absent mode stands for (with its filters, when the
 * list is absent too).
 */
function requestMutability(body: Record<string, unknown>, absent: 'required' | Setting): Setting {
  const rawMode = body.imageTagMutability;
  if (rawMode === undefined && absent === 'required') required(body, 'imageTagMutability');
  enumMember(rawMode, 'imageTagMutability', MODES);
  const current = absent === 'required' ? undefined : absent;
  const mode = (rawMode as TagMutability | undefined) ?? current?.imageTagMutability ?? 'MUTABLE';
  const list = body.imageTagMutabilityExclusionFilters;
  let filters: ExclusionFilter[] | undefined;
  if (list !== undefined) {
    if (!Array.isArray(list)) {
      throw validation(
        "Value at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: Member must be a list",
      );
    }
    if (list.length < 1 || list.length > 5) {
      const bound = list.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 5';
      throw validation(
        `Value '[${list.length} items]' at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: Member must have length ${bound}`,
      );
    }
    filters = list.map((entry: unknown, i) => wireFilter(entry, i + 1));
  } else if (rawMode === undefined && current && hasExclusionMode(mode)) {
    filters = current.filters;
  }
  for (const f of filters ?? []) {
    if (f.filter.split('*').length - 1 > 2) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutabilityExclusionFilters': filter '${f.filter}' has more than 2 wildcards`,
      );
    }
  }
  if (hasExclusionMode(mode) && filters === undefined) {
    throw new AwsError(
      'InvalidParameterException',
      `ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as ${mode}`,
    );
  }
  if (!hasExclusionMode(mode) && filters !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      `ImageTagMutabilityExclusionFilters can't be set when imageTagMutability is set as ${mode}`,
    );
  }
  return { imageTagMutability: mode, filters: filters ?? [] };
}

function hasExclusionMode(mode: TagMutability): boolean {
  return mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION';
}

/** One `ImageTagMutabilityExclusionFilter` of a request (member `n`, 1-based), by the model. */
function wireFilter(entry: unknown, n: number): ExclusionFilter {
  const at = `imageTagMutabilityExclusionFilters.${n}.member`;
  const { filterType, filter } = (entry ?? {}) as { filterType?: unknown; filter?: unknown };
  if (filterType !== 'WILDCARD') {
    throw validation(
      filterType === undefined
        ? `Value null at '${at}.filterType' failed to satisfy constraint: Member must not be null`
        : `Value '${String(filterType)}' at '${at}.filterType' failed to satisfy constraint: Member must satisfy enum value set: [WILDCARD]`,
    );
  }
  if (typeof filter !== 'string' || !FILTER_VALUE.test(filter)) {
    throw validation(
      filter === undefined
        ? `Value null at '${at}.filter' failed to satisfy constraint: Member must not be null`
        : `Value '${String(filter)}' at '${at}.filter' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FILTER_VALUE.source}`,
    );
  }
  return { filterType, filter };
}

/** The other settings of an UpdateRepositoryCreationTemplate request, checked by the model. */
function templateSettingsOf(body: Record<string, unknown>): Partial<FakeTemplate> {
  const text = (key: string, max: number) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > max) {
      throw validation(
        `Value at '${key}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
    return value;
  };
  const applied = body.appliedFor;
  if (
    applied !== undefined &&
    (!Array.isArray(applied) ||
      applied.some((a) => !['REPLICATION', 'PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'].includes(a)))
  ) {
    throw validation(
      "Value at 'appliedFor' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [REPLICATION, PULL_THROUGH_CACHE, CREATE_ON_PUSH]]",
    );
  }
  return {
    description: text('description', 256),
    repositoryPolicy: text('repositoryPolicy', 10240),
    lifecyclePolicy: text('lifecyclePolicy', 30720),
    customRoleArn: text('customRoleArn', 2048),
    appliedFor: applied as string[] | undefined,
    encryptionConfiguration:
      body.encryptionConfiguration as FakeTemplate['encryptionConfiguration'],
    resourceTags: body.resourceTags as FakeResourceTag[] | undefined,
  };
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: ${message}`);
}

function required(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value === 'string') return value;
  throw validation(`Value null at '${key}' failed to satisfy constraint: Member must not be null`);
}

const TAG_STATUSES = ['TAGGED', 'UNTAGGED', 'ANY'];
const IMAGE_STATUSES = ['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'];

/**
 * The images a DescribeImages or ListImages `filter` keeps, its values checked against the model's
 * enums (`ValidationException` otherwise): `tagStatus` (default `ANY`), and `imageStatus` (default
 * `ACTIVE`) — every image of this fake is active, so `ARCHIVED` and `ACTIVATING` keep none.
 */
function imageFilter(body: Record<string, unknown>): (image: FakeImage) => boolean {
  const filter = (body.filter ?? {}) as { tagStatus?: unknown; imageStatus?: unknown };
  const tagStatus = enumMember(filter.tagStatus, 'filter.tagStatus', TAG_STATUSES) ?? 'ANY';
  const imageStatus = enumMember(filter.imageStatus, 'filter.imageStatus', IMAGE_STATUSES);
  const active = imageStatus === undefined || imageStatus === 'ACTIVE' || imageStatus === 'ANY';
  return (image) =>
    active && (tagStatus === 'ANY' || (tagStatus === 'TAGGED') === image.tags.length > 0);
}

/** `value` if absent or one of `members`, else the model's `ValidationException` for `field`. */
function enumMember(value: unknown, field: string, members: readonly string[]): string | undefined {
  if (value === undefined || members.includes(value as string)) return value as string | undefined;
  throw validation(
    `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${members.join(', ')}]`,
  );
}

/** Validates `maxResults` (1–1000) as ECR's model does, before anything else. */
function checkMaxResults(max: unknown): void {
  if (max === undefined) return;
  if (typeof max !== 'number' || max < 1) {
    throw validation(
      `Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  if (max > 1000) {
    throw validation(
      `Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
}

/**
 * One page of `items` for `operation` (`maxResults` default 100), with an opaque `nextToken`
 * bound to the operation.
 */
function paginate<T>(
  operation: string,
  items: T[],
  body: Record<string, unknown>,
): { items: T[]; next: { nextToken?: string } } {
  const max = body.maxResults;
  const size = typeof max === 'number' ? max : DEFAULT_PAGE;
  let offset = 0;
  if (body.nextToken !== undefined) {
    const token = decodeToken(body.nextToken);
    if (token?.operation !== operation || token.offset > items.length) {
      throw new AwsError(
        'InvalidParameterException',
        "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
      );
    }
    offset = token.offset;
  }
  const end = offset + size;
  const next =
    end < items.length
      ? { nextToken: Buffer.from(JSON.stringify({ operation, offset: end })).toString('base64') }
      : {};
  return { items: items.slice(offset, end), next };
}

function decodeToken(token: unknown): { operation: string; offset: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as unknown;
    const { operation, offset } = value as { operation?: unknown; offset?: unknown };
    if (typeof operation === 'string' && typeof offset === 'number') return { operation, offset };
  } catch {
    // fall through: not a token this fake issued
  }
  return undefined;
}
