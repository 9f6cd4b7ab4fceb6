/**
 * Pending alerts: the outbox of alert delivery, kept on the ledger item whose change produced
 * the finding (the tag item of an overwrite, the configuration item of a drift).
 *
 * A finding is normally re-created by a redelivery of its event (same id), which is how a
 * failed alert is retried. That no longer works once the item changed again before the retry —
 * the tag moved on, was deleted, the configuration changed — and that is exactly what happens
 * while SNS is down for longer than Lambda retries. So when an alert cannot be delivered, the
 * finding is stored on its item as an attribute `pending#<findingId>` (the finding as JSON). Every
 * later read of the item — the retry or replay of the event, the next event about the same tag,
 * the scan — hands it to the sender ({@link PendingScope}), which delivers it and removes it.
 * Reads cost nothing extra: the ledger returns the whole item on every write and read it makes.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Finding } from '../core/model/findings.ts';
import {
  type LedgerKey,
  repositoryConfigKey,
  tagItemKey,
  templateConfigKey,
} from './table-layout.ts';

/** The name prefix of pending-alert attributes on ledger items. */
const PENDING_PREFIX = 'pending#';

/**
 * The attribute holding when (epoch ms, wall clock) the ledger last applied a write to a tag or
 * configuration item. The invocation whose write produced a finding sends its alert without
 * claiming it first; a redelivery of the same event that reads the item within the alert lease
 * of that write leaves the alert to it. Removed when that invocation gives up (stores the alert
 * as pending), so that its retry does not wait.
 */
export const WRITTEN_AT = 'wt';

/**
 * The attribute holding a random token of the write that set {@link WRITTEN_AT}, so that an
 * invocation recognises its own write — one the SDK retried after its answer was lost — and does
 * not take it for another invocation's.
 */
export const WRITE_TOKEN = 'wtok';

type Item = Record<string, AttributeValue>;

/** A finding waiting for delivery, and the item it is stored on. */
export interface PendingAlert {
  readonly key: LedgerKey;
  readonly finding: Finding;
}

/**
 * The item a finding belongs to: the tag item of an overwrite, the configuration item of a drift;
 * null for a refused overwrite, which moves no item and which a redelivery of its event always
 * re-creates, and for a restore (`CONFIG_REMEDIATED`), which the retry of its event re-creates
 * (docs/remediation.md#automatic).
 */
export function homeKey(finding: Finding): LedgerKey | null {
  const { account, region, repository, tag, templatePrefix } = finding;
  switch (finding.kind) {
    case 'TAG_OVERWRITE_VIOLATION':
    case 'TAG_OVERWRITE_ALLOWED':
      return repository !== null && tag !== null
        ? tagItemKey(account, region, repository, tag)
        : null;
    case 'CONFIG_DRIFT':
    case 'CONFIG_DRIFT_RESOLVED':
      return repository !== null ? repositoryConfigKey(account, region, repository) : null;
    case 'TEMPLATE_DRIFT':
      return templatePrefix !== null ? templateConfigKey(account, region, templatePrefix) : null;
    case 'OVERWRITE_BLOCKED':
    case 'CONFIG_REMEDIATED':
      return null;
  }
}

function isFinding(value: unknown): value is Finding {
  const f = value as Partial<Finding> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.id === 'string' &&
    typeof f.kind === 'string' &&
    typeof f.severity === 'string' &&
    typeof f.message === 'string'
  );
}

/** The pending alerts stored on a ledger item (unreadable entries are skipped). */
function pendingIn(item: Item | undefined): PendingAlert[] {
  if (!item) return [];
  const pk = item.pk?.S;
  const sk = item.sk?.S;
  if (pk === undefined || sk === undefined) return [];
  const found: PendingAlert[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(PENDING_PREFIX) || value.S === undefined) continue;
    try {
      const finding: unknown = JSON.parse(value.S);
      if (isFinding(finding) && `${PENDING_PREFIX}${finding.id}` === name) {
        found.push({ key: { pk, sk }, finding });
      }
    } catch {
      // Written by this code as JSON; anything else is not ours to deliver.
    }
  }
  return found;
}

/** The pending-alert attributes of an item, to carry them over when the item is replaced. */
export function pendingAttributes(item: Item | undefined): Item {
  return Object.fromEntries(
    Object.entries(item ?? {}).filter(([name]) => name.startsWith(PENDING_PREFIX)),
  );
}

/** What storing and clearing pending alerts needs. */
export interface PendingDeps {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
}

/**
 * Tag and configuration items are replaced whole by a conditional write on their version (`ver`):
 * changing an item's pending alerts bumps the version too, so that a concurrent replacement reads
 * them again instead of dropping them.
 */
const VERSION_BUMP = { expression: ' ADD ver :one', values: { ':one': { N: '1' } } };

/**
 * Stores a finding on its item as pending. False when it has no item, or the item is gone (a
 * repository forgotten meanwhile).
 */
export async function storePending(finding: Finding, deps: PendingDeps): Promise<boolean> {
  const key = homeKey(finding);
  if (key === null) return false;
  const bump = VERSION_BUMP;
  try {
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        UpdateExpression: `SET #p = :f REMOVE #w${bump.expression}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#p': `${PENDING_PREFIX}${finding.id}`, '#w': WRITTEN_AT },
        ExpressionAttributeValues: { ':f': { S: JSON.stringify(finding) }, ...bump.values },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Removes a delivered (or already delivered) pending alert from its item. */
export async function clearPending(pending: PendingAlert, deps: PendingDeps): Promise<void> {
  const bump = VERSION_BUMP;
  try {
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: { pk: { S: pending.key.pk }, sk: { S: pending.key.sk } },
        UpdateExpression: `REMOVE #p${bump.expression}`,
        ConditionExpression: 'attribute_exists(#p)',
        ExpressionAttributeNames: { '#p': `${PENDING_PREFIX}${pending.finding.id}` },
        ...(bump.expression ? { ExpressionAttributeValues: bump.values } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** What the ledger read during one invocation: pending alerts, and when items were written. */
export interface LedgerReads {
  /** Pending alerts found on the items, one per finding id. */
  readonly pending: readonly PendingAlert[];
  /**
   * When the item at `key` was last written (epoch ms) by another invocation, when read and
   * known; undefined when this invocation wrote it last.
   */
  writtenAt(key: LedgerKey): number | undefined;
}

/** No reads: nothing pending, no write times. */
export const NO_READS: LedgerReads = { pending: [], writtenAt: () => undefined };

const keyText = (key: LedgerKey) => `${key.pk}\u0000${key.sk}`;

/**
 * Collects what the ledger reads while some work runs — per invocation, also when invocations
 * overlap (tests run several at once on one composition).
 */
export interface PendingScope {
  /** The sink the ledger reports each item it reads to. */
  readonly report: (item: Item) => void;
  /** The sink the ledger reports the token of each write it makes to. */
  readonly wrote: (token: string) => void;
  /** Runs `work`, returning its value and what the ledger read meanwhile. */
  run<T>(work: () => Promise<T>): Promise<{ value: T; reads: LedgerReads }>;
}

interface Collected {
  readonly pending: Map<string, PendingAlert>;
  readonly writtenAt: Map<string, number>;
  /** Tokens of this invocation's writes. */
  readonly tokens: Set<string>;
  /** Items last written by this invocation. */
  readonly mine: Set<string>;
}

/** A {@link PendingScope}; outside `run`, reports are dropped (the alerts stay stored). */
export function createPendingScope(): PendingScope {
  const storage = new AsyncLocalStorage<Collected>();
  return {
    report(item) {
      const store = storage.getStore();
      if (!store) return;
      for (const p of pendingIn(item)) store.pending.set(p.finding.id, p);
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      if (pk === undefined || sk === undefined) return;
      const key = keyText({ pk, sk });
      const token = item[WRITE_TOKEN]?.S;
      if (token !== undefined && store.tokens.has(token)) store.mine.add(key);
      const written = Number(item[WRITTEN_AT]?.N);
      if (Number.isFinite(written)) {
        store.writtenAt.set(key, Math.max(written, store.writtenAt.get(key) ?? 0));
      }
    },
    wrote(token) {
      storage.getStore()?.tokens.add(token);
    },
    async run(work) {
      const store: Collected = {
        pending: new Map(),
        writtenAt: new Map(),
        tokens: new Set(),
        mine: new Set(),
      };
      const value = await storage.run(store, work);
      return {
        value,
        reads: {
          pending: [...store.pending.values()],
          // This invocation's own writes are not another invocation's delivery in progress.
          writtenAt: (key) =>
            store.mine.has(keyText(key)) ? undefined : store.writtenAt.get(keyText(key)),
        },
      };
    },
  };
}
