/**
 * Delivers findings, once each: every finding as an event on the auditor's bus (PutEvents,
 * lib/aws/finding-events.ts), and those at or above the threshold as an alert to SNS too —
 * although EventBridge delivers at least once, Lambda retries, one push arrives through both ECR
 * and CloudTrail, and several invocations may hold the same finding at once.
 *
 * - A finding made by a ledger write that applied (a move, a configuration change: exactly one
 *   invocation makes it) is put on the bus, published, then logged in the ledger table
 *   (`ALERT#<id>`, expiring): the ledger write, PutEvents, Publish, the log — nothing more on the
 *   common path.
 * - A finding that may have been made before (a redelivery of its event, a refused overwrite, a
 *   late push, what a scan reports again, an alert stored as pending) is *claimed* in the log
 *   first — a conditional write with a short lease — so that no two invocations send it, then
 *   delivered and marked sent. A redelivery that reads the item its event wrote moments ago leaves
 *   the alert to the invocation that wrote it.
 * - An alert that cannot be delivered is stored as pending on its ledger item (lib/aws/pending.ts)
 *   and the invocation fails; it is delivered later even when its event can no longer re-create it.
 *   When the event was put and only Publish failed, the log entry records the put (`putAt`), so
 *   that the retry publishes without putting the event again.
 *
 * The decisions are a pure plan (lib/core/delivery/plan.ts); this module carries them out, one
 * small step at a time: the alert log's (lib/aws/alert-log.ts), the outbox's (lib/aws/pending.ts),
 * PutEvents and Publish.
 *
 * One case stays ambiguous, as with any sender: SNS or EventBridge accepted a message but its
 * answer was lost (a timeout, a reset, a 500 after acceptance). The SDK's retry, or the
 * invocation's, then sends it again — at least once, never lost. Both copies carry the same
 * finding id (the `findingId` attribute, the notification `id`, the finding in its additional
 * context; the event's `detail.id`), by which subscribers de-duplicate.
 *
 * @module
 */

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  afterClaim,
  afterLook,
  type PendingStep,
  published,
  type QueuedAlert,
  queueAlerts,
  routeAlert,
  type Settlement,
  toDefer,
} from '../core/delivery/plan.ts';
import type { Found } from '../core/model/delivery.ts';
import type { Finding, Severity } from '../core/model/findings.ts';
import { type AlertMessage, renderAlert } from '../render/chat.ts';
import { AlertDeliveryError } from './alert-error.ts';
import {
  type AlertLogDeps,
  claimAlert,
  recordPut,
  recordSent,
  releaseClaim,
  wasSent,
} from './alert-log.ts';
import { type FindingEventDeps, putFindingEvent } from './finding-events.ts';
import {
  clearPending,
  homeKey,
  type LedgerReads,
  NO_READS,
  type PendingAlert,
  storePending,
} from './pending.ts';

/** What alert delivery needs. */
export interface AlertDeps extends AlertLogDeps, FindingEventDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly minSeverity: Severity;
  /** Clock in milliseconds, for leases and the log's expiry. */
  readonly now?: () => number;
}

/** Counts of one delivery run. */
export interface AlertResult {
  /** Messages published (findings of this run and pending ones). */
  published: number;
  /** Findings put on the event bus (findings of this run and pending ones). */
  put: number;
  /** Below the severity threshold: put on the bus only, not published. */
  belowThreshold: number;
  /** Already alerted (found in the alert log). */
  duplicates: number;
  /** Being sent by another invocation right now; left to it. */
  inFlight: number;
  /** Delivered, but the alert log could not be written: a later redelivery may send it again. */
  unlogged: number;
  /** Pending alerts (stored earlier) delivered or found delivered, and removed. */
  pendingCleared: number;
}

/** When another invocation last wrote the ledger item of `finding`, as read during this run. */
function writtenAt(finding: Finding, reads: LedgerReads): number | undefined {
  const key = homeKey(finding);
  return key === null ? undefined : reads.writtenAt(key);
}

/** How an alert was settled, and what this invocation holds of its delivery. */
interface Settled {
  readonly settled: Settlement;
  /** The token of the claim this invocation holds, to release should the delivery fail. */
  readonly token?: string;
  /** The event is on the bus already (the alert log says so): only Publish is left. */
  readonly put: boolean;
}

/**
 * Asks the alert log what the plan needs before the alert is delivered (nothing for a fresh
 * finding), and settles the alert: see {@link routeAlert}.
 */
async function settle(alert: QueuedAlert, deps: AlertDeps, reads: LedgerReads): Promise<Settled> {
  const clock = deps.now ?? Date.now;
  const route = routeAlert(alert, { now: clock(), writtenAt: writtenAt(alert.finding, reads) });
  if (route === 'publish') return { settled: published(alert), put: false };
  if (route === 'look') {
    return { settled: afterLook(await wasSent(alert.finding, deps, clock())), put: false };
  }
  const claim = await claimAlert(alert.finding, deps, clock());
  const settled = afterClaim(alert, claim.status);
  return claim.status === 'claimed'
    ? { settled, token: claim.token, put: claim.put }
    : { settled, put: false };
}

/**
 * Carries out what the plan says of an alert's pending copy. Best effort: a copy left behind is
 * found delivered by the next reader and removed then; a copy not stored leaves the alert to the
 * invocation holding its claim (the retry of the event re-creates most findings anyway).
 */
async function stepPending(
  step: PendingStep,
  alert: QueuedAlert,
  stored: ReadonlyMap<string, PendingAlert>,
  deps: AlertDeps,
  result: AlertResult,
): Promise<void> {
  if (step === 'store') {
    await storePending(alert.finding, deps).catch(() => false);
    return;
  }
  const entry = step === 'clear' ? stored.get(alert.finding.id) : undefined;
  if (!entry) return;
  await clearPending(entry, deps).then(
    () => result.pendingCleared++,
    () => {},
  );
}

/**
 * Stores the findings as pending on their items; how many were stored. A failure to store one is
 * not fatal: the retry of the event re-creates most findings anyway.
 */
async function deferAll(findings: readonly Finding[], deps: AlertDeps): Promise<number> {
  const outcomes = await Promise.all(findings.map((f) => storePending(f, deps).catch(() => false)));
  return outcomes.filter(Boolean).length;
}

/**
 * Delivers each finding that was not delivered yet — its event on the bus, and, at or above the
 * threshold, its alert to the topic — then each pending alert the ledger read during this run
 * (`reads`, stored by an earlier run) that was not, in the order and by the rules of the plan
 * (lib/core/delivery/plan.ts). When EventBridge, SNS (or the alert log) fails, every alert not
 * delivered yet is stored as pending on its item, a put already made is recorded in the alert
 * log, and the error (an AlertDeliveryError from EventBridge or SNS) is thrown so that the
 * invocation is retried.
 */
export async function publishAlerts(
  findings: readonly Found[],
  deps: AlertDeps,
  reads: LedgerReads = NO_READS,
): Promise<AlertResult> {
  const clock = deps.now ?? Date.now;
  const stored = new Map(reads.pending.map((p) => [p.finding.id, p]));
  const queue = queueAlerts(
    findings,
    reads.pending.map((p) => p.finding),
    deps.minSeverity,
  );
  const result: AlertResult = {
    published: 0,
    put: 0,
    belowThreshold: queue.belowThreshold,
    duplicates: 0,
    inFlight: 0,
    unlogged: 0,
    pendingCleared: 0,
  };
  for (const [index, alert] of queue.alerts.entries()) {
    let token: string | undefined;
    let settled: Settlement;
    /** The event is on the bus: put now, or by an earlier attempt (the alert log says so). */
    let onBus = false;
    try {
      ({ settled, token, put: onBus } = await settle(alert, deps, reads));
      // The event goes first: a Publish that fails after it leaves a state the log can record
      // (recordPut), where a message followed by a failed put would be sent again by the retry.
      if (settled.publish && !onBus) {
        await putFindingEvent(alert.finding, deps);
        result.put++;
        onBus = true;
      }
      if (settled.publish && alert.toTopic) {
        await publishMessage(renderAlert(alert.finding), deps, alert.finding.id);
        result.published++;
      }
    } catch (error) {
      // EventBridge, SNS (or the alert log) failed: keep what is not delivered, remember what
      // is on the bus, and fail the invocation.
      if (onBus) await recordPut(alert.finding, deps, clock());
      if (token !== undefined) await releaseClaim(alert.finding, token, deps);
      const deferred = await deferAll(toDefer(queue.alerts.slice(index)), deps);
      if (error instanceof AlertDeliveryError) error.deferred = deferred;
      throw error;
    }
    if (settled.publish) {
      // The event (and the message) is out: failing the invocation now would only send it again.
      if (!(await recordSent(alert.finding, deps, clock()))) result.unlogged++;
    } else if (settled.as === 'duplicate') result.duplicates++;
    else result.inFlight++;
    await stepPending(settled.pending, alert, stored, deps, result);
  }
  return result;
}

/**
 * Publishes one rendered message with the String message structure (no `MessageStructure`):
 * SNS delivers message attributes — the `severity` filter policies match and the `findingId`
 * subscribers de-duplicate by — only with it, not with JSON. `what` names it in errors.
 */
export async function publishMessage(
  alert: AlertMessage,
  deps: Pick<AlertDeps, 'sns' | 'topicArn'>,
  what: string,
): Promise<void> {
  try {
    await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: alert.subject,
        Message: alert.message,
        MessageAttributes: alert.messageAttributes,
      }),
    );
  } catch (error) {
    throw new AlertDeliveryError(`could not publish ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
