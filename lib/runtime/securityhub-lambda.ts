/**
 * The handler of `securityhub-import` (docs/securityhub.md): composed once per container — the
 * settings, the STS client of the function's region and the importer, which keeps one Security
 * Hub client per account and region — then one finding event per invocation.
 *
 * @module
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createStsClient } from '../aws/clients.ts';
import { createSecurityHubClient } from '../aws/securityhub-client.ts';
import { createSecurityHubImporter, type SecurityHubImporter } from '../aws/securityhub-import.ts';
import { parseArn } from '../core/model/arn.ts';
import { createTelemetry } from './lambda.ts';
import { importFindingEvent, readSecurityHubSettings } from './securityhub-import.ts';

const LOGGER_OPTIONS = { logEvent: false, resetKeys: true } as const;

/**
 * `securityhub-import`: imports the finding of each event into Security Hub.
 *
 * @example
 * ```ts
 * export const handler = createSecurityHubImportHandler('securityhub-import');
 * ```
 */
export function createSecurityHubImportHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const settings = readSecurityHubSettings(process.env);
  const sts = createStsClient(settings.region);
  let importer: SecurityHubImporter | undefined;
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown, context: Context) => {
      // The function's account is in its ARN: no call needed to learn it.
      const ownAccount = parseArn(context.invokedFunctionArn)?.account ?? '';
      importer ??= createSecurityHubImporter({
        ownAccount,
        ownRegion: settings.region,
        importRoleName: settings.importRoleName,
        securityHub: createSecurityHubClient,
        sts,
      });
      await importFindingEvent(event, {
        importer,
        ownAccount,
        log: telemetry.log,
        metrics: telemetry.metrics,
      });
    });
}
