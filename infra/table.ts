/**
 * The ledger table, defined once: {@link LEDGER_TABLE} is the CloudFormation `Properties` that
 * `serverless.yml` deploys, and {@link createTableInput} derives the SDK `CreateTable` input from
 * it for integration tests (dynalite).
 *
 * The item layout and key names are lib/aws/table-layout.ts's (and docs/ledger.md's).
 *
 * @module
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../lib/aws/table-layout.ts';

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
