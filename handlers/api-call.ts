/**
 * Lambda for `AWS API Call via CloudTrail` events of ECR: configuration changes of repositories
 * and creation templates, refused overwrites, deletes, and pushes with their actor — and, where a
 * policy rule says `remediate: true`, the restore of a repository loosened in this account and
 * region (docs/remediation.md#automatic). Composition and middlewares: lib/runtime/lambda.ts.
 */
import { createAuditHandler } from '../lib/runtime/lambda.ts';

export const handler = createAuditHandler('api-call', { remediate: true });
