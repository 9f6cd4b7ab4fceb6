/**
 * Delivers findings to SNS, once each: EventBridge delivers at least once and Lambda retries,
 * so every alert sent is logged in the ledger table (`ALERT#<id>`, expiring) and a finding that
 * may have been alerted before is looked up there first.
 *
 * @module
 */

import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertKey } from '../../infra/table.ts';
import { type AlertMessage, renderAlert } from '../alerts/chat.ts';
import { isRedelivered } from '../engine/decide.ts';
import { type Finding, isAtLeast, type Severity } from '../findings.ts';
import { keyItem } from './dynamodb-ledger.ts';

/** How long the alert log remembers a finding id (DynamoDB TTL). */
export const ALERT_LOG_TTL_SECONDS = 30 * 24 * 3600;

/** What alert delivery needs. */
export interface AlertDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly minSeverity: Severity;
  /** Clock in milliseconds, for the log's expiry. */
  readonly now?: () => number;
}

/** Counts of one delivery run. */
export interface AlertResult {
  published: number;
  /** Below the severity threshold. */
  belowThreshold: number;
  /** Already alerted (found in the alert log). */
  duplicates: number;
}

/** SNS refused or failed an alert; the invocation must fail so that it is retried. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
}

/**
 * True when a finding might have been alerted already: a redelivery of its event, a refused
 * overwrite (which moves no ledger entry that could tell), or drift a scan reports again on
 * every run while it lasts (same id).
 */
export function mayBeAlerted(finding: Finding): boolean {
  return (
    isRedelivered(finding) || finding.kind === 'OVERWRITE_BLOCKED' || finding.detectedBy !== 'event'
  );
}

/** Publishes each finding at or above the threshold that was not alerted yet. */
export async function publishAlerts(
  findings: readonly Finding[],
  deps: AlertDeps,
): Promise<AlertResult> {
  const result: AlertResult = { published: 0, belowThreshold: 0, duplicates: 0 };
  const now = deps.now ?? Date.now;
  for (const finding of findings) {
    if (!isAtLeast(finding.severity, deps.minSeverity)) {
      result.belowThreshold++;
      continue;
    }
    if (mayBeAlerted(finding)) {
      const { Item } = await deps.dynamo.send(
        new GetItemCommand({
          TableName: deps.tableName,
          Key: keyItem(alertKey(finding.id)),
          ConsistentRead: true,
        }),
      );
      // DynamoDB deletes expired items only eventually: an expired entry no longer counts.
      const expiresAt = Number(Item?.expiresAt?.N ?? Number.POSITIVE_INFINITY);
      if (Item && expiresAt * 1000 > now()) {
        result.duplicates++;
        continue;
      }
    }
    await publishMessage(renderAlert(finding), deps, finding.id);
    await deps.dynamo.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: {
          ...keyItem(alertKey(finding.id)),
          kind: { S: finding.kind },
          sentAt: { S: new Date(now()).toISOString() },
          expiresAt: { N: String(Math.floor(now() / 1000) + ALERT_LOG_TTL_SECONDS) },
        },
      }),
    );
    result.published++;
  }
  return result;
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
