/**
 * The Ledger contract: the DynamoDB ledger (real DynamoDBClient → dynalite) behaves as the
 * in-memory ledger of the CLI on the same sequences of pushes, deletes and reads, and stays
 * correct under concurrent writers.
 *
 * What is compared: every field of the records `recordPush` returns and `tags()` lists, except
 * `recent`, which is compared as the set of digests the decisions consult — the record's digest
 * together with its recent digests. The DynamoDB ledger appends to `recent` without de-duplicating
 * and trims it only every few pushes, and it may keep the current digest in it (a tombstone of
 * the same digest); the decisions only ask "is this digest the current one or a recent one?".
 * With at most 8 distinct digests per tag (RECENT_DIGESTS) nothing is trimmed away in memory,
 * so that set is exactly what both must agree on; the sequences below use 5.
 */
import { ConditionalCheckFailedException, GetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoLedger, LedgerConflictError } from '../../lib/aws/dynamodb-ledger.ts';
import { pushFinding } from '../../lib/core/engine/decide.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import {
  type ConfigRecord,
  RECENT_DIGESTS,
  type TagRecord,
} from '../../lib/core/engine/records.ts';
import type { RepositoryRef } from '../../lib/core/model/refs.ts';
import { fault } from '../fakes/http.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import {
  at,
  fastDynamo,
  type LedgerTable,
  POLICY_TEXT,
  policy,
  startLedgerTable,
  TABLE,
} from './support.ts';

let table: LedgerTable;
let dynamo: Ledger;

beforeAll(async () => {
  table = await startLedgerTable();
  dynamo = createDynamoLedger({ client: fastDynamo(table), tableName: TABLE });
});
afterAll(() => table.server.close());
beforeEach(() => table.fake.reset());

const POLICY = policy(POLICY_TEXT);

/**
 * A DynamoDB ledger whose client, right after it receives the answer (or error) to the next
 * `commandName`, runs `then` (another writer) before handing the answer on: a deterministic
 * interleaving of two writers.
 */
function interleaved(commandName: string, then: () => Promise<unknown>): Ledger {
  const client = fastDynamo(table);
  let pending: (() => Promise<unknown>) | undefined = then;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } finally {
        // Also after an error answer, such as a failed condition.
        if (context.commandName === commandName && pending) {
          const run = pending;
          pending = undefined;
          await run();
        }
      }
    },
    { step: 'initialize', name: 'interleave' },
  );
  return createDynamoLedger({ client, tableName: TABLE });
}

let repositories = 0;
/** A repository no other test or run has used. */
function freshRef(): RepositoryRef {
  repositories++;
  return { account: ACCOUNT, region: 'eu-west-1', repository: `contract/repo-${repositories}` };
}

/** What the decisions can observe of a record (see the module comment). */
function observable(record: TagRecord | undefined) {
  if (record === undefined) return undefined;
  const { recent, ...rest } = record;
  return { ...rest, known: [...new Set([record.digest, ...recent])].sort() };
}

function observableTags(tags: ReadonlyMap<string, TagRecord>) {
  return Object.fromEntries(
    [...tags].sort(([a], [b]) => a.localeCompare(b)).map(([t, r]) => [t, observable(r)]),
  );
}

const TAGS = ['v1', 'latest', 'dev-1'] as const;

/** One generated step; times are relative to a clock that only moves forward. */
type Step =
  | { kind: 'push'; tag: number; digest: number; dt: number }
  | { kind: 'deleteTag'; tag: number; digest: number | null; dt: number }
  | { kind: 'deleteDigest'; digest: number; dt: number }
  | { kind: 'again'; back: number }
  | { kind: 'tags' };

/** A step with its time and event id fixed. */
type Op =
  | { kind: 'push'; tag: string; digest: string; time: string; id: string }
  | { kind: 'deleteTag'; tag: string; digest: string | null; time: string; id: string }
  | { kind: 'deleteDigest'; digest: string; time: string; id: string }
  | { kind: 'tags' };

// dt > 0 moves the clock on; 0 repeats the latest time (a tie); < 0 is a stale event.
const dt = fc.integer({ min: -4, max: 3 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      tag: fc.nat(TAGS.length - 1),
      digest: fc.integer({ min: 1, max: 5 }),
      dt,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deleteTag' as const),
      tag: fc.nat(TAGS.length - 1),
      digest: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
      dt,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteDigest' as const),
      digest: fc.integer({ min: 1, max: 5 }),
      dt,
    }),
  },
  // A redelivery of an earlier event: same time, same id.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('again' as const), back: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tags' as const) }) },
);

function toOps(steps: readonly Step[]): Op[] {
  const ops: Op[] = [];
  const events: Op[] = [];
  let clock = 100;
  steps.forEach((step, i) => {
    if (step.kind === 'tags') {
      ops.push({ kind: 'tags' });
      return;
    }
    if (step.kind === 'again') {
      const earlier = events[events.length - 1 - (step.back % Math.max(1, events.length))];
      if (earlier) ops.push(earlier);
      return;
    }
    if (step.dt > 0) clock += step.dt;
    const time = at(step.dt > 0 ? clock : clock + step.dt);
    const id = `event-${i}`;
    const op: Op =
      step.kind === 'push'
        ? { kind: 'push', tag: TAGS[step.tag] ?? 'v1', digest: digest(step.digest), time, id }
        : step.kind === 'deleteTag'
          ? {
              kind: 'deleteTag',
              tag: TAGS[step.tag] ?? 'v1',
              digest: step.digest === null ? null : digest(step.digest),
              time,
              id,
            }
          : { kind: 'deleteDigest', digest: digest(step.digest), time, id };
    ops.push(op);
    events.push(op);
  });
  // Every history ends with an overwrite of v1, so each run compares at least one finding.
  for (const [i, d] of [1, 2].entries()) {
    const time = at(clock + 1 + i);
    ops.push({ kind: 'push', tag: 'v1', digest: digest(d), time, id: `final-${i}` });
  }
  return ops;
}

/** Applies one op; returns what a caller can observe. */
async function apply(ledger: Ledger, ref: RepositoryRef, op: Op) {
  switch (op.kind) {
    case 'push': {
      const change = { time: op.time, eventId: op.id };
      const prev = await ledger.recordPush(ref, op.tag, op.digest, change);
      const found = pushFinding(POLICY, ref, prev, op.tag, op.digest, {
        ...change,
        actor: null,
        detectedBy: 'event',
      });
      return {
        prev: observable(prev),
        finding: found && [found.finding.id, found.finding.kind, found.delivery],
      };
    }
    case 'deleteTag':
      await ledger.recordDelete(ref, op.tag, op.digest, { time: op.time, eventId: op.id });
      return null;
    case 'deleteDigest':
      await ledger.recordDelete(ref, null, op.digest, { time: op.time, eventId: op.id });
      return null;
    case 'tags':
      return observableTags(await ledger.tags(ref));
  }
}

describe('DynamoDB ledger versus in-memory ledger', () => {
  it('agrees on every returned record and on the final tags, for random histories', async () => {
    expect(RECENT_DIGESTS).toBeGreaterThanOrEqual(5); // the premise of comparing `known`
    let pushesCompared = 0;
    let findingsCompared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (steps) => {
        const ops = toOps(steps);
        const ref = freshRef();
        const memory = createMemoryLedger();
        for (const [index, op] of ops.entries()) {
          const expected = await apply(memory, ref, op);
          const actual = await apply(dynamo, ref, op);
          expect({ index, op, result: actual }).toEqual({ index, op, result: expected });
          if (op.kind === 'push') {
            pushesCompared++;
            if (expected && 'finding' in expected && expected.finding) findingsCompared++;
          }
        }
        expect(observableTags(await dynamo.tags(ref))).toEqual(
          observableTags(await memory.tags(ref)),
        );
      }),
      { numRuns: 25 },
    );
    // Every run compared overwrites, not only first pushes (see the end of toOps).
    expect(pushesCompared).toBeGreaterThanOrEqual(2 * 25);
    expect(findingsCompared).toBeGreaterThanOrEqual(25);
  });

  it('agrees on forgetting a repository', async () => {
    const ref = freshRef();
    const memory = createMemoryLedger();
    for (const ledger of [memory, dynamo]) {
      await ledger.recordPush(ref, 'v1', digest(1), { time: at(1), eventId: 'a' });
      await ledger.recordPush(ref, 'v2', digest(2), { time: at(2), eventId: 'b' });
      await ledger.forget({ kind: 'repository', ref });
      expect((await ledger.tags(ref)).size).toBe(0);
      expect(await ledger.recordPush(ref, 'v1', digest(3), { time: at(3), eventId: 'c' })).toBe(
        undefined,
      );
    }
  });
});

describe('DynamoDB ledger under concurrent writers', () => {
  it('chains concurrent pushes of one tag: every transition is seen exactly once, none lost', async () => {
    const ref = freshRef();
    const n = RECENT_DIGESTS + 1;
    const digests = Array.from({ length: n }, (_, i) => digest(100 + i));
    const prevs = await Promise.all(
      digests.map((d, i) =>
        dynamo.recordPush(ref, 'v1', d, { time: at(10), eventId: `concurrent-${i}` }),
      ),
    );
    // Exactly one push found the tag unknown; the other n-1 each saw a different previous digest.
    expect(prevs.filter((p) => p === undefined)).toHaveLength(1);
    const seen = prevs.flatMap((p) => (p ? [p.digest] : []));
    expect(seen).toHaveLength(n - 1);
    expect(new Set(seen).size).toBe(n - 1);
    for (const [i, prev] of prevs.entries()) expect(prev?.digest).not.toBe(digests[i]);
    // The last writer is the one nobody saw as previous, and every other digest is remembered.
    const final = (await dynamo.tags(ref)).get('v1');
    const last = digests.filter((d) => !seen.includes(d));
    expect(last).toHaveLength(1);
    expect(final?.digest).toBe(last[0]);
    expect(new Set(final?.recent)).toEqual(new Set(seen));
    expect(table.fake.count('UpdateItem')).toBe(n);
  });

  it('keeps the latest of concurrent pushes with different times, and remembers the late ones', async () => {
    const ref = freshRef();
    const n = 8;
    const digests = Array.from({ length: n }, (_, i) => digest(200 + i));
    // Sent all at once, in an order unrelated to their times.
    const order = [3, 7, 0, 5, 1, 6, 2, 4];
    await Promise.all(
      order.map((i) =>
        dynamo.recordPush(ref, 'v1', digests[i] ?? '', { time: at(20 + i), eventId: `t-${i}` }),
      ),
    );
    const final = (await dynamo.tags(ref)).get('v1');
    expect(final?.digest).toBe(digests[n - 1]);
    expect(final?.time).toBe(at(20 + n - 1));
    expect(final?.eventId).toBe(`t-${n - 1}`);
    expect(new Set([final?.digest, ...(final?.recent ?? [])])).toEqual(new Set(digests));
  });

  it('remembers a late push even when a newer push lands in between', async () => {
    const ref = freshRef();
    await dynamo.recordPush(ref, 'v1', digest(1), { time: at(10), eventId: 'p1' });
    // The late push's write fails its condition (it is older); before it records its digest
    // among the recent ones, a newer push moves the tag.
    const racing = interleaved('UpdateItemCommand', () =>
      dynamo.recordPush(ref, 'v1', digest(3), { time: at(30), eventId: 'p3' }),
    );
    const prev = await racing.recordPush(ref, 'v1', digest(2), { time: at(5), eventId: 'late' });
    expect(prev).toMatchObject({ digest: digest(1), time: at(10) });
    const record = (await dynamo.tags(ref)).get('v1');
    expect(record).toMatchObject({ digest: digest(3), time: at(30), eventId: 'p3' });
    expect(record?.recent).toEqual(expect.arrayContaining([digest(1), digest(2)]));
    // So a redelivery of the late push is recognised, and reports nothing again.
    const again = await dynamo.recordPush(ref, 'v1', digest(2), { time: at(5), eventId: 'late' });
    expect(again?.recent).toContain(digest(2));
  });

  it('never trims away a digest a concurrent late push just remembered', async () => {
    const ref = freshRef();
    // Enough pushes for the next one to trim the tag's recent digests.
    for (let i = 0; i <= 2 * RECENT_DIGESTS; i++) {
      await dynamo.recordPush(ref, 'v1', digest(1 + (i % 2)), {
        time: at(100 + i),
        eventId: `p${i}`,
      });
    }
    const racing = interleaved('UpdateItemCommand', () =>
      dynamo.recordPush(ref, 'v1', digest(7), { time: at(150), eventId: 'late' }),
    );
    await racing.recordPush(ref, 'v1', digest(5), { time: at(200), eventId: 'trim' });
    const record = (await dynamo.tags(ref)).get('v1');
    expect(record?.digest).toBe(digest(5));
    expect(new Set(record?.recent)).toEqual(new Set([digest(1), digest(2), digest(7)]));
    // A later push trims the list to the distinct digests.
    await dynamo.recordPush(ref, 'v1', digest(6), { time: at(300), eventId: 'next' });
    await dynamo.recordPush(ref, 'v1', digest(8), { time: at(301), eventId: 'next2' });
    const trimmed = (await dynamo.tags(ref)).get('v1');
    expect(trimmed?.recent.length).toBeLessThanOrEqual(2 * RECENT_DIGESTS + 1);
    expect(new Set(trimmed?.recent)).toEqual(
      new Set([digest(1), digest(2), digest(5), digest(6), digest(7)]),
    );
  });

  it('tombstones only tags still at the digest when deleting by digest', async () => {
    const ref = freshRef();
    await dynamo.recordPush(ref, 'a', digest(1), { time: at(1), eventId: 'p1' });
    await dynamo.recordPush(ref, 'b', digest(1), { time: at(1), eventId: 'p2' });
    await dynamo.recordPush(ref, 'c', digest(2), { time: at(1), eventId: 'p3' });
    // Another writer moves `b` right after the delete's Query answered, before its writes.
    let moved = false;
    const racing = interleaved('QueryCommand', async () => {
      await dynamo.recordPush(ref, 'b', digest(3), { time: at(4), eventId: 'p4' });
      moved = true;
    });
    await racing.recordDelete(ref, null, digest(1), { time: at(5), eventId: 'del' });
    expect(moved).toBe(true);
    const tags = await dynamo.tags(ref);
    expect(tags.get('a')).toMatchObject({ digest: digest(1), deleted: true, eventId: 'del' });
    expect(tags.get('b')).toMatchObject({ digest: digest(3), deleted: false, eventId: 'p4' });
    expect(tags.get('c')).toMatchObject({ digest: digest(2), deleted: false, eventId: 'p3' });
  });
});

describe('DynamoDB ledger: configuration records', () => {
  const record = (eventId: string): ConfigRecord => ({
    config: null,
    configTime: null,
    drift: null,
    eventId,
    finding: null,
  });

  it('applies concurrent read-decide-write updates without losing one (optimistic retry)', async () => {
    const ref = freshRef();
    const target = { kind: 'repository' as const, ref };
    const writers = 5; // each can lose at most writers-1 times: within MAX_CONFIG_ATTEMPTS
    let decisions = 0;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        dynamo.updateConfig(target, (prev) => {
          decisions++;
          const ids = prev.eventId ? prev.eventId.split(',') : [];
          return { next: record([...ids, `w${i}`].join(',')), found: null };
        }),
      ),
    );
    let final: ConfigRecord | undefined;
    await dynamo.updateConfig(target, (prev) => {
      final = prev;
      return { next: null, found: null };
    });
    expect(final?.eventId?.split(',').sort()).toEqual(
      Array.from({ length: writers }, (_, i) => `w${i}`).sort(),
    );
    // Every decision was followed by one conditional write; the losers were retried.
    const puts = table.fake.requests.filter((r) => r.operation === 'PutItem');
    expect(puts).toHaveLength(decisions);
    const item = await table.client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: {
          pk: { S: `REPO#${ref.account}#${ref.region}#${ref.repository}` },
          sk: { S: 'CONFIG' },
        },
        ConsistentRead: true,
      }),
    );
    expect(item.Item?.ver).toEqual({ N: String(writers) });
  });

  it('decides again on the newer record after a conflicting write', async () => {
    const ref = freshRef();
    const target = { kind: 'repository' as const, ref };
    await dynamo.updateConfig(target, () => ({ next: record('first'), found: null }));
    // Writer B stores its record right after writer A has read `first`.
    const racing = interleaved('GetItemCommand', () =>
      dynamo.updateConfig(target, (prev) => ({ next: record(`${prev.eventId}+B`), found: null })),
    );
    const seen: (string | null)[] = [];
    await racing.updateConfig(target, (prev) => {
      seen.push(prev.eventId);
      return { next: record(`${prev.eventId}+A`), found: null };
    });
    expect(seen).toEqual(['first', 'first+B']);
    let final: ConfigRecord | undefined;
    await dynamo.updateConfig(target, (prev) => {
      final = prev;
      return { next: null, found: null };
    });
    expect(final?.eventId).toBe('first+B+A');
  });

  it('gives up with LedgerConflictError when every attempt conflicts', async () => {
    const ref = freshRef();
    table.fake.injectWith('PutItem', () => fault.error('ConditionalCheckFailedException'));
    let decisions = 0;
    const update = dynamo.updateConfig({ kind: 'repository', ref }, () => {
      decisions++;
      return { next: record('x'), found: null };
    });
    await expect(update).rejects.toBeInstanceOf(LedgerConflictError);
    expect(decisions).toBe(5);
    // The error is the ledger's, not the SDK's: callers can tell a conflict from an outage.
    await expect(update).rejects.not.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
