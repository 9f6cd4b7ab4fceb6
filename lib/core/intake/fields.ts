/**
 * Defensive readers for untrusted event JSON. Every read goes through own properties only, so
 * keys such as `__proto__` or `constructor` in the input are plain data and inherited members of
 * `Object.prototype` are never mistaken for event fields. A read that fails throws
 * {@link FieldError} naming the field by its path in the raw input (`detail.image-digest`).
 *
 * @module
 */
import { ARN_MAX_LENGTH, isArn } from '../model/arn.ts';
import { isRecord, typeName } from '../model/json.ts';
import {
  isRepositoryName,
  REPOSITORY_NAME_MAX_LENGTH,
  REPOSITORY_NAME_PATTERN,
} from '../model/repository-name.ts';
import { quote } from '../model/text.ts';
import { isIsoTime } from '../model/time.ts';
import { isValidTag, TAG_MAX_LENGTH, TAG_PATTERN } from '../semantics/tags.ts';

/** A value taken from a raw event, with the path that names it in reasons. */
export interface Field {
  readonly value: unknown;
  /** Dotted path in the raw input, e.g. `detail.responseElements.imageIds[2].imageTag`. */
  readonly path: string;
}

/**
 * A field is missing, has the wrong type or an invalid value. Thrown by the readers and caught
 * where an event is normalized: the first bad field ends the reading of that event, which keeps
 * each mapping a straight line of reads instead of a ladder of result checks.
 */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

/** What a string field must look like. */
export interface TextRule {
  /** Used in reasons: `detail.image-tag is not <what>`. */
  readonly what: string;
  /** Checked before `test`, so that a megabyte string never reaches a regular expression. */
  readonly maxLength: number;
  readonly test: (value: string) => boolean;
}

/** The own property `key` of `value`, or undefined; never an inherited member. */
export function own(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The root of a raw value; `path` prefixes every field read below it. */
export function root(value: unknown, path = ''): Field {
  return { value, path };
}

/** The field `key` (an object key or an array index) below `parent`. */
export function child(parent: Field, key: string | number): Field {
  if (typeof key === 'number') {
    const items = Array.isArray(parent.value) ? parent.value : [];
    return { value: items[key], path: `${parent.path}[${key}]` };
  }
  return {
    value: own(parent.value, key),
    path: parent.path === '' ? key : `${parent.path}.${key}`,
  };
}

/** True when a field is absent or JSON null: AWS writes `null` for fields it has no value for. */
export function isMissing(field: Field): boolean {
  return field.value === undefined || field.value === null;
}

/**
 * The first field that is present, else the first one, so that a reason names the preferred
 * source. A present field of the wrong type is returned too: it must not fall through to the
 * next source, because a wrong type means the event is malformed.
 */
export function firstPresent(first: Field, ...rest: readonly Field[]): Field {
  return [first, ...rest].find((field) => !isMissing(field)) ?? first;
}

/** A required string field that satisfies `rule`. */
export function text(field: Field, rule: TextRule): string {
  if (isMissing(field)) throw new FieldError(`${field.path} is missing`);
  return checkText(field, rule);
}

/** An optional string field: null when missing, else it must satisfy `rule`. */
export function optionalText(field: Field, rule: TextRule): string | null {
  return isMissing(field) ? null : checkText(field, rule);
}

/** A required JSON object field. */
export function object(field: Field): Field {
  if (isMissing(field)) throw new FieldError(`${field.path} is missing`);
  if (!isRecord(field.value)) {
    throw new FieldError(`${field.path} is not an object (got ${typeName(field.value)})`);
  }
  return field;
}

/** A required JSON array field. */
export function list(field: Field): readonly Field[] {
  if (isMissing(field)) throw new FieldError(`${field.path} is missing`);
  if (!Array.isArray(field.value)) {
    throw new FieldError(`${field.path} is not a list (got ${typeName(field.value)})`);
  }
  return field.value.map((_, index) => child(field, index));
}

function checkText(field: Field, rule: TextRule): string {
  const { value, path } = field;
  if (typeof value !== 'string') {
    throw new FieldError(`${path} is not a string (got ${typeName(value)})`);
  }
  if (value.length > rule.maxLength || !rule.test(value)) {
    throw new FieldError(`${path} is not ${rule.what}: ${quote(value)}`);
  }
  return value;
}

function matching(what: string, maxLength: number, pattern: RegExp): TextRule {
  return { what, maxLength, test: (value) => pattern.test(value) };
}

/** A {@link matching} rule that remembers the last value it accepted (for values that repeat). */
function matchingRepeated(what: string, maxLength: number, pattern: RegExp): TextRule {
  let last: string | undefined;
  return {
    what,
    maxLength,
    test: (value) => {
      if (value === last) return true;
      if (!pattern.test(value)) return false;
      last = value;
      return true;
    },
  };
}

/** A rule whose test is a function (an equivalent of `pattern`, kept for reference and tests). */
function checking(
  what: string,
  maxLength: number,
  test: (value: string) => boolean,
  pattern: RegExp,
): TextRule & { readonly pattern: RegExp } {
  return { what, maxLength, test, pattern };
}

/** OCI distribution spec tag grammar, as the tag universe defines it (docs/semantics.md). */
export const TAG = checking('a valid image tag', TAG_MAX_LENGTH, isValidTag, TAG_PATTERN);

/** OCI digest grammar `algorithm:encoded`; 256 leaves room for long algorithm names. */
// Regular expressions where they are as fast as a loop over the characters (measured).
export const DIGEST = matching(
  'a valid image digest',
  256,
  /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/,
);

/** ECR's `repositoryName` pattern and maximum length (lib/core/model/repository-name.ts). */
export const REPOSITORY = checking(
  'a valid repository name',
  REPOSITORY_NAME_MAX_LENGTH,
  isRepositoryName,
  REPOSITORY_NAME_PATTERN,
);

/** ECR's repository creation template `prefix` pattern (service model), `ROOT` included. */
export const TEMPLATE_PREFIX = matching(
  'a valid repository creation template prefix',
  256,
  /^(?:[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$/,
);

/** AWS account ids are twelve digits. */
export const ACCOUNT = matchingRepeated('a valid AWS account id', 12, /^\d{12}$/);

/** AWS region names such as `us-east-2`, `us-gov-west-1`, `eu-isoe-west-1`. */
export const REGION = matchingRepeated('a valid AWS region', 32, /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/);

/**
 * ISO-8601 date-time with seconds and a zone, as EventBridge and CloudTrail write it
 * ({@link isIsoTime}).
 */
export const TIME: TextRule = { what: 'an ISO-8601 time', maxLength: 40, test: isIsoTime };

/**
 * Event ids are UUIDs: EventBridge gives every event a version-4 UUID as its `id` ("Amazon
 * EventBridge event structure reference"), CloudTrail every record a GUID as its `eventID`
 * ("CloudTrail record contents"). Informational ({@link informationalText}): any other value is
 * dropped.
 */
export const EVENT_ID = matching(
  'a UUID',
  36,
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
);

/**
 * `userIdentity.arn`: an ARN by the project's one ARN grammar (lib/core/model/arn.ts).
 * Informational ({@link informationalText}): any other value is dropped.
 */
export const ACTOR_ARN: TextRule = { what: 'an ARN', maxLength: ARN_MAX_LENGTH, test: isArn };

/**
 * An informational field (the actor, the event id): null when missing; a string that satisfies
 * `rule` as it is; a string of another form dropped to null. Such a field only describes the
 * event, so a bad value must not cost the audit of the event (malformed, it would be lost); nor
 * may it reach logs, findings or alerts, where `<!channel>` or an invisible character would be
 * shown. A value of another type than string makes the event malformed, as for every field.
 *
 * @example
 * ```ts
 * informationalText(root('arn:aws:iam::123456789012:user/dev'), ACTOR_ARN); // the ARN
 * informationalText(root('<!channel>'), ACTOR_ARN); // null
 * ```
 */
export function informationalText(field: Field, rule: TextRule): string | null {
  if (isMissing(field)) return null;
  const { value, path } = field;
  if (typeof value !== 'string') {
    throw new FieldError(`${path} is not a string (got ${typeName(value)})`);
  }
  return value.length <= rule.maxLength && rule.test(value) ? value : null;
}

/** Any string: for discriminators (`eventName`, `errorCode`, `action-type`) that are only compared. */
export const ANY_TEXT: TextRule = {
  what: 'a string',
  maxLength: Number.POSITIVE_INFINITY,
  test: () => true,
};
