/**
 * What every handler does once per container: settings, clients, Powertools telemetry, and the
 * policy, loaded once and failing loudly (an error log and a metric on every invocation) when it
 * cannot be loaded — never passing events as compliant.
 *
 * @module
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { renderScanSummary } from '../alerts/summary.ts';
import { publishAlerts, publishMessage } from '../aws/alerts.ts';
import { auditEvent } from './audit-event.ts';
import { type Composition, compose } from './compose.ts';
import { runScan } from './scan.ts';
import { loadRuntimePolicy, readSettings } from './settings.ts';
import type { RuntimeLog, RuntimeMetrics } from './telemetry.ts';

/** Powertools telemetry of one function. */
export function createTelemetry(serviceName: string) {
  const logger = new Logger({ serviceName });
  const powertoolsMetrics = new Metrics({ namespace: 'EcrTagAuditor', serviceName });
  const metrics: RuntimeMetrics = {
    count: (name, value = 1) => powertoolsMetrics.addMetric(name, MetricUnit.Count, value),
  };
  const log: RuntimeLog = {
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  };
  return { logger, log, powertoolsMetrics, metrics };
}

/**
 * Starts composing at module scope (once per container); the handler awaits the returned
 * function. A failure is reported on every invocation and rethrown so the event is retried.
 */
export function composeOnce(
  telemetry: ReturnType<typeof createTelemetry>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): () => Promise<Composition> {
  const ready = (async () => {
    const settings = readSettings(env);
    const policy = await loadRuntimePolicy(settings);
    return compose(settings, policy, {
      dynamo: new DynamoDBClient({}),
      sns: new SNSClient({}),
      log: telemetry.log,
      metrics: telemetry.metrics,
    });
  })();
  ready.catch(() => {}); // reported when a handler awaits it
  return async () => {
    try {
      return await ready;
    } catch (error) {
      telemetry.logger.error('Cannot start: configuration or policy error', {
        error: (error as Error).message,
      });
      telemetry.powertoolsMetrics.addMetric('StartupFailures', MetricUnit.Count, 1);
      throw error;
    }
  };
}

/**
 * The handler of the event functions (`image-action`, `api-call`): composes once at module scope,
 * then audits each EventBridge event with Powertools context and metrics.
 */
export function createAuditHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry);
  return middy()
    .use(injectLambdaContext(telemetry.logger))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown) => {
      await auditEvent(event, await deps());
    });
}

/** The account id of a Lambda function, from its ARN (no STS call needed). */
export function accountOf(invokedFunctionArn: string): string {
  return invokedFunctionArn.split(':')[4] ?? '';
}

/**
 * The handler of the `scheduled-scan` function: scans the registry of the function's own account
 * and region, alerts each finding once, and publishes one summary per run.
 */
export function createScanHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry);
  // Adaptive retries pace the scan to ECR's throttling instead of failing on it.
  const ecr = new ECRClient({ retryMode: 'adaptive', maxAttempts: 10 });
  return middy()
    .use(injectLambdaContext(telemetry.logger))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (_event: unknown, context: Context) => {
      const composition = await deps();
      const report = await runScan({
        ecr,
        policy: composition.policy,
        auditor: composition.auditor,
        ledger: composition.ledger,
        account: accountOf(context.invokedFunctionArn),
        region: await ecr.config.region(),
        log: telemetry.log,
        metrics: telemetry.metrics,
      });
      const alerts = await publishAlerts(report.findings, composition.alerts);
      for (const [index, message] of renderScanSummary(report).entries()) {
        await publishMessage(message, composition.alerts, `scan summary part ${index + 1}`);
      }
      telemetry.log.info('Scan finished', {
        repositories: report.repositories,
        tags: report.tags,
        findings: report.findings.length,
        failures: report.failures.length,
        alertsPublished: alerts.published,
      });
      return {
        findings: report.findings.length,
        failures: report.failures.length,
        published: alerts.published,
      };
    });
}
