/**
 * Lambda of the organization scan's item: one account in one region scanned through its scan
 * role into the central ledger, alerts delivered, a compact result returned. Composition and
 * middlewares: lib/runtime/org-lambda.ts.
 */
import { createOrgItemHandler } from '../lib/runtime/org-lambda.ts';

export const handler = createOrgItemHandler('org-item');
