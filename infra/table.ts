/**
 * The ledger table, defined once: {@link LEDGER_TABLE} is the CloudFormation `Properties` that
 * `serverless.yml` deploys, and {@link createTableInput} derives the SDK `CreateTable` input from
 * it for integration tests (dynalite).
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
 *
 * A repository's tags are one `Query` (`pk = REPO#…`, `begins_with(sk, "TAG#")`); its
 * configuration shares the partition, so forgetting a repository (`DeleteRepository`) is a
 * `Query` on the partition and a delete of each item.
 *
 * `expiresAt` (epoch **seconds**, a number) is the table's TTL attribute: DynamoDB deletes an item
 * some time after that instant (typically within a few days — never rely on it for correctness;
 * compare `expiresAt` with the clock on read). Alert de-duplication items and outbox items set
 * it; tag and configuration items never do.
 *
 * @module
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The name of the partition key attribute. */
export const PARTITION_KEY = 'pk';
/** The name of the sort key attribute. */
export const SORT_KEY = 'sk';
/** The TTL attribute: epoch seconds after which DynamoDB may delete the item. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The CloudFormation `Properties` of the `AWS::DynamoDB::Table`: on-demand capacity (the load
 * follows ECR activity, bursty and small), point-in-time recovery (the ledger is the only tag
 * history there is — ECR keeps none), encryption with the AWS managed key `aws/dynamodb` (no key
 * to manage, no extra IAM for the functions), and TTL on {@link TTL_ATTRIBUTE}.
 * No `TableName`: CloudFormation names the table, the functions get it as `LEDGER_TABLE_NAME`.
 */
export const LEDGER_TABLE = {
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: PARTITION_KEY, AttributeType: 'S' },
    { AttributeName: SORT_KEY, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
    { AttributeName: SORT_KEY, KeyType: 'RANGE' },
  ],
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  SSESpecification: { SSEEnabled: true },
  TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
} as const;

/**
 * The SDK `CreateTable` input for {@link LEDGER_TABLE}: the fields `CreateTable` accepts
 * (keys, attribute definitions, billing mode, encryption). Point-in-time recovery and TTL are
 * separate API calls (`UpdateContinuousBackups`, `UpdateTimeToLive`) and are left out.
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: LEDGER_TABLE.AttributeDefinitions.map((d) => ({ ...d })),
    KeySchema: LEDGER_TABLE.KeySchema.map((k) => ({ ...k })),
    BillingMode: LEDGER_TABLE.BillingMode,
    SSESpecification: { Enabled: LEDGER_TABLE.SSESpecification.SSEEnabled },
  };
}

/** The primary key of one ledger item. */
export interface LedgerKey {
  readonly pk: string;
  readonly sk: string;
}

/** The sort-key prefix of tag items (for `begins_with`). */
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
