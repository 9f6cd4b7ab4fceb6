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
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { publishMessage } from '../aws/alerts.ts';
import { createFunctionClients, createScanEcrClient } from '../aws/clients.ts';
import { createEcrRegistry } from '../aws/ecr-registry.ts';
import { createEcrRemediator } from '../aws/ecr-remediator.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';
import { renderScanSummary } from '../render/summary.ts';
import { auditEvent } from './audit-event.ts';
import { type Composition, compose } from './compose.ts';
import { type ScanTarget, scanAndAlert } from './scan-run.ts';
import { loadRuntimePolicy, readSettings } from './settings.ts';

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
  options: { readonly remediate?: boolean } = {},
): () => Promise<Composition> {
  const ready = (async () => {
    const settings = readSettings(env);
    const policy = await loadRuntimePolicy(settings);
    return compose(settings, policy, {
      ...createFunctionClients(),
      log: telemetry.log,
      metrics: telemetry.metrics,
      // Built only when compose finds a rule with remediate: true.
      ...(options.remediate
        ? { remediator: () => createEcrRemediator(createScanEcrClient({ timeouts: true })) }
        : {}),
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
 * The events hold what must not be logged (CloudTrail records carry access key ids, source IPs,
 * user agents, session details and manifests): never log them, whatever
 * `POWERTOOLS_LOGGER_LOG_EVENT` says (this option wins over the variable).
 */
const LOGGER_OPTIONS = { logEvent: false, resetKeys: true } as const;

/**
 * The handler of the event functions (`image-action`, `api-call`): composes once at module scope,
 * then audits each EventBridge event with Powertools context and metrics. With `remediate`
 * (`api-call`), it restores repositories of its own account and region (the invocation's ARN,
 * `AWS_REGION`) where a policy rule says `remediate: true`.
 */
export function createAuditHandler(
  serviceName: string,
  options: { readonly remediate?: boolean } = {},
) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry, process.env, options);
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown, context: Context) => {
      const own = {
        account: accountOf(context.invokedFunctionArn),
        region: process.env.AWS_REGION ?? '',
      };
      await auditEvent(event, await deps(), own);
    });
}

/** The account id of a Lambda function, from its ARN (no STS call needed). */
function accountOf(invokedFunctionArn: string): string {
  return invokedFunctionArn.split(':')[4] ?? '';
}

/**
 * What a scheduled scan run keeps of the time Lambda gives it for what follows its last
 * repository — delivering the alerts, storing the cursor, publishing the summary — and for the
 * repositories still in flight: no repository is started later than this before the timeout.
 */
export const SCAN_PUBLISH_MARGIN_MS = 90_000;

/**
 * The handler of the `scheduled-scan` function: scans the registry of the function's own account
 * and region within the invocation's time (less {@link SCAN_PUBLISH_MARGIN_MS}), continuing where
 * the last run stopped, alerts each finding once, and publishes one summary per run.
 */
export function createScanHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry);
  const ecr = createScanEcrClient({ timeouts: true });
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (_event: unknown, context: Context) => {
      const deadline = new Date(
        Date.now() + context.getRemainingTimeInMillis() - SCAN_PUBLISH_MARGIN_MS,
      );
      const composition = await deps();
      return scheduledScan(composition, {
        registry: createEcrRegistry(ecr),
        account: accountOf(context.invokedFunctionArn),
        region: await ecr.config.region(),
        deadline,
      });
    });
}

/** What a scheduled scan run reports. */
export interface ScheduledScanResult {
  readonly findings: number;
  readonly failures: number;
  readonly published: number;
  /** Repositories listed, and those the run reached before its deadline. */
  readonly repositories: number;
  readonly covered: number;
  /** Where the next run continues; null when this one reached every repository. */
  readonly resumeAfter: string | null;
}

/**
 * One run of the `scheduled-scan` function: the scan from where the last run stopped, its alerts
 * and cursor ({@link scanAndAlert}), then the summary. A failure to alert fails the run (Lambda
 * retries it; what was not delivered is stored as pending).
 */
export async function scheduledScan(
  composition: Composition,
  target: ScanTarget,
): Promise<ScheduledScanResult> {
  const { log } = composition;
  const { report, alerts } = await scanAndAlert(composition, target);
  for (const [index, message] of renderScanSummary(report).entries()) {
    await publishMessage(message, composition.alerts, `scan summary part ${index + 1}`);
  }
  log.info('Scan finished', {
    repositories: report.repositories,
    covered: report.covered,
    resumeAfter: report.resumeAfter,
    tags: report.tags,
    findings: report.findings.length,
    failures: report.failures.length,
    alertsPublished: alerts.published,
  });
  return {
    findings: report.findings.length,
    failures: report.failures.length,
    published: alerts.published,
    repositories: report.repositories,
    covered: report.covered,
    resumeAfter: report.resumeAfter,
  };
}
