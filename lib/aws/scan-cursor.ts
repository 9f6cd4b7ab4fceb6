/**
 * The scheduled scan's cursor: one small item of the ledger table per registry (key:
 * `scanCursorKey`, table-layout.ts) holding the repository after which the next run continues,
 * when a run ran out of time before reaching every repository. The scan function reads it before
 * a run and writes what the run reports after delivering its alerts
 * (docs/ledger.md#the-scans-time-budget).
 *
 * @module
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { keyItem } from './dynamodb-ledger.ts';
import { scanCursorKey } from './table-layout.ts';

/** The cursor could not be read or written; `cause` is the SDK's error. */
export class ScanCursorError extends Error {
  override readonly name = 'ScanCursorError';
}

/** Where the scan of one registry stands. */
export interface ScanCursor {
  /** The next run starts after this repository; null: with the first. */
  read(account: string, region: string): Promise<string | null>;
  /**
   * Stores where the next run continues (null: from the first, after a run that reached every
   * repository), with the start time of the run that stopped there. A `PutItem`: the scan's role
   * may not delete items.
   */
  write(account: string, region: string, after: string | null, startedAt: string): Promise<void>;
}

/**
 * The cursor in the ledger table.
 *
 * @example
 * ```ts
 * const cursor = createScanCursor({ dynamo, tableName });
 * const report = await runScan({ ...deps, resumeAfter: await cursor.read(account, region) });
 * await cursor.write(account, region, report.resumeAfter, report.startedAt);
 * ```
 */
export function createScanCursor(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
}): ScanCursor {
  return {
    async read(account, region) {
      try {
        const { Item } = await deps.dynamo.send(
          new GetItemCommand({
            TableName: deps.tableName,
            Key: keyItem(scanCursorKey(account, region)),
            ConsistentRead: true,
          }),
        );
        return Item?.after?.S ?? null;
      } catch (error) {
        throw new ScanCursorError(`cannot read the scan cursor: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },

    async write(account, region, after, startedAt) {
      try {
        await deps.dynamo.send(
          new PutItemCommand({
            TableName: deps.tableName,
            Item: {
              ...keyItem(scanCursorKey(account, region)),
              after: after === null ? { NULL: true } : { S: after },
              t: { S: startedAt },
            },
          }),
        );
      } catch (error) {
        throw new ScanCursorError(`cannot write the scan cursor: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
