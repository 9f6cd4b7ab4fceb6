/**
 * Row 7: the organization scan's planner (lib/core/org/plan.ts `planWorkItems`) on ACCOUNTS
 * accounts × REGIONS regions, in a fresh process so that its memory is its own. Reports on fd 3:
 * the first call's time and memory (RSS and heap before it, peak RSS after it, heap after it
 * while the batches are still held), the median of RUNS later calls, and every batch's size.
 *
 *   node --expose-gc org-plan.ts ACCOUNTS REGIONS RUNS
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { planWorkItems } from '../../lib/core/org/plan.ts';

const REGION_NAMES = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const [accountCount, regionCount, runCount] = process.argv.slice(2).map(Number);
const accounts = Array.from({ length: accountCount ?? 0 }, (_, i) =>
  String(100_000_000_000 + ((i * 7_919_993) % 900_000_000_000)).padStart(12, '0'),
);
const regions = REGION_NAMES.slice(0, regionCount);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const rssBefore = process.memoryUsage.rss();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const batches = planWorkItems(accounts, regions);
const firstMs = performance.now() - started;
const heapAfter = process.memoryUsage().heapUsed;
const peakRss = process.resourceUsage().maxRSS * 1024;
const bytes = batches.map((b) => Buffer.byteLength(JSON.stringify(b), 'utf8'));
const items = batches.reduce((n, b) => n + b.length, 0);
const distinct = new Set(batches.flat().map((i) => `${i.account}/${i.region}`)).size;
const later: number[] = [];
for (let r = 0; r < (runCount ?? 0); r++) {
  const t = performance.now();
  planWorkItems(accounts, regions);
  later.push(performance.now() - t);
}
later.sort((a, b) => a - b);
writeSync(
  3,
  `${JSON.stringify({
    firstMs,
    laterMedianMs: later[Math.floor(later.length / 2)] ?? Number.NaN,
    rssBefore,
    peakRss,
    heapDelta: heapAfter - heapBefore,
    batches: batches.length,
    items,
    distinct,
    largestBatchBytes: Math.max(...bytes),
    smallestBatchBytes: Math.min(...bytes),
  })}\n`,
);
