/**
 * Event intake: reading inputs (files, directories, stdin; plain or gzipped; JSON documents or
 * NDJSON) and normalizing each item into compact domain events.
 *
 * @module
 */
export {
  AUDITED_API_CALLS,
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  IMAGE_ACTION_DETAIL_TYPE,
} from '../../core/intake/catalogue.ts';
export { normalizeEvent } from '../../core/intake/normalize.ts';
export type * from '../../core/intake/types.ts';
export { formatLocation, type IntakeItem, type ReadOptions, readInputs } from './read.ts';
