/**
 * The ledger table's keys: attribute names and how each item's key is built. The deployed table
 * (infra/table.ts) and the DynamoDB adapters use these; docs/ledger.md documents every attribute.
 *
 * ## Item layout
 *
 * One table, generic string keys `pk` (partition) and `sk` (sort). Key parts are joined with `#`,
 * which cannot occur in any part: account ids are digits, regions `[a-z0-9-]`, repository names
 * and creation-template prefixes `[a-z0-9._/-]` (or `ROOT`), tags `[A-Za-z0-9._-]`, finding ids
 * hex.
 *
 * | item | `pk` | `sk` | notes |
 * |---|---|---|---|
 * | tag | `REPO#<account>#<region>#<repository>` | `TAG#<tag>` | digest, tombstone; `pending#<id>` for an undelivered finding (lib/aws/pending.ts) |
 * | repository configuration | `REPO#<account>#<region>#<repository>` | `CONFIG` | actual config; pending findings as on tags |
 * | creation template | `TEMPLATE#<account>#<region>#<prefix>` | `CONFIG` | actual config |
 * | alert log | `ALERT#<findingId>` | `ALERT` | `sentAt`, `expiresAt`; `owner`/`lease` while claimed |
 * | scan cursor | `SCAN#<account>#<region>` | `CURSOR` | `after`: where the next scheduled scan continues (lib/aws/scan-cursor.ts) |
 * | remediation limit | `REMEDIATE#<account>#<region>#<repository>` | `LIMIT` | `restores` (JSON: the events restored in the window), `v`, `expiresAt` (lib/aws/remediation-limit.ts) |
 *
 * A repository's items are one `Query` on its partition (`pk = REPO#…`); tag items are told apart
 * by the `TAG#` sort-key prefix. Forgetting a repository (`DeleteRepository`) is that `Query` and
 * a delete of each item.
 *
 * `expiresAt` (epoch **seconds**, a number) is the table's TTL attribute: DynamoDB deletes an item
 * some time after that instant (typically within a few days — never rely on it for correctness;
 * compare `expiresAt` with the clock on read). Alert de-duplication items set it; tag and
 * configuration items never do (their pending alerts are attributes of theirs).
 *
 * @module
 */

/** The name of the partition key attribute. */
export const PARTITION_KEY = 'pk';
/** The name of the sort key attribute. */
export const SORT_KEY = 'sk';
/** The TTL attribute: epoch seconds after which DynamoDB may delete the item. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The primary key of one ledger item. */
export interface LedgerKey {
  readonly pk: string;
  readonly sk: string;
}

/** The sort-key prefix of tag items. */
export const TAG_SORT_PREFIX = 'TAG#';
/** The sort key of repository and template configuration items. */
export const CONFIG_SORT_KEY = 'CONFIG';

/** The partition of one repository: its tag items and its configuration item. */
export function repositoryPartition(account: string, region: string, repository: string): string {
  return `REPO#${account}#${region}#${repository}`;
}

/** The key of a tag item. */
export function tagItemKey(
  account: string,
  region: string,
  repository: string,
  tag: string,
): LedgerKey {
  return { pk: repositoryPartition(account, region, repository), sk: `${TAG_SORT_PREFIX}${tag}` };
}

/** The key of a repository's configuration item. */
export function repositoryConfigKey(
  account: string,
  region: string,
  repository: string,
): LedgerKey {
  return { pk: repositoryPartition(account, region, repository), sk: CONFIG_SORT_KEY };
}

/** The key of a creation template's configuration item. */
export function templateConfigKey(account: string, region: string, prefix: string): LedgerKey {
  return { pk: `TEMPLATE#${account}#${region}#${prefix}`, sk: CONFIG_SORT_KEY };
}

/** The key of an alert de-duplication item (written with `expiresAt`). */
export function alertKey(findingId: string): LedgerKey {
  return { pk: `ALERT#${findingId}`, sk: 'ALERT' };
}

/**
 * The key of the scheduled scan's cursor of one registry: where the next run continues after a
 * run the time budget cut short (lib/aws/scan-cursor.ts).
 *
 * @example
 * ```ts
 * scanCursorKey('123456789012', 'eu-west-1'); // { pk: 'SCAN#123456789012#eu-west-1', sk: 'CURSOR' }
 * ```
 */
export function scanCursorKey(account: string, region: string): LedgerKey {
  return { pk: `SCAN#${account}#${region}`, sk: 'CURSOR' };
}

/**
 * The key of a repository's remediation-limit item: the restores the `api-call` function made of
 * it recently (lib/aws/remediation-limit.ts). Its own partition, so that nothing that reads a
 * repository's partition (tags, configuration) ever meets it.
 *
 * @example
 * ```ts
 * remediationLimitKey('123456789012', 'eu-west-1', 'web');
 * // { pk: 'REMEDIATE#123456789012#eu-west-1#web', sk: 'LIMIT' }
 * ```
 */
export function remediationLimitKey(
  account: string,
  region: string,
  repository: string,
): LedgerKey {
  return { pk: `REMEDIATE#${account}#${region}#${repository}`, sk: 'LIMIT' };
}
