/**
 * The alert log: one item per finding id in the ledger table (`ALERT#<id>`, expiring), which says
 * whether the finding's alert was sent and who holds a claim to send it. The steps of the alert
 * protocol that touch it (docs/delivery.md), each one DynamoDB request (or a few retries of one).
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
import { ALERT_LEASE_MS, type ClaimAnswer } from '../core/delivery/plan.ts';
import type { Finding } from '../core/model/findings.ts';
import { DRIFT_REMINDER_MS } from '../core/model/reminder.ts';
import { keyItem } from './dynamodb-ledger.ts';
import { alertKey } from './table-layout.ts';

/**
 * How long the alert log remembers a finding id (DynamoDB TTL): the drift reminder period, so
 * that a lasting drift, which scans report every run, changes id (a reminder) exactly when its
 * old id may be forgotten — never the same id twice (lib/core/model/reminder.ts).
 */
export const ALERT_LOG_TTL_SECONDS = DRIFT_REMINDER_MS / 1000;

/** Pauses before writing the alert log again when it failed after a message was published. */
const LOG_RETRY_DELAYS_MS: readonly number[] = [100, 400];

/** What the alert log's steps need. */
export interface AlertLogDeps {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Pauses between extra attempts at {@link recordSent} (default {@link LOG_RETRY_DELAYS_MS}). */
  readonly logRetryDelaysMs?: readonly number[];
}

/**
 * The answer to a claim; `claimed` carries the token that owns it, and whether the finding's
 * event was put on the bus already under this log entry (by an attempt that then failed to
 * publish: {@link recordPut}), so that it is not put again.
 */
export type Claim =
  | { readonly status: 'claimed'; readonly token: string; readonly put: boolean }
  | { readonly status: Exclude<ClaimAnswer, 'claimed'> };

const num = (n: number): AttributeValue => ({ N: String(n) });

/**
 * Claims the alert of `finding` with a lease of {@link ALERT_LEASE_MS}: succeeds when it was never
 * sent (or its log entry expired) and nobody else holds a live claim — or when the claim is this
 * attempt's own (an SDK retry of a claim that was written but whose answer was lost). One
 * conditional PutItem, which returns the entry it replaced: a `putAt` on it (not expired) says
 * the finding's event is on the bus already.
 *
 * @example
 * ```ts
 * const claim = await claimAlert(finding, deps, Date.now());
 * if (claim.status === 'claimed') { ... publish, then recordSent ... }
 * ```
 */
export async function claimAlert(
  finding: Finding,
  deps: AlertLogDeps,
  now: number,
): Promise<Claim> {
  const token = randomUUID();
  try {
    const claimed = await deps.dynamo.send(
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
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const old = claimed.Attributes;
    const live = Number(old?.expiresAt?.N ?? 0) >= Math.floor(now / 1000);
    return { status: 'claimed', token, put: live && old?.putAt !== undefined };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return error.Item?.sentAt ? { status: 'sent' } : { status: 'held' };
  }
}

/**
 * True when the alert log says `finding` was sent (and the entry has not expired). One strongly
 * consistent GetItem.
 *
 * @example
 * ```ts
 * if (await wasSent(finding, deps, Date.now())) result.duplicates++;
 * ```
 */
export async function wasSent(finding: Finding, deps: AlertLogDeps, now: number): Promise<boolean> {
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

/**
 * Gives a claim up after a failed publish, so that the retry may claim it at once. Best effort
 * (one conditional UpdateItem): the lease expires by itself.
 *
 * @example
 * ```ts
 * await releaseClaim(finding, claim.token, deps);
 * ```
 */
export async function releaseClaim(
  finding: Finding,
  token: string,
  deps: AlertLogDeps,
): Promise<void> {
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

/**
 * Records on the log entry that the finding's event is on the bus, when its delivery failed after
 * the put (Publish failed): the retry then publishes without putting it again (see
 * {@link claimAlert}). One UpdateItem, creating the entry (claimable at once) when there is none
 * and keeping any claim; not on a sent entry. Best effort: false when it could not be written — the retry then
 * puts the event again (same finding id).
 *
 * @example
 * ```ts
 * await recordPut(finding, deps, Date.now());
 * ```
 */
export async function recordPut(
  finding: Finding,
  deps: AlertLogDeps,
  now: number,
): Promise<boolean> {
  try {
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: keyItem(alertKey(finding.id)),
        // A lease of 0 on a new entry, so that the retry can claim it at once; a claim's is kept.
        UpdateExpression:
          'SET putAt = :at, kind = :kind, expiresAt = :exp, #lease = if_not_exists(#lease, :zero)',
        ConditionExpression: 'attribute_not_exists(sentAt)',
        ExpressionAttributeNames: { '#lease': 'lease' },
        ExpressionAttributeValues: {
          ':at': { S: new Date(now).toISOString() },
          ':kind': { S: finding.kind },
          ':exp': num(Math.floor(now / 1000) + ALERT_LOG_TTL_SECONDS),
          ':zero': num(0),
        },
      }),
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the alert log entry of a published finding (a PutItem replacing any claim), retried
 * beyond the SDK's attempts; false when it could not be written.
 *
 * @example
 * ```ts
 * if (!(await recordSent(finding, deps, Date.now()))) result.unlogged++;
 * ```
 */
export async function recordSent(
  finding: Finding,
  deps: AlertLogDeps,
  now: number,
): Promise<boolean> {
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
