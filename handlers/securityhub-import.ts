/**
 * Lambda for the auditor's finding events at or above `securityHubMinSeverity` (and every drift
 * resolution): each finding imported into AWS Security Hub as ASFF. Deployed only with that
 * parameter. Composition and middlewares: lib/runtime/securityhub-lambda.ts.
 */
import { createSecurityHubImportHandler } from '../lib/runtime/securityhub-lambda.ts';

export const handler = createSecurityHubImportHandler('securityhub-import');
