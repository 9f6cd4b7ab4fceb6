/**
 * Lambda run on a schedule: the compliance scan of every repository and creation template, the
 * ledger reconciled with ListImages, one alert per new finding and one summary per run.
 * Composition and middlewares: lib/runtime/lambda.ts.
 */
import { createScanHandler } from '../lib/runtime/lambda.ts';

export const handler = createScanHandler('scheduled-scan');
