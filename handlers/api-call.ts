/**
 * Lambda for `AWS API Call via CloudTrail` events of ECR: configuration changes of repositories
 * and creation templates, refused overwrites, deletes, and pushes with their actor.
 * Composition and middlewares: lib/runtime/lambda.ts.
 */
import { createAuditHandler } from '../lib/runtime/lambda.ts';

export const handler = createAuditHandler('api-call');
