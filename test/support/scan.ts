/**
 * One scan of a registry (lib/core/scan/scan.ts `runScan`) as the scan's own tests run it: a
 * policy that wants every repository `IMMUTABLE`, a fresh in-memory ledger, the tests' account in
 * `eu-west-1`, a fixed clock, no telemetry.
 *
 * @example
 * ```ts
 * const report = await scanOnce(createEcrRegistry(client), 4);
 * ```
 */
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import type { Registry } from '../../lib/core/scan/registry.ts';
import { runScan, type ScanReport } from '../../lib/core/scan/scan.ts';
import { SILENT } from '../../lib/core/telemetry.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from './account.ts';

const policy = parsePolicy('version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n', 'policy.yml');

/** Scans `registry`, `concurrency` repositories at once; see the module comment. */
export function scanOnce(registry: Registry, concurrency: number): Promise<ScanReport> {
  return runScan({
    registry,
    policy,
    auditor: createAuditor(policy, createMemoryLedger()),
    account: ACCOUNT,
    region: 'eu-west-1',
    concurrency,
    now: () => new Date(Date.UTC(2025, 6, 24, 6)),
    ...SILENT,
  });
}
