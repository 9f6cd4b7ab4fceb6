/**
 * The catalogue of what the auditor reads, defined once (docs/intake.md): which EventBridge
 * events are ECR's, and which of ECR's CloudTrail calls are audited. The intake maps exactly
 * these, the EventBridge patterns
 * (event-patterns.ts) route exactly these, and the Lambda
 * edge check (lib/runtime/edge.ts) admits exactly these, all by importing this module.
 *
 * Plain values only, no imports: infra/ bundles it for a platform without Node.js builtins.
 *
 * @module
 */

/**
 * EventBridge `source` of every event ECR emits, its CloudTrail calls included.
 *
 * @example
 * ```ts
 * event.source === ECR_SOURCE; // an event from ECR (or a custom bus that claims to be)
 * ```
 */
export const ECR_SOURCE = 'aws.ecr';

/**
 * EventBridge `detail-type` of ECR's own push/delete notifications.
 *
 * @example
 * ```ts
 * event['detail-type'] === IMAGE_ACTION_DETAIL_TYPE; // 'ECR Image Action'
 * ```
 */
export const IMAGE_ACTION_DETAIL_TYPE = 'ECR Image Action';

/**
 * EventBridge `detail-type` of a CloudTrail record forwarded by EventBridge.
 *
 * @example
 * ```ts
 * event['detail-type'] === CLOUDTRAIL_DETAIL_TYPE; // 'AWS API Call via CloudTrail'
 * ```
 */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * `eventSource` of ECR's CloudTrail records.
 *
 * @example
 * ```ts
 * record.eventSource === ECR_EVENT_SOURCE; // 'ecr.amazonaws.com'
 * ```
 */
export const ECR_EVENT_SOURCE = 'ecr.amazonaws.com';

/**
 * The `action-type`s of an ECR Image Action that change tags. Others (such as a future
 * `PULL`) are skipped.
 *
 * @example
 * ```ts
 * IMAGE_ACTION_TYPES.includes(detail['action-type']);
 * ```
 */
export const IMAGE_ACTION_TYPES = ['PUSH', 'DELETE'] as const;

/**
 * One audited `action-type` of an ECR Image Action.
 *
 * @example
 * ```ts
 * const action: ImageActionType = 'PUSH';
 * ```
 */
export type ImageActionType = (typeof IMAGE_ACTION_TYPES)[number];

/**
 * The only ECR Image Action `result` that is audited. A `FAILURE` changed nothing; a refused
 * overwrite is seen through CloudTrail (`PutImage` with `errorCode`) instead.
 *
 * @example
 * ```ts
 * detail.result === IMAGE_ACTION_SUCCESS; // 'SUCCESS'
 * ```
 */
export const IMAGE_ACTION_SUCCESS = 'SUCCESS';

/**
 * The ECR CloudTrail `eventName`s that change tags or tag-mutability settings: the audited
 * calls. Every other call (the read-only `Describe*`, `List*`, `BatchGetImage`, and writes that
 * touch neither tags nor mutability) is skipped by the intake and not routed by EventBridge.
 *
 * @example
 * ```ts
 * AUDITED_API_CALLS.includes('PutImage'); // true
 * ```
 */
export const AUDITED_API_CALLS = [
  'PutImage',
  'BatchDeleteImage',
  'CreateRepository',
  'DeleteRepository',
  'PutImageTagMutability',
  'CreateRepositoryCreationTemplate',
  'UpdateRepositoryCreationTemplate',
  'DeleteRepositoryCreationTemplate',
] as const;

/**
 * One audited CloudTrail `eventName`.
 *
 * @example
 * ```ts
 * const call: AuditedApiCall = 'PutImageTagMutability';
 * ```
 */
export type AuditedApiCall = (typeof AUDITED_API_CALLS)[number];
