/**
 * Lambda of the organization scan's `Summarize` state: one summary alert for the organization.
 * Composition and middlewares: lib/runtime/org-lambda.ts.
 */
import { createOrgSummaryHandler } from '../lib/runtime/org-lambda.ts';

export const handler = createOrgSummaryHandler('org-summary');
