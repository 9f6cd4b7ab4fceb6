/**
 * The DynamoDB ledger of the Lambda handlers (item layout: table-layout.ts). Every record — a
 * tag's history, a configuration — is one item replaced whole by a conditional write on its
 * version (`ver`), decided by the same pure functions as the CLI's ledger: of two concurrent
 * writers, one wins and the other decides again on what it wrote. A write to a tag first assumes
 * the tag is new (`attribute_not_exists`), so a new tag costs one request, and a duplicate one
 * (the failed condition returns the item); a tag that moves costs two.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { ConfigTarget } from '../core/engine/decide.ts';
import type { Ledger } from '../core/engine/ledger.ts';
import { type ConfigRecord, EMPTY_CONFIG_RECORD, type TagRecord } from '../core/engine/records.ts';
import { tagState } from '../core/engine/tag-history.ts';
import type { RepositoryRef } from '../core/model/refs.ts';
import { pendingAttributes, WRITE_TOKEN, WRITTEN_AT } from './pending.ts';
import {
  type LedgerKey,
  repositoryConfigKey,
  repositoryPartition,
  TAG_SORT_PREFIX,
  tagItemKey,
  templateConfigKey,
} from './table-layout.ts';

/** What the DynamoDB ledger needs. */
export interface DynamoLedgerDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * Told of every item the ledger reads, or gets back from a write: alert delivery learns from
   * them the pending alerts to deliver and when each item was last written (lib/aws/pending.ts).
   */
  readonly onItem?: (item: Record<string, AttributeValue>) => void;
  /** Told of the token of each write that records {@link WRITTEN_AT} (lib/aws/pending.ts). */
  readonly onWrite?: (token: string) => void;
  /** Wall clock in milliseconds, recorded with each applied write (default `Date.now`). */
  readonly now?: () => number;
}

/** A ledger write that kept conflicting with concurrent writers. */
export class LedgerConflictError extends Error {
  override readonly name = 'LedgerConflictError';
}

type Item = Record<string, AttributeValue>;

/** How many tag items a container remembers as it wrote them (a guess, see `lastWritten`). */
const WRITTEN_ITEMS_KEPT = 1024;

/** Conditional writes tried before a record that keeps changing is given up. */
const MAX_ATTEMPTS = 6;

/** A key of table-layout.ts as DynamoDB attribute values. */
export function keyItem(key: LedgerKey): Item {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

/** Partition key of a repository's items. */
function repositoryPk(ref: RepositoryRef): string {
  return repositoryPartition(ref.account, ref.region, ref.repository);
}

function targetKey(target: ConfigTarget): Item {
  const { account, region } = target.ref;
  return keyItem(
    target.kind === 'repository'
      ? repositoryConfigKey(account, region, target.ref.repository)
      : templateConfigKey(account, region, target.ref.templatePrefix),
  );
}

const s = (value: string): AttributeValue => ({ S: value });
const str = (value: AttributeValue | undefined): string | null => value?.S ?? null;

/**
 * Reads a tag item: its record is the JSON in `rec`. An item written before tag histories (the
 * attributes `digest`, `deleted`, `t`, `eid`) is read as one entry: its current content.
 */
function tagRecordOf(item: Item): TagRecord {
  const rec = str(item.rec);
  if (rec !== null) return JSON.parse(rec) as TagRecord;
  const digest = str(item.digest);
  const time = str(item.t);
  if (digest === null || time === null) return { entries: [], floor: null };
  const kind = item.deleted?.BOOL === true ? 'delete' : 'push';
  return {
    entries: [{ kind, digest, time, eventId: str(item.eid), superseded: null }],
    floor: null,
  };
}

/**
 * A tag item's attributes: the record, and — for people reading the table, never read back — the
 * digest the tag points at (or last pointed at) and whether it is deleted now.
 */
function tagAttributes(record: TagRecord): Item {
  const { digest, live } = tagState(record);
  return {
    rec: s(JSON.stringify(record)),
    ...(digest === null ? {} : { digest: s(digest) }),
    deleted: { BOOL: !live },
  };
}

/** The `wt`/`wtok` stamp of `item`, to carry over. */
function stampOf(item: Item | undefined): Item {
  const out: Item = {};
  if (item?.[WRITTEN_AT]) out[WRITTEN_AT] = item[WRITTEN_AT];
  if (item?.[WRITE_TOKEN]) out[WRITE_TOKEN] = item[WRITE_TOKEN];
  return out;
}

/** Creates the DynamoDB {@link Ledger}. */
export function createDynamoLedger({
  client,
  tableName,
  onItem,
  onWrite,
  now = Date.now,
}: DynamoLedgerDeps): Ledger {
  const seen = (item: Item | undefined): void => {
    if (item && onItem) onItem(item);
  };
  /** When and by which write an item was written: `wt` and `wtok` (lib/aws/pending.ts). */
  const stamp = (): { at: AttributeValue; token: AttributeValue } => {
    const token = randomUUID();
    onWrite?.(token);
    return { at: { N: String(now()) }, token: { S: token } };
  };

  const tagKey = (ref: RepositoryRef, tag: string): Item =>
    keyItem(tagItemKey(ref.account, ref.region, ref.repository, tag));

  /** Reads one item, strongly consistent: the decision must see the latest write. */
  const getItem = async (key: Item): Promise<Item | undefined> => {
    const { Item: item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    seen(item);
    return item;
  };

  /**
   * Replaces `item` (undefined: absent) at `key` with `attributes`, only if it is still the item
   * read: true when written, else the item found instead (absent: undefined).
   */
  const replace = async (
    key: Item,
    item: Item | undefined,
    attributes: Item,
    makesFindings: boolean,
  ): Promise<{ written: Item } | { written: null; current: Item | undefined }> => {
    const version = item?.ver?.N;
    // `wt`/`wtok` name the last write that made findings (lib/aws/pending.ts): a write that makes
    // none keeps them, so that a redelivery is never told to leave its alert to a write that
    // does not hold it.
    const stampNow = makesFindings ? stamp() : undefined;
    const written: Item = {
      ...key,
      // Pending alerts stay: writing one bumps `ver`, so none is dropped by this write.
      ...pendingAttributes(item),
      ...attributes,
      ver: { N: String(Number(version ?? '0') + 1) },
      ...(stampNow ? { [WRITTEN_AT]: stampNow.at, [WRITE_TOKEN]: stampNow.token } : stampOf(item)),
    };
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: written,
          ConditionExpression:
            item === undefined
              ? 'attribute_not_exists(pk)'
              : version === undefined
                ? 'attribute_exists(pk) AND attribute_not_exists(ver)'
                : 'ver = :v',
          ...(version === undefined ? {} : { ExpressionAttributeValues: { ':v': { N: version } } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { written };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      seen(error.Item);
      return { written: null, current: error.Item };
    }
  };

  // The tag items this container wrote last, by key: a guess of the current item, so that a tag
  // moved again by the same container is one conditional write instead of two. Only a hint: the
  // write checks `ver`, and a stale guess fails and returns the real item.
  const lastWritten = new Map<string, Item>();
  const remember = (id: string, item: Item | undefined) => {
    lastWritten.delete(id);
    if (item === undefined) return;
    lastWritten.set(id, item);
    if (lastWritten.size > WRITTEN_ITEMS_KEPT) {
      lastWritten.delete(lastWritten.keys().next().value as string);
    }
  };

  const queryPartition = async function* (pk: string) {
    let start: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': s(pk) },
          // Strongly consistent: a delete by digest or a scan must see the latest pushes.
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) seen(item);
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  };

  return {
    async updateTag(ref, tag, decide) {
      const key = tagKey(ref, tag);
      const id = `${key.pk?.S}\u0000${key.sk?.S}`;
      // First on the item this container last wrote, if the decision on it changes something;
      // else as a new tag: one request when it is, and the failed condition returns the item
      // when it is not.
      const guess = lastWritten.get(id);
      const onGuess = guess ? decide(tagRecordOf(guess)) : undefined;
      // The decision already made on the guess is the first attempt's (decided once).
      let decided = onGuess?.next ? onGuess : undefined;
      let item = decided ? guess : undefined;
      let known = false;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { next, found } = decided ?? decide(item ? tagRecordOf(item) : undefined);
        decided = undefined;
        if (!next) {
          if (known) return found;
          item = await getItem(key);
          known = true;
          continue;
        }
        const result = await replace(key, item, tagAttributes(next), found.length > 0);
        if (result.written) {
          // The write checked `ver`: the guess was the item, with its pending alerts.
          if (item !== undefined && item === guess) seen(guess);
          remember(id, result.written);
          return found;
        }
        item = result.current;
        known = item !== undefined;
        remember(id, item);
      }
      throw new LedgerConflictError(
        `tag ${tag} of ${JSON.stringify(ref)} kept changing; gave up after ${MAX_ATTEMPTS} attempts`,
      );
    },

    async tags(ref) {
      const tags = new Map<string, TagRecord>();
      for await (const item of queryPartition(repositoryPk(ref))) {
        const sk = str(item.sk) ?? '';
        if (sk.startsWith(TAG_SORT_PREFIX))
          tags.set(sk.slice(TAG_SORT_PREFIX.length), tagRecordOf(item));
      }
      return tags;
    },

    async updateConfig(target, decide) {
      const key = targetKey(target);
      let item = await getItem(key);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const prev: ConfigRecord = item?.record?.S
          ? (JSON.parse(item.record.S) as ConfigRecord)
          : EMPTY_CONFIG_RECORD;
        const { next, found } = decide(prev);
        if (!next) return found;
        const result = await replace(
          key,
          item,
          { record: s(JSON.stringify(next)) },
          found !== null,
        );
        if (result.written) return found;
        item = result.current;
      }
      throw new LedgerConflictError(
        `configuration of ${JSON.stringify(target.ref)} kept changing; gave up after ${MAX_ATTEMPTS} attempts`,
      );
    },
  };
}
