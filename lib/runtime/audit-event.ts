/**
 * One EventBridge event through the auditor and out to SNS: what the `image-action` and
 * `api-call` handlers do. An event that cannot be an ECR event is logged and dropped with a
 * metric, never retried; a failure to store or alert throws, so that Lambda retries the event.
 *
 * @module
 */
import { type AlertDeps, publishAlerts } from '../aws/alerts.ts';
import type { Auditor } from '../engine/auditor.ts';
import { normalizeEvent } from '../events/normalize.ts';
import type { Finding } from '../findings.ts';
import { rejectNonEcrEvent } from './edge.ts';
import type { RuntimeLog, RuntimeMetrics } from './telemetry.ts';

/** The side effects of {@link auditEvent}, built once per Lambda container. */
export interface AuditDeps {
  readonly auditor: Auditor;
  readonly alerts: AlertDeps;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
}

/** What became of one event. */
export type AuditOutcome =
  | { readonly status: 'malformed' | 'skipped'; readonly reason: string }
  | {
      readonly status: 'audited';
      readonly findings: readonly Finding[];
      readonly published: number;
    };

function eventId(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
}

/** Audits one raw EventBridge event. */
export async function auditEvent(raw: unknown, deps: AuditDeps): Promise<AuditOutcome> {
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
  const findings: Finding[] = [];
  for (const event of result.events) findings.push(...(await deps.auditor.apply(event)));
  metrics.count('EventsAudited');
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
  const alerts = await publishAlerts(findings, deps.alerts);
  if (alerts.published > 0) metrics.count('AlertsPublished', alerts.published);
  if (alerts.duplicates > 0) metrics.count('AlertsDuplicate', alerts.duplicates);
  return { status: 'audited', findings, published: alerts.published };
}
