/**
 * Lambda for `ECR Image Action` events (PUSH and DELETE): the ledger moves, overwrites are judged
 * and alerted. Composition and middlewares: lib/runtime/lambda.ts.
 */
import { createAuditHandler } from '../lib/runtime/lambda.ts';

export const handler = createAuditHandler('image-action');
