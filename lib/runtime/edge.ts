/**
 * The envelope check at the Lambda edge: only EventBridge events that ECR emits (or that
 * CloudTrail records for ECR) get past it. What counts as ECR's is the intake's catalogue
 * (lib/core/intake/catalogue.ts), and the deep validation of each field is the intake's
 * (lib/core/intake/normalize.ts); this keeps anything else — another source, another
 * detail-type, another service's API call — from reaching the engine, whatever routed it here.
 *
 * @module
 */
import * as v from 'valibot';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  ECR_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
} from '../core/intake/catalogue.ts';
import { isRecord, typeName } from '../core/model/json.ts';
import { quote } from '../core/model/text.ts';

const ImageAction = v.object({
  source: v.literal(ECR_SOURCE),
  'detail-type': v.literal(IMAGE_ACTION_DETAIL_TYPE),
  detail: v.object({}),
});

const ApiCall = v.object({
  source: v.literal(ECR_SOURCE),
  'detail-type': v.literal(CLOUDTRAIL_DETAIL_TYPE),
  detail: v.object({ eventSource: v.literal(ECR_EVENT_SOURCE) }),
});

/** The schema of an event an ECR handler accepts. */
const EcrEventEnvelope = v.union([ImageAction, ApiCall]);

/**
 * Null when `raw` is an ECR EventBridge event; otherwise why it is not, naming what it is (its
 * `source`, `detail-type` and, for an API call, `eventSource`), so that a misrouted event can be
 * traced to its rule.
 */
export function rejectNonEcrEvent(raw: unknown): string | null {
  if (v.is(EcrEventEnvelope, raw)) return null;
  if (!isRecord(raw)) {
    return `not an ECR EventBridge event: not a JSON object (got ${typeName(raw)})`;
  }
  const detail = raw.detail;
  const parts = [`source ${quote(raw.source)}`, `detail-type ${quote(raw['detail-type'])}`];
  if (!isRecord(detail)) {
    parts.push(`detail ${typeName(detail)}`);
  } else if (raw['detail-type'] === CLOUDTRAIL_DETAIL_TYPE) {
    parts.push(`eventSource ${quote(detail.eventSource)}`);
  }
  return `not an ECR EventBridge event (${parts.join(', ')})`;
}
