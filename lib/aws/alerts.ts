/**
 * Delivers findings to SNS, once each: EventBridge delivers at least once, Lambda retries, one
 * push arrives through both ECR and CloudTrail, and several invocations may hold the same
 * finding at once.
 *
 * - A finding made by a ledger write that applied (a move, a configuration change: exactly one
 *   invocation makes it) is published, then logged in the ledger table (`ALERT#<id>`, expiring):
 *   the ledger write, Publish, the log — nothing more on the common path.
 * - A finding that may have been made before (a redelivery of its event, a refused overwrite, a
 *   late push, what a scan reports again, an alert stored as pending) is *claimed* in the log
 *   first — a conditional write with a short lease — so that no two invocations send it, then
 *   published and marked sent. A redelivery that reads the item its event wrote moments ago leaves
 *   the alert to the invocation that wrote it.
 * - An alert that cannot be delivered is stored as pending on its ledger item (lib/aws/pending.ts)
 *   and the invocation fails; it is delivered later even when its event can no longer re-create it.
 *
 * One case stays ambiguous, as with any sender: SNS accepted a message but its answer was lost
 * (a timeout, a reset, a 500 after acceptance). The SDK's retry, or the invocation's, then sends
 * it again — at least once, never lost. Both copies carry the same finding id (the `findingId`
 * attribute, the notification `id`, the body for machines), by which subscribers de-duplicate.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Delivery, Found } from '../core/model/delivery.ts';
import { type Finding, isAtLeast, type Severity } from '../core/model/findings.ts';
import { type AlertMessage, renderAlert } from '../render/chat.ts';
import { keyItem } from './dynamodb-ledger.ts';
import {
  clearPending,
  homeKey,
  type LedgerReads,
  NO_READS,
  type PendingAlert,
  storePending,
} from './pending.ts';
import { alertKey } from './table-layout.ts';

/** How long the alert log remembers a finding id (DynamoDB TTL). */
export const ALERT_LOG_TTL_SECONDS = 30 * 24 * 3600;

/**
 * How long a claim keeps others from sending the same alert. Longer than an invocation can run
 * (the functions time out after 30 s), shorter than Lambda waits before its first retry (1 min):
 * a claim of an invocation that died never blocks the retry of its event.
 */
export const ALERT_LEASE_MS = 45_000;

/** Pauses before writing the alert log again when it failed after a message was published. */
export const LOG_RETRY_DELAYS_MS: readonly number[] = [100, 400];

/** What alert delivery needs. */
export interface AlertDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly minSeverity: Severity;
  /** Clock in milliseconds, for leases and the log's expiry. */
  readonly now?: () => number;
  /** Pauses between extra attempts at the alert log after a publish (default {@link LOG_RETRY_DELAYS_MS}). */
  readonly logRetryDelaysMs?: readonly number[];
}

/** Counts of one delivery run. */
export interface AlertResult {
  /** Messages published (findings of this run and pending ones). */
  published: number;
  /** Below the severity threshold. */
  belowThreshold: number;
  /** Already alerted (found in the alert log). */
  duplicates: number;
  /** Being sent by another invocation right now; left to it. */
  inFlight: number;
  /** Published, but the alert log could not be written: a later redelivery may send it again. */
  unlogged: number;
  /** Pending alerts (stored earlier) delivered or found delivered, and removed. */
  pendingCleared: number;
}

/** SNS refused or failed an alert; the invocation must fail so that it is retried. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  /** Findings stored as pending on their ledger items before this error was thrown. */
  deferred = 0;
}

/**
 * True when a finding's delivery decision says it might have been alerted already — a redelivery
 * of its event, a late push, a refused overwrite (which moves no ledger entry that could tell),
 * or what a scan reports (drift again on every run while it lasts) — so that it is claimed in the
 * alert log before it is published. A `fresh` finding comes from a ledger write that applied in
 * this very invocation, and no other invocation can hold it.
 */
function mayBeAlerted(delivery: Delivery | null): boolean {
  return delivery !== 'fresh';
}

type Claim =
  | { readonly status: 'claimed'; readonly token: string }
  | { readonly status: 'sent' }
  | { readonly status: 'inFlight' };

const num = (n: number): AttributeValue => ({ N: String(n) });

/**
 * Claims the alert of `finding`: succeeds when it was never sent (or its log entry expired) and
 * nobody else holds a live claim — or when the claim is this attempt's own (an SDK retry of a
 * claim that was written but whose answer was lost).
 */
async function claim(finding: Finding, deps: AlertDeps, now: number): Promise<Claim> {
  const token = randomUUID();
  try {
    await deps.dynamo.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: {
          ...keyItem(alertKey(finding.id)),
          kind: { S: finding.kind },
          owner: { S: token },
          lease: num(now + ALERT_LEASE_MS),
          expiresAt: num(Math.floor(now / 1000) + ALERT_LOG_TTL_SECONDS),
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR expiresAt < :nowSec OR ' +
          '(attribute_not_exists(sentAt) AND (#lease < :now OR #owner = :token))',
        ExpressionAttributeNames: { '#lease': 'lease', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':nowSec': num(Math.floor(now / 1000)),
          ':now': num(now),
          ':token': { S: token },
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { status: 'claimed', token };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return error.Item?.sentAt ? { status: 'sent' } : { status: 'inFlight' };
  }
}

/** True when the alert log says `finding` was sent (and the entry has not expired). */
async function wasSent(finding: Finding, deps: AlertDeps, now: number): Promise<boolean> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({
      TableName: deps.tableName,
      Key: keyItem(alertKey(finding.id)),
      ConsistentRead: true,
    }),
  );
  // DynamoDB deletes expired items only eventually: an expired entry no longer counts.
  return Item?.sentAt !== undefined && Number(Item.expiresAt?.N ?? Infinity) * 1000 > now;
}

/** Gives a claim up after a failed publish, so that the retry may claim it at once. */
async function release(finding: Finding, token: string, deps: AlertDeps): Promise<void> {
  await deps.dynamo
    .send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: keyItem(alertKey(finding.id)),
        UpdateExpression: 'SET #lease = :zero',
        ConditionExpression: '#owner = :token AND attribute_not_exists(sentAt)',
        ExpressionAttributeNames: { '#lease': 'lease', '#owner': 'owner' },
        ExpressionAttributeValues: { ':zero': num(0), ':token': { S: token } },
      }),
    )
    .catch(() => {}); // the lease expires by itself
}

/** Writes the alert log entry of a published finding; retried beyond the SDK's attempts. */
async function markSent(finding: Finding, deps: AlertDeps, now: number): Promise<boolean> {
  const delays = deps.logRetryDelaysMs ?? LOG_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.dynamo.send(
        new PutItemCommand({
          TableName: deps.tableName,
          Item: {
            ...keyItem(alertKey(finding.id)),
            kind: { S: finding.kind },
            sentAt: { S: new Date(now).toISOString() },
            expiresAt: num(Math.floor(now / 1000) + ALERT_LOG_TTL_SECONDS),
          },
        }),
      );
      return true;
    } catch {
      const delay = delays[attempt];
      if (delay === undefined) return false;
      await sleep(delay);
    }
  }
}

/**
 * Publishes each finding at or above the threshold that was not alerted yet, then each pending
 * alert the ledger read during this run (`reads`, stored by an earlier run) that was not. When SNS
 * fails, every finding not delivered yet is stored as pending on its item, and AlertDeliveryError
 * is thrown so that the invocation is retried.
 */
export async function publishAlerts(
  findings: readonly Found[],
  deps: AlertDeps,
  reads: LedgerReads = NO_READS,
): Promise<AlertResult> {
  const result: AlertResult = {
    published: 0,
    belowThreshold: 0,
    duplicates: 0,
    inFlight: 0,
    unlogged: 0,
    pendingCleared: 0,
  };
  const clock = deps.now ?? Date.now;
  const stored = new Map(reads.pending.map((p) => [p.finding.id, p]));
  // A pending alert read from the ledger has no delivery decision (null): it is claimed anyway.
  const queue: { readonly finding: Finding; readonly delivery: Delivery | null }[] = [];
  const queued = new Set<string>();
  for (const { finding, delivery } of findings) {
    if (!isAtLeast(finding.severity, deps.minSeverity)) {
      if (!stored.has(finding.id)) result.belowThreshold++;
      continue;
    }
    if (queued.has(finding.id)) continue;
    queued.add(finding.id);
    queue.push({ finding, delivery });
  }
  // Stored alerts were at or above the threshold of the run that stored them.
  for (const { finding } of reads.pending) {
    if (queued.has(finding.id)) continue;
    queued.add(finding.id);
    queue.push({ finding, delivery: null });
  }

  const done = async (finding: Finding) => {
    const entry = stored.get(finding.id);
    if (!entry) return;
    // Best effort: an entry left behind is found delivered by the next reader, and removed then.
    await clearPending(entry, deps).then(
      () => result.pendingCleared++,
      () => {},
    );
  };

  for (const [index, { finding, delivery }] of queue.entries()) {
    let token: string | undefined;
    try {
      if (mayBeAlerted(delivery) || stored.has(finding.id)) {
        const key = homeKey(finding);
        const written = key === null ? undefined : reads.writtenAt(key);
        if (
          delivery === 'redelivered' &&
          !stored.has(finding.id) &&
          written !== undefined &&
          clock() - written < ALERT_LEASE_MS
        ) {
          // The invocation whose write made this finding wrote it moments ago: it has sent the
          // alert, or is sending it — and should it fail, it stores the alert as pending; should
          // it die, Lambda retries its event after the lease. Either way not this one's to send.
          if (await wasSent(finding, deps, clock())) result.duplicates++;
          else result.inFlight++;
          await done(finding);
          continue;
        }
        const claimed = await claim(finding, deps, clock());
        if (claimed.status === 'sent') {
          result.duplicates++;
          await done(finding);
          continue;
        }
        if (claimed.status === 'inFlight') {
          // Another invocation holds the claim; should it fail without storing the alert, this
          // copy is delivered by whoever reads the item next.
          result.inFlight++;
          if (!stored.has(finding.id)) await storePending(finding, deps).catch(() => false);
          continue;
        }
        token = claimed.token;
      }
      await publishMessage(renderAlert(finding), deps, finding.id);
    } catch (error) {
      // SNS (or the alert log) failed: keep what is not delivered, and fail the invocation.
      if (token !== undefined) await release(finding, token, deps);
      const deferred = await deferRest(
        queue.slice(index).map((q) => q.finding),
        stored,
        deps,
      );
      if (error instanceof AlertDeliveryError) error.deferred = deferred;
      throw error;
    }
    result.published++;
    // The message is out: failing the invocation now would only send it again.
    if (!(await markSent(finding, deps, clock()))) result.unlogged++;
    await done(finding);
  }
  return result;
}

/**
 * Stores every finding not delivered yet (and not stored already) as pending on its item. A
 * failure to store one is not fatal: the retry of the event re-creates most findings anyway.
 */
async function deferRest(
  rest: readonly Finding[],
  stored: ReadonlyMap<string, PendingAlert>,
  deps: AlertDeps,
): Promise<number> {
  const outcomes = await Promise.all(
    rest
      .filter((f) => !stored.has(f.id) && homeKey(f) !== null)
      .map((f) => storePending(f, deps).catch(() => false)),
  );
  return outcomes.filter(Boolean).length;
}

/** Publishes one rendered message (`MessageStructure: 'json'`); `what` names it in errors. */
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
        MessageStructure: 'json',
        MessageAttributes: alert.messageAttributes,
      }),
    );
  } catch (error) {
    throw new AlertDeliveryError(`could not publish ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
