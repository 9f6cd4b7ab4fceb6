/**
 * The organization scan's planner (lib/core/org/plan.ts): accounts × regions as work items,
 * sorted, once each, batched under the Step Functions payload limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchLimitError, InvalidWorkItemError } from '../../lib/core/org/errors.ts';
import { DEFAULT_MAX_BATCH_BYTES, planWorkItems, type WorkItem } from '../../lib/core/org/plan.ts';

/** `n` distinct 12-digit account ids. */
function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100_000_000_000 + i * 7919));
}

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
  'ca-central-1',
];

const bytesOf = (batch: readonly WorkItem[]) => Buffer.byteLength(JSON.stringify(batch), 'utf8');
const keyOf = (item: WorkItem) => `${item.account}/${item.region}`;

describe('planWorkItems', () => {
  it('cuts 17,000 account-regions into batches under 256 KiB, losing and repeating none', () => {
    // Prepare: 1,700 accounts in 10 regions
    const ids = accounts(1_700);
    // Act
    const batches = planWorkItems(ids, REGIONS);
    // Assess
    const items = batches.flat();
    expect(items).toHaveLength(17_000);
    expect(new Set(items.map(keyOf)).size).toBe(17_000);
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(bytesOf(batch)).toBeLessThanOrEqual(DEFAULT_MAX_BATCH_BYTES);
    }
    // more than one batch is needed (17,000 items of ~45 bytes), and each is nearly full
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches.slice(0, -1)) {
      expect(bytesOf(batch)).toBeGreaterThan(DEFAULT_MAX_BATCH_BYTES - 60);
    }
  });

  it('sorts by account then region and drops duplicates', () => {
    // Prepare
    const ids = ['222222222222', '111111111111', '222222222222'];
    // Act
    const batches = planWorkItems(ids, ['us-east-1', 'eu-west-1', 'us-east-1']);
    // Assess
    expect(batches).toEqual([
      [
        { account: '111111111111', region: 'eu-west-1' },
        { account: '111111111111', region: 'us-east-1' },
        { account: '222222222222', region: 'eu-west-1' },
        { account: '222222222222', region: 'us-east-1' },
      ],
    ]);
  });

  it('plans nothing for no accounts or no regions', () => {
    // Act / Assess
    expect(planWorkItems([], REGIONS)).toEqual([]);
    expect(planWorkItems(accounts(3), [])).toEqual([]);
  });

  it('fills a batch exactly up to the limit, and starts the next one byte past it', () => {
    // Prepare: two items of the same size; a limit that fits both exactly, and one byte less
    const one = bytesOf([{ account: '111111111111', region: 'eu-west-1' }]);
    const two = bytesOf([
      { account: '111111111111', region: 'eu-west-1' },
      { account: '111111111111', region: 'eu-west-2' },
    ]);
    const regions = ['eu-west-1', 'eu-west-2'];
    // Act
    const exact = planWorkItems(['111111111111'], regions, { maxBatchBytes: two });
    const under = planWorkItems(['111111111111'], regions, { maxBatchBytes: two - 1 });
    const single = planWorkItems(['111111111111'], regions, { maxBatchBytes: one });
    // Assess
    expect(exact.map((b) => b.length)).toEqual([2]);
    expect(under.map((b) => b.length)).toEqual([1, 1]);
    expect(single.map((b) => b.length)).toEqual([1, 1]);
  });

  it('refuses a limit below one item, and accounts or regions that are not ones', () => {
    // Act / Assess
    expect(() => planWorkItems(['111111111111'], ['eu-west-1'], { maxBatchBytes: 20 })).toThrow(
      BatchLimitError,
    );
    expect(() => planWorkItems(['12345'], ['eu-west-1'])).toThrow(InvalidWorkItemError);
    expect(() => planWorkItems(['111111111111'], ['EU west'])).toThrow(/not an AWS region/);
  });

  it('property: the batches together are the cross product, each batch within the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^\d{12}$/), { maxLength: 40 }),
        fc.subarray(REGIONS),
        fc.integer({ min: 60, max: 2_000 }),
        (ids, regions, limit) => {
          // Act
          const batches = planWorkItems(ids, regions, { maxBatchBytes: limit });
          // Assess
          const expected = [...new Set(ids)].flatMap((a) => regions.map((r) => `${a}/${r}`));
          const got = batches.flat().map(keyOf);
          expect([...got].sort()).toEqual([...expected].sort());
          expect(new Set(got).size).toBe(got.length);
          expect(got).toEqual([...got].sort());
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(bytesOf(batch)).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});
