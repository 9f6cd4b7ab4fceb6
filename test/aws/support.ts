/**
 * Shared set-up of the integration tests: the fakes started on 127.0.0.1, the ledger table
 * created in dynalite from infra/table.ts, recording telemetry, and policies from YAML text.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../infra/table.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import type { MetricName, RuntimeLog, RuntimeMetrics } from '../../lib/core/telemetry.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { dynamoDbClient, type FakeClientOptions } from '../fakes/clients.ts';
import { FakeDynamoDb } from '../fakes/dynamodb.ts';
import type { StartedServer } from '../fakes/http.ts';

export const TABLE = 'ecr-tag-auditor-ledger';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecr-tag-auditor-alerts';
/** The name of the auditor's event bus in the tests (the fake EventBridge's account and region). */
export const BUS_NAME = 'ecr-tag-auditor-events';
/** Its ARN, as FINDINGS_BUS_ARN gives it. */
export const BUS = `arn:aws:events:us-east-1:123456789012:event-bus/${BUS_NAME}`;

/** dynalite behind the recording proxy, with the ledger table created as infra/table.ts defines it. */
export interface LedgerTable {
  readonly fake: FakeDynamoDb;
  readonly server: StartedServer;
  /** A client for the test itself (set-up and inspection). */
  readonly client: DynamoDBClient;
}

/** Starts dynalite and creates the ledger table `tableName`. */
export async function startLedgerTable(tableName = TABLE): Promise<LedgerTable> {
  const fake = new FakeDynamoDb();
  const server = await fake.start();
  const client = dynamoDbClient(server);
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  fake.reset();
  return { fake, server, client };
}

/** A DynamoDB client for the code under test: fast fixed retries. */
export function fastDynamo(table: LedgerTable, options: FakeClientOptions = {}): DynamoDBClient {
  return dynamoDbClient(table.server, { retryDelayMs: 1, ...options });
}

/** A policy from YAML text (file name `test-policy.yml`). */
export function policy(text: string): Policy {
  return parsePolicy(text, 'test-policy.yml');
}

/** The example policy of the README: release tags immutable, `dev-*` and `sha256-*` mutable. */
export const POLICY_TEXT = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*", "sha256-*"]
rules:
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["cache/**"]
`;

/** One log line as the code under test wrote it. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra: Record<string, unknown>;
}

/** Telemetry that records what it is given. */
export function recordingTelemetry() {
  const logs: LogEntry[] = [];
  const counts = new Map<MetricName, number>();
  const log: RuntimeLog = {
    info: (message, extra = {}) => logs.push({ level: 'info', message, extra }),
    warn: (message, extra = {}) => logs.push({ level: 'warn', message, extra }),
    error: (message, extra = {}) => logs.push({ level: 'error', message, extra }),
  };
  const metrics: RuntimeMetrics = {
    count: (name, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value),
  };
  return {
    log,
    metrics,
    logs,
    counts,
    /** The total of a metric (0 when never counted). */
    count: (name: MetricName) => counts.get(name) ?? 0,
    clear: () => {
      logs.length = 0;
      counts.clear();
    },
  };
}

/** ISO time (fixed-width UTC, as the engine keeps it) `seconds` after a fixed start. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2025, 6, 24) + seconds * 1000).toISOString();
}
