/**
 * The handlers of the organization scan's three functions (`org-plan`, `org-item`,
 * `org-summary`), which the state machine invokes (infra/org-scan-state-machine.ts): each composes
 * once per container, as the other handlers do (lib/runtime/lambda.ts), and runs one state.
 *
 * @module
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { composeOnce, createTelemetry, SCAN_PUBLISH_MARGIN_MS } from './lambda.ts';
import { orgItem } from './org-item.ts';
import { orgPlan } from './org-plan.ts';
import { readOrgScanBucket, readOrgSettings } from './org-settings.ts';
import { orgSummary } from './org-summary.ts';
import {
  accountLister,
  memberRegistryFactory,
  planItems,
  planWriter,
  resultReader,
} from './org-wiring.ts';

const LOGGER_OPTIONS = { logEvent: false, resetKeys: true } as const;

/** `org-plan`: the accounts (static or the organization's) times the regions, written to the bucket. */
export function createOrgPlanHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown) => {
      const bucket = readOrgScanBucket(process.env);
      return orgPlan(
        readOrgSettings(process.env),
        { bucket, listAccounts: accountLister(), plan: planItems, write: planWriter(bucket) },
        event,
      );
    });
}

/**
 * `org-item`: one account-region, within the invocation's time (less the margin the scheduled
 * scan keeps for publishing); the next run continues where it stopped.
 */
export function createOrgItemHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry);
  const registryFor = memberRegistryFactory(readOrgSettings(process.env));
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown, context: Context) => {
      const deadline = new Date(
        Date.now() + context.getRemainingTimeInMillis() - SCAN_PUBLISH_MARGIN_MS,
      );
      return orgItem(await deps(), registryFor, event, deadline);
    });
}

/** `org-summary`: one summary alert for the organization, from the Map run's results in the bucket. */
export function createOrgSummaryHandler(serviceName: string) {
  const telemetry = createTelemetry(serviceName);
  const deps = composeOnce(telemetry);
  const readResults = resultReader();
  return middy()
    .use(injectLambdaContext(telemetry.logger, LOGGER_OPTIONS))
    .use(logMetrics(telemetry.powertoolsMetrics))
    .handler(async (event: unknown) => orgSummary(await deps(), readResults, event));
}
