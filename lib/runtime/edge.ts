/**
 * The envelope check at the Lambda edge: only EventBridge events that ECR emits (or that
 * CloudTrail records for ECR) get past it. The deep validation of each field is the intake's
 * (lib/events/normalize.ts); this keeps anything else — another source, another detail-type,
 * another service's API call — from reaching the engine, whatever routed it here.
 *
 * @module
 */
import * as v from 'valibot';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
} from '../events/normalize.ts';

const ImageAction = v.object({
  source: v.literal('aws.ecr'),
  'detail-type': v.literal(IMAGE_ACTION_DETAIL_TYPE),
  detail: v.object({}),
});

const ApiCall = v.object({
  source: v.literal('aws.ecr'),
  'detail-type': v.literal(CLOUDTRAIL_DETAIL_TYPE),
  detail: v.object({ eventSource: v.literal(ECR_EVENT_SOURCE) }),
});

/** The schema of an event an ECR handler accepts. */
export const EcrEventEnvelope = v.union([ImageAction, ApiCall]);

/** Null when `raw` is an ECR EventBridge event; otherwise why it is not. */
export function rejectNonEcrEvent(raw: unknown): string | null {
  const result = v.safeParse(EcrEventEnvelope, raw);
  if (result.success) return null;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return `not an ECR EventBridge event${path ? ` (${path}: ${issue.message})` : `: ${issue.message}`}`;
}
