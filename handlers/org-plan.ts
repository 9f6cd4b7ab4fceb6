/**
 * Lambda of the organization scan's `Plan` state: the accounts times the regions, as the items of
 * the Distributed Map. Composition and middlewares: lib/runtime/org-lambda.ts.
 */
import { createOrgPlanHandler } from '../lib/runtime/org-lambda.ts';

export const handler = createOrgPlanHandler('org-plan');
