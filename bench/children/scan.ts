/**
 * Row 6: one scheduled scan (lib/core/scan/scan.ts `runScan`) of the fake registry, over the
 * in-memory ledger, with the ECR client of lib/runtime/lambda.ts (retry mode and attempts from
 * the arguments). Reports on fd 3: duration, what was scanned, failures, peak RSS.
 *
 *   node scan.ts ENDPOINT CONCURRENCY RETRY_MODE MAX_ATTEMPTS LEDGER
 *
 * LEDGER `memory`: the CLI's in-memory ledger (every tag held in this process); `outside`: a
 * ledger that keeps nothing here and only counts what it is given — the deployed function's
 * case, whose ledger is DynamoDB (a first scan: every tag is new).
 *
 * Also `node scan.ts --ledger-writes ENDPOINT TABLE N`: N pushes through the DynamoDB ledger
 * (16 at once, as the scan seeds a repository), to measure what a DynamoDB ledger would cost.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { scanRetryStrategy } from '../../lib/aws/clients.ts';
import { createDynamoLedger } from '../../lib/aws/dynamodb-ledger.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { paceThrottledRequests } from '../../lib/aws/throttle-pacing.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import { EMPTY_CONFIG_RECORD } from '../../lib/core/engine/records.ts';
import { observeTag } from '../../lib/core/engine/tag-history.ts';
import { runScan } from '../../lib/core/scan/scan.ts';
import { SILENT } from '../../lib/core/telemetry.ts';
import { loadPolicy } from '../../lib/io/policy/load.ts';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret-key' };
const report = (value: unknown) => writeSync(3, `${JSON.stringify(value)}\n`);
const args = process.argv.slice(2);

if (args[0] === '--ledger-writes') {
  const [, endpoint, table, count] = args;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
  const ledger = createDynamoLedger({ client, tableName: table as string });
  const n = Number(count);
  const ref = { account: '123456789012', region: 'us-east-1', repository: `writes-${Date.now()}` };
  const at = { time: new Date().toISOString(), eventId: null };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        const i = next++;
        const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
        await ledger.updateTag(ref, `t${i}`, (prev) => ({
          next: observeTag(prev, { kind: 'push', digest, ...at }),
          found: [],
        }));
      }
    }),
  );
  report({ writes: n, ms: performance.now() - started });
  client.destroy();
} else {
  const [endpoint, concurrency, retryMode, maxAttempts, kind] = args;
  const client = new ECRClient({
    region: 'us-east-1',
    endpoint,
    credentials: CREDENTIALS,
    ...(retryMode === 'scan'
      ? { retryStrategy: scanRetryStrategy() }
      : { retryMode: retryMode as 'adaptive' | 'standard', maxAttempts: Number(maxAttempts) }),
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
    },
  });
  // The product's client (createScanEcrClient) is paced as well as retried.
  const ecr = retryMode === 'scan' ? paceThrottledRequests(client) : client;
  const policy = await loadPolicy(new URL('../../policy.yml', import.meta.url).pathname);
  const memory = kind === 'memory' ? createMemoryLedger() : undefined;
  const counted = { repositories: new Set<string>(), pushes: 0 };
  const outside: Ledger = {
    async updateTag(ref) {
      counted.repositories.add(ref.repository);
      counted.pushes++;
      return [];
    },
    async tags() {
      return new Map();
    },
    async updateConfig(_target, decide) {
      return decide(EMPTY_CONFIG_RECORD).found;
    },
  };
  const ledger = memory ?? outside;
  const started = performance.now();
  const scan = await runScan({
    registry: createEcrRegistry(ecr),
    policy,
    auditor: createAuditor(policy, ledger),
    account: '123456789012',
    region: 'us-east-1',
    concurrency: Number(concurrency),
    now: () => new Date(),
    log: SILENT.log,
    metrics: SILENT.metrics,
  });
  const ms = performance.now() - started;
  let ledgerTags = counted.pushes;
  let ledgerRepositories = counted.repositories.size;
  if (memory) {
    ledgerTags = 0;
    for (const repository of memory.state.repositories.values()) ledgerTags += repository.tags.size;
    ledgerRepositories = memory.state.repositories.size;
  }
  report({
    ms,
    repositories: scan.repositories,
    ignored: scan.ignored,
    tags: scan.tags,
    ledgerRepositories,
    ledgerTags,
    findings: scan.findings.length,
    failures: scan.failures.slice(0, 5),
    failureCount: scan.failures.length,
    maxRssKiB: process.resourceUsage().maxRSS,
  });
  ecr.destroy();
}
