/**
 * The DynamoDB ledger of the Lambda handlers (item layout: table-layout.ts). A push is one
 * conditional `UpdateItem` that returns the item from before it: no read-then-write race, and a
 * stale or duplicate event never moves a tag.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type ConfigTarget, predatesPrevious } from '../core/engine/decide.ts';
import type { Ledger } from '../core/engine/ledger.ts';
import {
  type ConfigRecord,
  EMPTY_CONFIG_RECORD,
  RECENT_DIGESTS,
  type TagRecord,
} from '../core/engine/records.ts';
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

const MAX_CONFIG_ATTEMPTS = 5;

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
const nullable = (value: string | null): AttributeValue =>
  value === null ? { NULL: true } : { S: value };
const str = (value: AttributeValue | undefined): string | null => value?.S ?? null;

/**
 * Reads a tag item. `prevDigest`/`prevDeleted` hold what the last write replaced (DynamoDB
 * copies them in the same update), from which the last move is derived.
 */
function tagRecordOf(item: Item): TagRecord {
  const digest = str(item.digest) ?? '';
  const prevDigest = str(item.prevDigest);
  const moved = prevDigest !== null && prevDigest !== digest;
  const deleted = item.deleted?.BOOL === true;
  return {
    digest,
    deleted,
    time: str(item.t) ?? '',
    recent: (item.recent?.L ?? []).map((v) => v.S ?? ''),
    eventId: str(item.eid),
    movedFrom: moved && !deleted ? prevDigest : null,
    viaDelete: moved && !deleted && item.prevDeleted?.BOOL === true,
    prevTime: str(item.prevT),
  };
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

  type UpdateInput = Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>;

  /** Runs a conditional update; false when its condition failed. */
  const update = async (input: UpdateInput): Promise<boolean> => {
    try {
      await client.send(new UpdateItemCommand({ ...input, TableName: tableName }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  /**
   * Runs a conditional update and returns the item from before it: the replaced item when the
   * update applied, the current one (`ReturnValuesOnConditionCheckFailure`) when its condition
   * failed — one request either way, and the item is the one the condition was checked against.
   */
  const updateReturningOld = async (
    input: Omit<UpdateInput, 'ReturnValues' | 'ReturnValuesOnConditionCheckFailure'>,
  ): Promise<{ applied: boolean; old: Item | undefined }> => {
    try {
      const out = await client.send(
        new UpdateItemCommand({
          ...input,
          TableName: tableName,
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true, old: out.Attributes };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { applied: false, old: error.Item };
    }
  };

  /**
   * Keeps `recent` bounded after a push: replaces it with the first distinct digests, unless a
   * concurrent writer changed the tag or its list since (then a later push trims it).
   */
  const trimRecent = async (key: Item, time: string, recent: readonly string[]) => {
    const trimmed = [...new Set(recent)].slice(0, RECENT_DIGESTS);
    await update({
      Key: key,
      UpdateExpression: 'SET recent = :r',
      ConditionExpression: '#t = :t AND size(recent) = :n',
      ExpressionAttributeNames: { '#t': 't' },
      ExpressionAttributeValues: {
        ':r': { L: trimmed.map(s) },
        ':t': s(time),
        ':n': { N: String(recent.length) },
      },
    });
  };

  /**
   * Remembers the digest of a late push (older than the tag's record) among the tag's recent
   * digests, so that it is reported once. Atomic: concurrent late pushes all land.
   */
  const rememberLate = (key: Item, digest: string) =>
    update({
      Key: key,
      UpdateExpression: 'SET recent = list_append(:one, if_not_exists(recent, :empty))',
      ConditionExpression: 'attribute_exists(pk) AND digest <> :d AND NOT contains(recent, :d)',
      ExpressionAttributeValues: {
        ':one': { L: [s(digest)] },
        ':empty': { L: [] },
        ':d': s(digest),
      },
    });

  /**
   * Tombstones one tag (`deleteTransition`). With `digest`, the tag now records that digest as
   * deleted; without, the digest it points at. With `onlyAt`, only while the tag still points at
   * `digest` (a delete by digest: a concurrent push may have moved the tag since the query).
   */
  const tombstone = async (
    key: Item,
    digest: string | null,
    change: { time: string; eventId: string | null },
    onlyAt = false,
  ) => {
    const values = {
      ':t': s(change.time),
      ':eid': nullable(change.eventId),
      ':true': { BOOL: true },
      ':false': { BOOL: false },
    };
    if (digest === null || onlyAt) {
      // The digest stays what it is, and so do the recent digests.
      await update({
        Key: key,
        ConditionExpression: `attribute_exists(pk) AND #t <= :t AND deleted = :false${onlyAt ? ' AND digest = :d' : ''}`,
        UpdateExpression:
          'SET deleted = :true, prevT = #t, #t = :t, eid = :eid, prevDigest = digest, prevDeleted = :false',
        ExpressionAttributeNames: { '#t': 't' },
        ExpressionAttributeValues: { ...values, ...(digest === null ? {} : { ':d': s(digest) }) },
      });
      return;
    }
    await update({
      Key: key,
      ConditionExpression:
        'attribute_not_exists(pk) OR (#t <= :t AND (deleted = :false OR digest <> :d))',
      UpdateExpression:
        'SET deleted = :true, prevT = if_not_exists(#t, :none), digest = :d, #t = :t, eid = :eid, ' +
        'prevDigest = :d, prevDeleted = :false, ' +
        'recent = list_append(if_not_exists(cur, :empty), if_not_exists(recent, :empty)), cur = :cur',
      ExpressionAttributeNames: { '#t': 't' },
      ExpressionAttributeValues: {
        ...values,
        ':d': s(digest),
        ':empty': { L: [] },
        ':cur': { L: [s(digest)] },
        ':none': { NULL: true },
      },
    });
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
    async recordPush(ref, tag, digest, change) {
      const key = tagKey(ref, tag);
      const written = stamp();
      const { applied, old } = await updateReturningOld({
        Key: key,
        // The transition of pushTransition: a first push, other content, or a push after a delete.
        ConditionExpression:
          'attribute_not_exists(pk) OR (#t <= :t AND (deleted = :true OR digest <> :d))',
        UpdateExpression:
          'SET prevDigest = if_not_exists(digest, :d), prevDeleted = if_not_exists(deleted, :false), ' +
          'prevT = if_not_exists(#t, :none), digest = :d, deleted = :false, #t = :t, eid = :eid, ' +
          'recent = list_append(if_not_exists(cur, :empty), if_not_exists(recent, :empty)), cur = :cur, ' +
          '#w = :w, #wtok = :wtok',
        ExpressionAttributeNames: { '#t': 't', '#w': WRITTEN_AT, '#wtok': WRITE_TOKEN },
        ExpressionAttributeValues: {
          ':d': s(digest),
          ':t': s(change.time),
          ':eid': nullable(change.eventId),
          ':true': { BOOL: true },
          ':false': { BOOL: false },
          ':empty': { L: [] },
          ':cur': { L: [s(digest)] },
          ':none': { NULL: true },
          ':w': written.at,
          ':wtok': written.token,
        },
      });
      seen(old);
      const prev = old ? tagRecordOf(old) : undefined;
      if (applied && prev && prev.recent.length >= 2 * RECENT_DIGESTS) {
        await trimRecent(key, change.time, [prev.digest, ...prev.recent]);
      }
      // A late push of content not seen yet: remember its digest so that it is reported once.
      if (
        !applied &&
        prev &&
        change.time < prev.time &&
        prev.digest !== digest &&
        !prev.recent.includes(digest) &&
        !predatesPrevious(prev, change.time)
      ) {
        await rememberLate(key, digest);
      }
      return prev;
    },

    async recordDelete(ref, tag, digest, change) {
      if (tag !== null) return tombstone(tagKey(ref, tag), digest, change);
      for await (const item of queryPartition(repositoryPk(ref))) {
        const sk = str(item.sk) ?? '';
        if (!sk.startsWith(TAG_SORT_PREFIX) || item.deleted?.BOOL || str(item.digest) !== digest)
          continue;
        await tombstone({ pk: s(repositoryPk(ref)), sk: s(sk) }, digest, change, true);
      }
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
      for (let attempt = 0; attempt < MAX_CONFIG_ATTEMPTS; attempt++) {
        const { Item: item } = await client.send(
          new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
        );
        seen(item);
        const version = Number(item?.ver?.N ?? '0');
        const prev: ConfigRecord = item?.record?.S
          ? (JSON.parse(item.record.S) as ConfigRecord)
          : EMPTY_CONFIG_RECORD;
        const { next, found } = decide(prev);
        if (!next) return found;
        const written = stamp();
        try {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              // Pending alerts stay: writing one bumps `ver`, so none is dropped by this write.
              Item: {
                ...key,
                ...pendingAttributes(item),
                record: s(JSON.stringify(next)),
                ver: { N: String(version + 1) },
                [WRITTEN_AT]: written.at,
                [WRITE_TOKEN]: written.token,
              },
              ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'ver = :v',
              ...(version === 0
                ? {}
                : { ExpressionAttributeValues: { ':v': { N: String(version) } } }),
            }),
          );
          return found;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      throw new LedgerConflictError(
        `configuration of ${JSON.stringify(target.ref)} kept changing; gave up after ${MAX_CONFIG_ATTEMPTS} attempts`,
      );
    },

    async forget(target) {
      if (target.kind === 'template') {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: targetKey(target) }));
        return;
      }
      // Whole items: pending alerts on them are reported (and delivered) before they go.
      for await (const item of queryPartition(repositoryPk(target.ref))) {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
          }),
        );
      }
    },
  };
}
