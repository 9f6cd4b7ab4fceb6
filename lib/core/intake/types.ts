/**
 * Domain events: what the engine consumes, normalized from EventBridge events, raw CloudTrail
 * records and CloudTrail log files. Compact on purpose: replay holds these, never the raw input,
 * while it orders events by time.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';

/** Where a domain event came from. */
export type EventOrigin = 'image-action' | 'cloudtrail';

/** Fields every domain event carries. */
export interface EventBase {
  readonly account: string;
  readonly region: string;
  /**
   * ISO-8601 time of the event (`time` for ECR Image Action, `eventTime` for CloudTrail), always
   * in the fixed-width UTC form `2019-04-15T16:45:00.000Z`, so that times compare as strings.
   */
  readonly time: string;
  /** EventBridge `id` for ECR Image Action, CloudTrail `eventID` otherwise; null when absent. */
  readonly eventId: string | null;
  /** CloudTrail `userIdentity.arn`; null when unknown (ECR Image Action carries none). */
  readonly actor: string | null;
  readonly origin: EventOrigin;
}

/** A tag (or a bare digest) was pushed successfully. */
export interface PushEvent extends EventBase {
  readonly type: 'push';
  readonly repository: string;
  /** Null for a push by digest. */
  readonly tag: string | null;
  readonly digest: string;
}

/** An image was deleted: by tag (digest may be known too) or by digest only. */
export interface DeleteEvent extends EventBase {
  readonly type: 'delete';
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** `PutImage` failed with `ImageTagAlreadyExistsException`: ECR refused to move an immutable tag. */
export interface OverwriteBlockedEvent extends EventBase {
  readonly type: 'overwrite-blocked';
  readonly repository: string;
  readonly tag: string;
  /** The digest that was refused, when the request names it. */
  readonly digest: string | null;
}

/** A repository's configuration became known (`CreateRepository`, `PutImageTagMutability`). */
export interface RepositoryConfigEvent extends EventBase {
  readonly type: 'repository-config';
  readonly repository: string;
  readonly config: MutabilityConfig;
}

/** `DeleteRepository`: forget the repository and its tags. */
export interface RepositoryDeletedEvent extends EventBase {
  readonly type: 'repository-deleted';
  readonly repository: string;
}

/** A repository creation template was created or updated. */
export interface TemplateConfigEvent extends EventBase {
  readonly type: 'template-config';
  /** The template's `prefix`; `ROOT` for the registry-wide template. */
  readonly templatePrefix: string;
  readonly config: MutabilityConfig;
}

/** A repository creation template was deleted. */
export interface TemplateDeletedEvent extends EventBase {
  readonly type: 'template-deleted';
  readonly templatePrefix: string;
}

/** Every event the engine understands. */
export type DomainEvent =
  | PushEvent
  | DeleteEvent
  | OverwriteBlockedEvent
  | RepositoryConfigEvent
  | RepositoryDeletedEvent
  | TemplateConfigEvent
  | TemplateDeletedEvent;

/**
 * Result of normalizing one raw input item: zero or more domain events (a `BatchDeleteImage`
 * yields one per image), a silent skip (not relevant; counted), or a malformed item.
 */
export type NormalizeResult =
  | { readonly kind: 'events'; readonly events: readonly DomainEvent[] }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'malformed'; readonly reason: string };
