/**
 * One EventBridge event through the auditor and out to the event bus and SNS: what the
 * `image-action` and `api-call` handlers do. An event that cannot be an ECR event is logged and
 * dropped with a metric, never retried; a failure to store or deliver throws, so that Lambda
 * retries the event.
 *
 * @module
 */
import { AlertDeliveryError } from '../aws/alert-error.ts';
import { type AlertDeps, type AlertResult, publishAlerts } from '../aws/alerts.ts';
import { type LedgerReads, NO_READS, type PendingScope } from '../aws/pending.ts';
import type { Auditor } from '../core/engine/auditor.ts';
import { EVENT_ID } from '../core/intake/fields.ts';
import { normalizeEvent } from '../core/intake/normalize.ts';
import { satisfies } from '../core/intake/satisfies.ts';
import { type Found, findingsOf } from '../core/model/delivery.ts';
import type { Finding } from '../core/model/findings.ts';
import type { OwnRegistry } from '../core/remediation/automatic.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';
import {
  AutomaticRemediationError,
  type AutoRemediationDeps,
  remediateEvents,
} from './auto-remediate.ts';
import { rejectNonEcrEvent } from './edge.ts';

/** The side effects of {@link auditEvent}, built once per Lambda container. */
export interface AuditDeps {
  readonly auditor: Auditor;
  readonly alerts: AlertDeps;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
  /**
   * Collects what the ledger reads while the event is applied (lib/aws/pending.ts): pending
   * alerts, delivered with the event's own, and when items were written. Without it pending
   * alerts wait for the next reader.
   */
  readonly pending?: PendingScope;
  /**
   * Automatic remediation (lib/runtime/auto-remediate.ts): present only in `api-call`, and only
   * when a policy rule has `remediate: true`.
   */
  readonly remediation?: AutoRemediationDeps;
}

/** What became of one event. */
export type AuditOutcome =
  | { readonly status: 'malformed' | 'skipped'; readonly reason: string }
  | {
      readonly status: 'audited';
      readonly findings: readonly Finding[];
      readonly published: number;
    };

/** The event's id for a log line: only an id of the form EventBridge gives (a UUID), else null. */
function eventId(raw: unknown): string | null {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return satisfies(id, EVENT_ID) ? id : null;
}

/**
 * Audits one raw EventBridge event; with {@link AuditDeps.remediation} and `own` (the function's
 * account and region), restores what the event loosened where a rule says `remediate: true`.
 */
export async function auditEvent(
  raw: unknown,
  deps: AuditDeps,
  own?: OwnRegistry,
): Promise<AuditOutcome> {
  const { log, metrics } = deps;
  const rejected = rejectNonEcrEvent(raw);
  if (rejected !== null) {
    log.warn('Dropped an event that is not from ECR', { reason: rejected, eventId: eventId(raw) });
    metrics.count('EventsMalformed');
    return { status: 'malformed', reason: rejected };
  }
  const result = normalizeEvent(raw);
  if (result.kind === 'malformed') {
    log.warn('Dropped a malformed event', { reason: result.reason, eventId: eventId(raw) });
    metrics.count('EventsMalformed');
    return { status: 'malformed', reason: result.reason };
  }
  if (result.kind === 'skipped') {
    metrics.count('EventsSkipped');
    return { status: 'skipped', reason: result.reason };
  }
  const apply = async () => {
    const found: Found[] = [];
    for (const event of result.events) found.push(...(await deps.auditor.apply(event)));
    return found;
  };
  const { value: applied, reads } = deps.pending
    ? await deps.pending.run(apply)
    : { value: await apply(), reads: NO_READS };
  // Restores go out with the event's findings; a failed one fails the invocation once they are out.
  const { found, failures } =
    deps.remediation && own
      ? await remediateEvents(result.events, applied, own, deps.remediation)
      : { found: applied, failures: [] };
  metrics.count('EventsAudited');
  const findings = findingsOf(found);
  if (findings.length > 0) {
    metrics.count('Findings', findings.length);
    metrics.count('HighFindings', findings.filter((f) => f.severity === 'HIGH').length);
  }
  for (const f of findings)
    log.info('Finding', {
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      repository: f.repository,
      tag: f.tag,
    });
  const alerts = await deliver(found, reads, deps);
  if (failures.length > 0) {
    throw new AutomaticRemediationError(`automatic remediation failed: ${failures.join('; ')}`);
  }
  return { status: 'audited', findings, published: alerts.published };
}

/**
 * Delivers findings and pending alerts (events on the bus, alerts to SNS) with telemetry: a
 * delivery failure is logged and counted before it is rethrown (the invocation fails and is
 * retried; what was not delivered is stored).
 */
export async function deliver(
  findings: readonly Found[],
  reads: LedgerReads,
  deps: Pick<AuditDeps, 'alerts' | 'log' | 'metrics'>,
): Promise<AlertResult> {
  const { log, metrics } = deps;
  let alerts: AlertResult;
  try {
    alerts = await publishAlerts(findings, deps.alerts, reads);
  } catch (error) {
    const deferred = error instanceof AlertDeliveryError ? error.deferred : 0;
    log.error('Alert delivery failed; the invocation fails so that it is retried', {
      error: (error as Error).message,
      deferred,
    });
    metrics.count('AlertDeliveryFailures');
    if (deferred > 0) metrics.count('AlertsDeferred', deferred);
    throw error;
  }
  if (alerts.published > 0) metrics.count('AlertsPublished', alerts.published);
  if (alerts.put > 0) metrics.count('FindingEventsPut', alerts.put);
  if (alerts.duplicates > 0) metrics.count('AlertsDuplicate', alerts.duplicates);
  if (alerts.inFlight > 0) metrics.count('AlertsInFlight', alerts.inFlight);
  if (alerts.unlogged > 0) {
    // The messages went out; failing the invocation now would only send them again.
    log.error('Alerts published but not recorded in the alert log', { count: alerts.unlogged });
    metrics.count('AlertLogFailures', alerts.unlogged);
  }
  return alerts;
}
