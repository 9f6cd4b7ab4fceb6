/**
 * The rate limit of automatic remediation in the ledger table: one small item per repository
 * (`remediationLimitKey`, table-layout.ts) holding the restores of the window, replaced with a
 * conditional write on its version, so that concurrent invocations in any container count each
 * restore once. The decision is the core's (`admit`, lib/core/remediation/rate-limit.ts); the
 * item expires (TTL) one window after its last restore.
 *
 * @module
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { RepositoryRef } from '../core/model/refs.ts';
import {
  type Admission,
  admit,
  type LimitEntry,
  type RateLimit,
} from '../core/remediation/rate-limit.ts';
import { keyItem } from './dynamodb-ledger.ts';
import { remediationLimitKey } from './table-layout.ts';

/** The limit item could not be read or written; `cause` is the SDK's error. */
export class RemediationLimitError extends Error {
  override readonly name = 'RemediationLimitError';
}

/** Attempts at the conditional write when other invocations write the same item meanwhile. */
const ATTEMPTS = 5;

/** The rate limit's store. */
export interface RemediationLimit {
  /** Counts a restore of `ref` undoing `eventId` at `now` (epoch ms), when the limit allows. */
  admit(ref: RepositoryRef, eventId: string, now: number): Promise<Admission['status']>;
  /** Whether a restore undoing `eventId` was counted (an earlier attempt at the same event). */
  counted(ref: RepositoryRef, eventId: string): Promise<boolean>;
}

/** The entries stored on an item; anything unreadable counts as none. */
function entriesOf(text: string | undefined): LimitEntry[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is LimitEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as LimitEntry).eventId === 'string' &&
        typeof (e as LimitEntry).at === 'number',
    );
  } catch {
    return [];
  }
}

/**
 * The rate limit over the ledger table.
 *
 * @example
 * ```ts
 * const limit = createRemediationLimit({ dynamo, tableName, rate: DEFAULT_RATE_LIMIT });
 * if ((await limit.admit(ref, event.eventId, Date.now())) !== 'limited') await restore();
 * ```
 */
export function createRemediationLimit(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly rate: RateLimit;
}): RemediationLimit {
  const { dynamo, tableName, rate } = deps;
  const keyOf = (ref: RepositoryRef) =>
    keyItem(remediationLimitKey(ref.account, ref.region, ref.repository));
  const read = (key: ReturnType<typeof keyOf>) =>
    dynamo.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return {
    async counted(ref, eventId) {
      try {
        const { Item } = await read(keyOf(ref));
        return entriesOf(Item?.restores?.S).some((entry) => entry.eventId === eventId);
      } catch (error) {
        throw new RemediationLimitError(
          `cannot read the restores of ${ref.repository}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },

    async admit(ref, eventId, now) {
      const key = keyOf(ref);
      try {
        for (let attempt = 1; ; attempt++) {
          const { Item } = await read(key);
          const version = Item?.v?.N;
          const decision = admit(entriesOf(Item?.restores?.S), eventId, now, rate);
          if (decision.next === null) return decision.status;
          try {
            await dynamo.send(
              new PutItemCommand({
                TableName: tableName,
                Item: {
                  ...key,
                  restores: { S: JSON.stringify(decision.next) },
                  v: { N: String(Number(version ?? '0') + 1) },
                  expiresAt: { N: String(Math.ceil((now + rate.windowMs) / 1000)) },
                },
                // Replaces exactly the version read: a concurrent admission makes this one retry.
                ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'v = :v',
                ...(version === undefined
                  ? {}
                  : { ExpressionAttributeValues: { ':v': { N: version } } }),
              }),
            );
            return decision.status;
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException) || attempt >= ATTEMPTS)
              throw error;
          }
        }
      } catch (error) {
        throw new RemediationLimitError(
          `cannot count the restore of ${ref.repository}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}
