/**
 * Turns one raw input item (an EventBridge event or a raw CloudTrail record) into domain events
 * (docs/intake.md). Only the fields the engine needs are copied out; manifests, credentials and the rest
 * of the record stay behind, so replay never holds raw input while it orders events by time.
 *
 * @module
 */
import { BLOCKED_OVERWRITE_ERROR_CODE } from '../model/assumptions.ts';
import { FILTERS_KEY, MODE_KEY, type MutabilityConfig } from '../model/config.ts';
import { isRecord, typeName } from '../model/json.ts';
import { quote, shorten } from '../model/text.ts';
import { canonicalAwsTime, canonicalTime } from '../model/time.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import {
  AUDITED_API_CALLS,
  type AuditedApiCall,
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  ECR_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
  IMAGE_ACTION_SUCCESS,
  IMAGE_ACTION_TYPES,
  type ImageActionType,
} from './catalogue.ts';
import {
  ACCOUNT,
  ACTOR_ARN,
  ANY_TEXT,
  child,
  DIGEST,
  EVENT_ID,
  type Field,
  FieldError,
  firstPresent,
  informationalText,
  isMissing,
  list,
  object,
  optionalText,
  own,
  REGION,
  REPOSITORY,
  root,
  TAG,
  TEMPLATE_PREFIX,
  TIME,
  text,
} from './fields.ts';
import { satisfies } from './satisfies.ts';
import type { DomainEvent, EventBase, EventOrigin, NormalizeResult } from './types.ts';

/** What a mapper gets: the parts of a CloudTrail record it may read, and the common fields. */
interface ApiCall {
  readonly request: Field;
  readonly response: Field;
  readonly errorCode: string | null;
  readonly base: EventBase;
}

type Mapper = (call: ApiCall) => readonly DomainEvent[];

/** The mapper of each audited call: the type makes a call added to the catalogue need one. */
const MAPPER_OF: { readonly [call in AuditedApiCall]: Mapper } = {
  PutImage: putImage,
  BatchDeleteImage: batchDeleteImage,
  CreateRepository: createRepository,
  DeleteRepository: deleteRepository,
  PutImageTagMutability: putImageTagMutability,
  CreateRepositoryCreationTemplate: putTemplate,
  UpdateRepositoryCreationTemplate: putTemplate,
  DeleteRepositoryCreationTemplate: deleteTemplate,
};

/**
 * The audited calls of the catalogue and their mappers; every other `eventName` is skipped. A
 * Map, not the object literal above, so that an `eventName` such as `constructor` finds nothing.
 */
const MAPPERS: ReadonlyMap<string, Mapper> = new Map(
  AUDITED_API_CALLS.map((call) => [call, MAPPER_OF[call]]),
);

/** True for an audited `action-type` of an ECR Image Action. */
function isImageActionType(value: unknown): value is ImageActionType {
  return (IMAGE_ACTION_TYPES as readonly unknown[]).includes(value);
}

/**
 * Normalizes one raw item: an EventBridge event (`ECR Image Action` or `AWS API Call via
 * CloudTrail`) or a raw CloudTrail record. Never throws: anything that is not a relevant event
 * is `skipped` with a short reason, and a relevant event lacking a field it needs is `malformed`
 * with a reason naming that field (`ECR Image Action PUSH: detail.image-digest is missing`).
 *
 * @param raw - One parsed JSON value, untrusted.
 */
export function normalizeEvent(raw: unknown): NormalizeResult {
  try {
    return classify(raw);
  } catch (error) {
    // The readers throw only FieldError, which `attempt` turns into `malformed`. Anything else
    // is a bug; reporting it on the one item keeps a long replay going.
    const message = error instanceof Error ? error.message : String(error);
    return malformed(`internal error while reading the event: ${quote(message, { max: 201 })}`);
  }
}

function classify(raw: unknown, fast = true): NormalizeResult {
  if (!isRecord(raw)) return malformed(`not a JSON object (got ${typeName(raw)})`);
  if (Object.hasOwn(raw, 'detail-type')) {
    return (fast ? imageActionFastPath(raw) : undefined) ?? fromEventBridge(root(raw));
  }
  if (Object.hasOwn(raw, 'eventSource')) return fromCloudTrail(root(raw), null);
  return skipped('neither an EventBridge event nor a CloudTrail record');
}

/**
 * {@link normalizeEvent} without its fast path for the common ECR Image Action event: the
 * general path alone, against which tests check the fast paths (test/events/fast-paths.test.ts).
 */
export function normalizeEventGenerally(raw: unknown): NormalizeResult {
  try {
    return classify(raw, false);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return malformed(`internal error while reading the event: ${quote(message, { max: 201 })}`);
  }
}

/** The canonical time of a valid {@link TIME} value, else undefined. */
function validTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const aws = canonicalAwsTime(value);
  if (aws !== null) return aws;
  return satisfies(value, TIME) ? canonicalTime(value) : undefined;
}

/**
 * The common case, read directly: a valid `ECR Image Action` PUSH or DELETE with result
 * `SUCCESS`. Gives exactly the events that {@link fromEventBridge} gives for such an event, without
 * building field paths that only a reason would need; for anything else (another detail-type, a
 * skip, any field missing or invalid) it gives undefined and the general path decides, with its
 * reasons. Replay normalizes every line, so this is the hot path of the intake. Exported so that
 * tests can see that it is taken (test/events/fast-paths.test.ts); the intake calls
 * {@link normalizeEvent}.
 *
 * @example
 * ```ts
 * imageActionFastPath(push)?.kind; // 'events' for a valid ECR Image Action PUSH
 * ```
 */
export function imageActionFastPath(
  raw: Readonly<Record<string, unknown>>,
): NormalizeResult | undefined {
  // Each read is written out (own property, then value) rather than through `own`, so that every
  // site sees one object shape and stays fast.
  const hasOwn = Object.hasOwn;
  if (raw['detail-type'] !== IMAGE_ACTION_DETAIL_TYPE) return undefined;
  if (!hasOwn(raw, 'source') || raw.source !== ECR_SOURCE) return undefined;
  const detail = hasOwn(raw, 'detail') ? raw.detail : undefined;
  if (!isRecord(detail)) return undefined;
  if (!hasOwn(detail, 'result') || detail.result !== IMAGE_ACTION_SUCCESS) return undefined;
  const action = hasOwn(detail, 'action-type') ? detail['action-type'] : undefined;
  if (!isImageActionType(action)) return undefined;
  const account = hasOwn(raw, 'account') ? raw.account : undefined;
  const region = hasOwn(raw, 'region') ? raw.region : undefined;
  const time = validTime(hasOwn(raw, 'time') ? raw.time : undefined);
  const id = hasOwn(raw, 'id') ? raw.id : undefined;
  const repository = hasOwn(detail, 'repository-name') ? detail['repository-name'] : undefined;
  const tag = hasOwn(detail, 'image-tag') ? detail['image-tag'] : undefined;
  const digest = hasOwn(detail, 'image-digest') ? detail['image-digest'] : undefined;
  if (
    time === undefined ||
    !satisfies(account, ACCOUNT) ||
    !satisfies(region, REGION) ||
    !(id === undefined || id === null || typeof id === 'string') ||
    !satisfies(repository, REPOSITORY) ||
    !(tag === undefined || tag === null || satisfies(tag, TAG))
  ) {
    return undefined;
  }
  const eventId = satisfies(id, EVENT_ID) ? id : null;
  const tagOrNull = tag ?? null;
  const common = {
    account,
    region,
    time,
    eventId,
    actor: null,
    origin: 'image-action' as const,
    repository,
    tag: tagOrNull,
  };
  if (action === 'PUSH') {
    if (!satisfies(digest, DIGEST)) return undefined;
    return events([{ type: 'push', ...common, digest }]);
  }
  if (!(digest === undefined || digest === null || satisfies(digest, DIGEST))) return undefined;
  const digestOrNull = digest ?? null;
  if (tagOrNull === null && digestOrNull === null) return undefined;
  return events([{ type: 'delete', ...common, digest: digestOrNull }]);
}

function fromEventBridge(event: Field): NormalizeResult {
  const detailType = own(event.value, 'detail-type');
  if (detailType === IMAGE_ACTION_DETAIL_TYPE) return fromImageAction(event);
  if (detailType === CLOUDTRAIL_DETAIL_TYPE) return fromForwardedCloudTrail(event);
  return skipped(`EventBridge detail-type ${quote(detailType)} is not audited`);
}

function fromImageAction(event: Field): NormalizeResult {
  const source = own(event.value, 'source');
  // Anyone may put an event with this detail-type on a custom bus; only ECR's own count.
  if (source !== ECR_SOURCE) {
    return skipped(`${IMAGE_ACTION_DETAIL_TYPE} from source ${quote(source)}`);
  }
  return attempt(IMAGE_ACTION_DETAIL_TYPE, () => {
    const detail = object(child(event, 'detail'));
    const action = text(child(detail, 'action-type'), ANY_TEXT);
    const result = text(child(detail, 'result'), ANY_TEXT);
    if (!isImageActionType(action)) {
      return skipped(`${IMAGE_ACTION_DETAIL_TYPE} ${quote(action)} is not audited`);
    }
    const label = `${IMAGE_ACTION_DETAIL_TYPE} ${action}`;
    if (result !== IMAGE_ACTION_SUCCESS) return skipped(`${label} with result ${quote(result)}`);
    return attempt(label, () => events([imageAction(event, detail, action)]));
  });
}

function imageAction(event: Field, detail: Field, action: ImageActionType): DomainEvent {
  const base = eventBase('image-action', {
    account: child(event, 'account'),
    region: child(event, 'region'),
    time: child(event, 'time'),
    eventId: child(event, 'id'),
    actor: null,
  });
  const repository = text(child(detail, 'repository-name'), REPOSITORY);
  // No image-tag means a push (or delete) by digest.
  const tag = optionalText(child(detail, 'image-tag'), TAG);
  const digestField = child(detail, 'image-digest');
  if (action === 'PUSH') {
    return { type: 'push', ...base, repository, tag, digest: text(digestField, DIGEST) };
  }
  const digest = optionalText(digestField, DIGEST);
  if (tag === null && digest === null) {
    throw new FieldError(`${digestField.path} and ${detail.path}.image-tag are both missing`);
  }
  return { type: 'delete', ...base, repository, tag, digest };
}

function fromForwardedCloudTrail(event: Field): NormalizeResult {
  const detail = child(event, 'detail');
  const eventSource = own(detail.value, 'eventSource');
  // An envelope from aws.ecr promises an ECR record, so a missing record is malformed there;
  // from any other source it is just another service's event.
  const promisedEcr = own(event.value, 'source') === ECR_SOURCE && typeof eventSource !== 'string';
  if (eventSource === ECR_EVENT_SOURCE || promisedEcr) return fromCloudTrail(detail, event);
  return skipped(`CloudTrail event from ${quote(eventSource)}`);
}

function fromCloudTrail(record: Field, envelope: Field | null): NormalizeResult {
  return attempt('CloudTrail record', () => {
    object(record);
    const eventSource = text(child(record, 'eventSource'), ANY_TEXT);
    if (eventSource !== ECR_EVENT_SOURCE) {
      return skipped(`CloudTrail event from ${quote(eventSource)}`);
    }
    const eventName = text(child(record, 'eventName'), ANY_TEXT);
    const mapper = MAPPERS.get(eventName);
    if (mapper === undefined) return skipped(`CloudTrail ${quote(eventName)} is not audited`);
    const label = `CloudTrail ${eventName}`;
    return attempt(label, () => {
      const errorCode = optionalText(child(record, 'errorCode'), ANY_TEXT);
      // A failed call changed nothing, except that a refused PutImage is itself a finding.
      const blocked = eventName === 'PutImage' && errorCode === BLOCKED_OVERWRITE_ERROR_CODE;
      if (errorCode !== null && !blocked) {
        return skipped(`${label} failed with ${quote(errorCode)}`);
      }
      const base = cloudTrailBase(record, envelope);
      const request = child(record, 'requestParameters');
      const response = child(record, 'responseElements');
      return events(mapper({ request, response, errorCode, base }));
    });
  });
}

function cloudTrailBase(record: Field, envelope: Field | null): EventBase {
  const fromEnvelope = (key: string): Field[] => (envelope === null ? [] : [child(envelope, key)]);
  const identity = child(record, 'userIdentity');
  // Field precedence is docs/intake.md's: the envelope names the account and region it was delivered for.
  return eventBase('cloudtrail', {
    account: preferEnvelope(
      fromEnvelope('account'),
      child(record, 'recipientAccountId'),
      child(identity, 'accountId'),
    ),
    region: preferEnvelope(fromEnvelope('region'), child(record, 'awsRegion')),
    time: firstPresent(child(record, 'eventTime'), ...fromEnvelope('time')),
    eventId: child(record, 'eventID'),
    actor: child(identity, 'arn'),
  });
}

/** The envelope's field when there is an envelope, else the record's fields in order. */
function preferEnvelope(
  envelope: readonly Field[],
  first: Field,
  ...rest: readonly Field[]
): Field {
  const [fromEnvelope] = envelope;
  return fromEnvelope === undefined
    ? firstPresent(first, ...rest)
    : firstPresent(fromEnvelope, first, ...rest);
}

interface BaseFields {
  readonly account: Field;
  readonly region: Field;
  readonly time: Field;
  readonly eventId: Field;
  readonly actor: Field | null;
}

function eventBase(origin: EventOrigin, fields: BaseFields): EventBase {
  return {
    account: text(fields.account, ACCOUNT),
    region: text(fields.region, REGION),
    time: canonicalTime(text(fields.time, TIME)),
    eventId: informationalText(fields.eventId, EVENT_ID),
    actor: fields.actor === null ? null : informationalText(fields.actor, ACTOR_ARN),
    origin,
  };
}

function putImage({ request, response, errorCode, base }: ApiCall): DomainEvent[] {
  if (errorCode === BLOCKED_OVERWRITE_ERROR_CODE) {
    // responseElements is null for a failed call: everything comes from the request.
    return [
      {
        type: 'overwrite-blocked',
        ...base,
        repository: text(child(request, 'repositoryName'), REPOSITORY),
        tag: text(child(request, 'imageTag'), TAG),
        digest: optionalText(child(request, 'imageDigest'), DIGEST),
      },
    ];
  }
  const image = child(response, 'image');
  const imageId = child(image, 'imageId');
  return [
    {
      type: 'push',
      ...base,
      repository: text(
        firstPresent(child(request, 'repositoryName'), child(image, 'repositoryName')),
        REPOSITORY,
      ),
      tag: optionalText(firstPresent(child(imageId, 'imageTag'), child(request, 'imageTag')), TAG),
      digest: text(
        firstPresent(child(imageId, 'imageDigest'), child(request, 'imageDigest')),
        DIGEST,
      ),
    },
  ];
}

function batchDeleteImage({ request, response, base }: ApiCall): DomainEvent[] {
  const repository = text(child(request, 'repositoryName'), REPOSITORY);
  // The response lists what was actually deleted (failures are listed apart); the request is
  // the fallback when a record carries no response.
  const deleted = child(response, 'imageIds');
  const imageIds = list(isMissing(deleted) ? child(request, 'imageIds') : deleted);
  return imageIds.map((imageId) => deletion(imageId, repository, base));
}

function deletion(imageId: Field, repository: string, base: EventBase): DomainEvent {
  object(imageId);
  const tag = optionalText(child(imageId, 'imageTag'), TAG);
  const digest = optionalText(child(imageId, 'imageDigest'), DIGEST);
  if (tag === null && digest === null) {
    throw new FieldError(`${imageId.path} has neither imageTag nor imageDigest`);
  }
  return { type: 'delete', ...base, repository, tag, digest };
}

function createRepository({ request, response, base }: ApiCall): DomainEvent[] {
  return [repositoryConfig(base, request, child(response, 'repository'), false)];
}

function putImageTagMutability({ request, response, base }: ApiCall): DomainEvent[] {
  // The call exists to set the mode, so a record without one cannot be trusted.
  return [repositoryConfig(base, request, response, true)];
}

/** A repository's configuration from a call's response (`reported`), else its request. */
function repositoryConfig(
  base: EventBase,
  request: Field,
  reported: Field,
  modeRequired: boolean,
): DomainEvent {
  return {
    type: 'repository-config',
    ...base,
    repository: text(
      firstPresent(child(request, 'repositoryName'), child(reported, 'repositoryName')),
      REPOSITORY,
    ),
    config: readConfig(reported, request, modeRequired),
  };
}

function deleteRepository({ request, response, base }: ApiCall): DomainEvent[] {
  const deleted = child(response, 'repository');
  return [
    {
      type: 'repository-deleted',
      ...base,
      repository: text(
        firstPresent(child(request, 'repositoryName'), child(deleted, 'repositoryName')),
        REPOSITORY,
      ),
    },
  ];
}

function putTemplate({ request, response, base }: ApiCall): DomainEvent[] {
  const template = child(response, 'repositoryCreationTemplate');
  return [
    {
      type: 'template-config',
      ...base,
      templatePrefix: templatePrefix(request, template),
      config: readConfig(template, request, false),
    },
  ];
}

function deleteTemplate({ request, response, base }: ApiCall): DomainEvent[] {
  const template = child(response, 'repositoryCreationTemplate');
  return [{ type: 'template-deleted', ...base, templatePrefix: templatePrefix(request, template) }];
}

function templatePrefix(request: Field, template: Field): string {
  return text(firstPresent(child(request, 'prefix'), child(template, 'prefix')), TEMPLATE_PREFIX);
}

/**
 * The configuration in `primary` (the response, which reports the stored state) when it has
 * either field, else in `fallback` (the request). Absent mode and list follow docs/intake.md (MUTABLE,
 * `[]`) through `normalizeRepositoryConfig`, unless `modeRequired`.
 */
function readConfig(primary: Field, fallback: Field, modeRequired: boolean): MutabilityConfig {
  const source = hasConfigFields(primary) ? primary : fallback;
  const mode = child(source, MODE_KEY);
  const filters = child(source, FILTERS_KEY);
  if (modeRequired && isMissing(mode)) throw new FieldError(`${mode.path} is missing`);
  // Checked here as well so that the reason names the full path of a mistyped mode.
  if (!isMissing(mode) && typeof mode.value !== 'string') {
    throw new FieldError(`${mode.path} is not a string (got ${typeName(mode.value)})`);
  }
  // Only the two fields are handed over, with null read as absent like every other field.
  const config = normalizeRepositoryConfig({
    imageTagMutability: isMissing(mode) ? undefined : mode.value,
    imageTagMutabilityExclusionFilters: isMissing(filters) ? undefined : filters.value,
  });
  if (typeof config === 'string') throw new FieldError(configProblem(source, config));
  return config;
}

/**
 * A reason from normalizeRepositoryConfig under the path of the object it read. Its reasons start
 * with the field name (`imageTagMutability must be one of ...`), which then reads as a full path;
 * they quote the bad value whole, so the reason is cut short.
 */
function configProblem(source: Field, reason: string): string {
  // MODE_KEY starts both keys, so a reason about either reads as a path.
  const joiner = reason.startsWith(MODE_KEY) ? '.' : ': ';
  return shorten(`${source.path}${joiner}${reason}`, 201);
}

function hasConfigFields(field: Field): boolean {
  return !isMissing(child(field, MODE_KEY)) || !isMissing(child(field, FILTERS_KEY));
}

/** Runs a reader; a FieldError becomes `malformed`, prefixed with what was being read. */
function attempt(label: string, read: () => NormalizeResult): NormalizeResult {
  try {
    return read();
  } catch (error) {
    if (error instanceof FieldError) return malformed(`${label}: ${error.message}`);
    throw error;
  }
}

function events(found: readonly DomainEvent[]): NormalizeResult {
  return { kind: 'events', events: found };
}

function skipped(reason: string): NormalizeResult {
  return { kind: 'skipped', reason };
}

function malformed(reason: string): NormalizeResult {
  return { kind: 'malformed', reason };
}
