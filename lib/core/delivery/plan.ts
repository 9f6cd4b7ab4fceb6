/**
 * The alert protocol as a plan (docs/delivery.md): from the findings with their delivery
 * decisions, the pending alerts the ledger held, and what the alert log answers, what becomes of
 * each alert — delivered, skipped as sent, left to the invocation sending it, kept as pending.
 * Pure: lib/aws/alerts.ts carries it out one small AWS step at a time.
 *
 * An "alert" is every finding, whatever its severity: delivering it puts its event on the bus
 * (docs/eventbridge.md) and, when it is at or above the threshold, publishes it to the alerts
 * topic ({@link QueuedAlert.toTopic}). "Publish" in the names below means that delivery.
 *
 * @module
 */
import type { Delivery, Found } from '../model/delivery.ts';
import { type Finding, isAtLeast, type Severity } from '../model/findings.ts';

/**
 * How long a claim keeps others from sending the same alert. Longer than an invocation can run
 * (the functions time out after 30 s), shorter than Lambda waits before its first retry (1 min):
 * a claim of an invocation that died never blocks the retry of its event. Also how long a
 * redelivery leaves an alert to the invocation whose ledger write made it.
 */
export const ALERT_LEASE_MS = 45_000;

/** One alert to deliver. */
export interface QueuedAlert {
  readonly finding: Finding;
  /** Its delivery decision; null for a pending alert that only the ledger held. */
  readonly delivery: Delivery | null;
  /** Stored as pending on its ledger item (by an earlier run): removed once delivered. */
  readonly stored: boolean;
  /** At or above the threshold: published to the alerts topic as well as put on the bus. */
  readonly toTopic: boolean;
}

/** The alerts of one run, in order, and how many of them are below the threshold. */
export interface AlertQueue {
  readonly alerts: readonly QueuedAlert[];
  /** Alerts for the bus only: below the threshold, not published to the topic. */
  readonly belowThreshold: number;
}

/**
 * The alerts of one run: each finding, once per id (the first copy's decision counts), then each
 * pending alert the ledger held that no finding repeats. Every one is put on the bus; those at or
 * above `minSeverity` are published to the topic too (`toTopic`) — a pending alert by the same
 * rule, since it is stored whatever its severity (its delivery to the bus may be what failed).
 *
 * @example
 * ```ts
 * const { alerts } = queueAlerts([{ finding, delivery: 'fresh' }], [], 'LOW');
 * alerts[0]; // { finding, delivery: 'fresh', stored: false, toTopic: true } when finding is LOW or above
 * ```
 */
export function queueAlerts(
  found: readonly Found[],
  pending: readonly Finding[],
  minSeverity: Severity,
): AlertQueue {
  const stored = new Set(pending.map((f) => f.id));
  const alerts: QueuedAlert[] = [];
  const queued = new Set<string>();
  const queue = (finding: Finding, delivery: Delivery | null) => {
    if (queued.has(finding.id)) return;
    queued.add(finding.id);
    const toTopic = isAtLeast(finding.severity, minSeverity);
    alerts.push({ finding, delivery, stored: stored.has(finding.id), toTopic });
  };
  for (const { finding, delivery } of found) queue(finding, delivery);
  for (const finding of pending) queue(finding, null);
  return { alerts, belowThreshold: alerts.filter((a) => !a.toTopic).length };
}

/**
 * How an alert starts: `publish` it at once, `claim` it in the alert log first, or only `look`
 * at the log, leaving the alert to the invocation that made it.
 */
export type Route = 'publish' | 'claim' | 'look';

/** What the ledger told about the item of an alert's finding, at the instant `now` (epoch ms). */
export interface ItemFacts {
  readonly now: number;
  /**
   * When (epoch ms) another invocation last wrote the item, as read during this run; undefined
   * when unknown or when this invocation wrote it last.
   */
  readonly writtenAt: number | undefined;
}

/**
 * How an alert starts. A `fresh` finding comes from a ledger write only this invocation made:
 * published at once. A `redelivered` one whose item another invocation wrote within the lease is
 * that invocation's to send (it sends it, or stores it as pending when it fails; Lambda retries
 * it when it dies): looked up only. Anything else — redelivered later, recurring, or stored
 * as pending — may have been sent, or be being sent: claimed first.
 *
 * @example
 * ```ts
 * routeAlert({ finding, delivery: 'fresh', stored: false }, { now, writtenAt: undefined }); // 'publish'
 * routeAlert({ finding, delivery: 'redelivered', stored: false }, { now, writtenAt: now - 1000 }); // 'look'
 * ```
 */
export function routeAlert(alert: QueuedAlert, item: ItemFacts): Route {
  if (alert.stored) return 'claim';
  switch (alert.delivery) {
    case 'fresh':
      return 'publish';
    case 'redelivered':
      return item.writtenAt !== undefined && item.now - item.writtenAt < ALERT_LEASE_MS
        ? 'look'
        : 'claim';
    default:
      return 'claim';
  }
}

/** What the alert log answered a claim: this invocation's now, sent already, or held by another. */
export type ClaimAnswer = 'claimed' | 'sent' | 'held';

/**
 * What becomes of the alert's pending copy on its ledger item: removed (it is delivered), stored
 * (someone else holds the alert; should they fail without storing it, the next reader delivers
 * it), or left as it is.
 */
export type PendingStep = 'clear' | 'store' | 'keep';

/** Where one alert ends, once the alert log has answered (or was not asked). */
export type Settlement =
  | { readonly publish: true; readonly pending: PendingStep }
  | {
      readonly publish: false;
      /** Counted as: sent already (`duplicate`), or being sent by another invocation. */
      readonly as: 'duplicate' | 'inFlight';
      readonly pending: PendingStep;
    };

const delivered = (alert: QueuedAlert): PendingStep => (alert.stored ? 'clear' : 'keep');

/**
 * Where an alert routed to `publish` ends: published, then its pending copy removed, if any.
 *
 * @example
 * ```ts
 * published({ finding, delivery: 'fresh', stored: false }); // { publish: true, pending: 'keep' }
 * ```
 */
export function published(alert: QueuedAlert): Settlement {
  return { publish: true, pending: delivered(alert) };
}

/**
 * Where an alert ends once the alert log answered its claim: published when claimed; skipped as
 * a duplicate when sent already (its pending copy, delivered, removed); skipped as in flight when
 * another invocation holds the claim — stored as pending unless it is already, so that it is not
 * lost should that invocation fail without storing it.
 *
 * @example
 * ```ts
 * afterClaim({ finding, delivery: 'recurring', stored: false }, 'held');
 * // { publish: false, as: 'inFlight', pending: 'store' }
 * ```
 */
export function afterClaim(alert: QueuedAlert, answer: ClaimAnswer): Settlement {
  switch (answer) {
    case 'claimed':
      return published(alert);
    case 'sent':
      return { publish: false, as: 'duplicate', pending: delivered(alert) };
    case 'held':
      return { publish: false, as: 'inFlight', pending: alert.stored ? 'keep' : 'store' };
  }
}

/**
 * Where an alert routed to `look` ends: a duplicate when the log says sent, else in flight —
 * never published or stored here: the invocation that made it does either.
 *
 * @example
 * ```ts
 * afterLook(true); // { publish: false, as: 'duplicate', pending: 'keep' }
 * ```
 */
export function afterLook(sent: boolean): Settlement {
  return { publish: false, as: sent ? 'duplicate' : 'inFlight', pending: 'keep' };
}

/**
 * What to store as pending when a step failed at `alerts[0]` (SNS, the alert log): that alert and
 * every later one not stored already — the invocation then fails, and a later reader of their
 * items delivers them.
 *
 * @example
 * ```ts
 * toDefer([{ finding, delivery: 'fresh', stored: false }]); // [finding]
 * ```
 */
export function toDefer(alerts: readonly QueuedAlert[]): Finding[] {
  return alerts.filter((a) => !a.stored).map((a) => a.finding);
}
