/**
 * The logging and metrics the runtime needs, as small interfaces: the handlers pass Powertools'
 * Logger and Metrics, the CLI and the tests pass their own.
 *
 * @module
 */

/** Structured logging. Never pass raw events: they hold manifests and credentials' key ids. */
export interface RuntimeLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counting metrics (CloudWatch EMF in Lambda). */
export interface RuntimeMetrics {
  count(name: MetricName, value?: number): void;
}

/** Every metric the runtime emits. */
export type MetricName =
  | 'EventsAudited'
  | 'EventsSkipped'
  | 'EventsMalformed'
  | 'Findings'
  | 'HighFindings'
  | 'AlertsPublished'
  | 'FindingEventsPut'
  | 'AlertsDuplicate'
  | 'AlertsInFlight'
  | 'AlertsDeferred'
  | 'AlertDeliveryFailures'
  | 'AlertLogFailures'
  | 'ScanRepositories'
  | 'ScanRepositoriesRemaining'
  | 'ScanIncomplete'
  | 'ScanRepositoryFailures'
  | 'ScanTags'
  | 'SecurityHubImported'
  | 'SecurityHubImportFailures'
  | 'Remediations'
  | 'RemediationsLimited'
  | 'RemediationFailures';

/** Telemetry that discards everything. */
export const SILENT: { log: RuntimeLog; metrics: RuntimeMetrics } = {
  log: { info() {}, warn() {}, error() {} },
  metrics: { count() {} },
};
