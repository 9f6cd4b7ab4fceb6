/**
 * The Ledger contract: the DynamoDB ledger (real DynamoDBClient → dynalite) behaves as the
 * in-memory ledger of the CLI on the same sequences of pushes, deletes, repository deletes and
 * reads, and stays correct under concurrent writers.
 *
 * What is compared: the findings the auditor returns over each ledger, and every record `tags()`
 * lists — both ledgers store the same tag histories (DynamoDB as JSON), decided by the same
 * functions through `updateTag`.
 */
import { ConditionalCheckFailedException, GetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoLedger, LedgerConflictError } from '../../lib/aws/dynamodb-ledger.ts';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { decideTag, type Provenance } from '../../lib/core/engine/decide.ts';
import type { Ledger } from '../../lib/core/engine/ledger.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import {
  type ConfigRecord,
  TAG_HISTORY_LIMIT,
  type TagRecord,
} from '../../lib/core/engine/records.ts';
import { recordedMoves, tagState } from '../../lib/core/engine/tag-history.ts';
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
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

/** The records `tags()` lists, in tag order. */
function sortedTags(tags: ReadonlyMap<string, TagRecord>) {
  return Object.fromEntries([...tags].sort(([a], [b]) => a.localeCompare(b)));
}

/** What a caller can tell of findings: id, kind and delivery decision. */
const summary = (found: readonly Found[]) =>
  found.map(({ finding, delivery }) => [finding.id, finding.kind, delivery]);

const TAGS = ['v1', 'latest', 'dev-1'] as const;

/** One generated step; times are relative to a clock that only moves forward. */
type Step =
  | { kind: 'push'; tag: number; digest: number; dt: number }
  | { kind: 'deleteTag'; tag: number; digest: number | null; dt: number }
  | { kind: 'deleteDigest'; digest: number; dt: number }
  | { kind: 'deleteRepository'; dt: number }
  | { kind: 'again'; back: number }
  | { kind: 'tags' };

/** A step with its time and event id fixed: a domain event, or a read of the tags. */
type Op = { kind: 'event'; event: DomainEvent } | { kind: 'tags' };

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
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteRepository' as const), dt }),
  },
  // A redelivery of an earlier event: same time, same id.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('again' as const), back: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tags' as const) }) },
);

function toOps(ref: RepositoryRef, steps: readonly Step[]): Op[] {
  const ops: Op[] = [];
  const events: Op[] = [];
  const base = {
    account: ref.account,
    region: ref.region,
    repository: ref.repository,
    actor: null,
    origin: 'cloudtrail' as const,
  };
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
    const common = { ...base, time: at(step.dt > 0 ? clock : clock + step.dt), eventId: `e-${i}` };
    const event: DomainEvent =
      step.kind === 'push'
        ? { ...common, type: 'push', tag: TAGS[step.tag] ?? 'v1', digest: digest(step.digest) }
        : step.kind === 'deleteTag'
          ? {
              ...common,
              type: 'delete',
              tag: TAGS[step.tag] ?? 'v1',
              digest: step.digest === null ? null : digest(step.digest),
            }
          : step.kind === 'deleteDigest'
            ? { ...common, type: 'delete', tag: null, digest: digest(step.digest) }
            : { ...common, type: 'repository-deleted' };
    const op: Op = { kind: 'event', event };
    ops.push(op);
    events.push(op);
  });
  // Every history ends with an overwrite of v1, so each run compares at least one finding.
  for (const [i, d] of [1, 2].entries()) {
    const time = at(clock + 10 + 10 * i);
    const event: DomainEvent = {
      ...base,
      type: 'push',
      tag: 'v1',
      digest: digest(d),
      time,
      eventId: `final-${i}`,
    };
    ops.push({ kind: 'event', event });
  }
  return ops;
}

/** Applies one op through an auditor over `ledger`; returns what a caller can observe. */
async function apply(ledger: Ledger, ref: RepositoryRef, op: Op) {
  if (op.kind === 'tags') return sortedTags(await ledger.tags(ref));
  return summary(await createAuditor(POLICY, ledger).apply(op.event));
}

/** A push of `tag` at `d` through `decideTag`, as the auditor makes it. */
function pushTag(
  ledger: Ledger,
  ref: RepositoryRef,
  tag: string,
  d: string,
  time: string,
  eventId: string,
): Promise<readonly Found[]> {
  const provenance: Provenance = { time, eventId, actor: null, detectedBy: 'event' };
  return ledger.updateTag(ref, tag, (prev) =>
    decideTag(POLICY, ref, tag, prev, { kind: 'push', digest: d, time, eventId }, provenance),
  );
}

/** [previous digest, digest] of each finding. */
const moves = (found: readonly Found[]) =>
  found.map(({ finding }) => [finding.previousDigest, finding.digest]);

/** The digests of a record's entries, oldest first. */
const entryDigests = (record: TagRecord | undefined) =>
  (record?.entries ?? []).map((entry) => entry.digest);

describe('DynamoDB ledger versus in-memory ledger', () => {
  it('agrees on every finding and on every record, for random histories', async () => {
    let pushesCompared = 0;
    let findingsCompared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (steps) => {
        const ref = freshRef();
        const ops = toOps(ref, steps);
        const memory = createMemoryLedger();
        for (const [index, op] of ops.entries()) {
          const expected = await apply(memory, ref, op);
          const actual = await apply(dynamo, ref, op);
          expect({ index, op, result: actual }).toEqual({ index, op, result: expected });
          if (op.kind === 'event' && op.event.type === 'push') {
            pushesCompared++;
            if (Array.isArray(expected)) findingsCompared += expected.length;
          }
        }
        expect(sortedTags(await dynamo.tags(ref))).toEqual(sortedTags(await memory.tags(ref)));
      }),
      { numRuns: 25 },
    );
    // Every run compared overwrites, not only first pushes (see the end of toOps).
    expect(pushesCompared).toBeGreaterThanOrEqual(2 * 25);
    expect(findingsCompared).toBeGreaterThanOrEqual(25);
  });

  it('agrees on a repository delete: what is older is forgotten, what is newer stays', async () => {
    const ref = freshRef();
    const memory = createMemoryLedger();
    const base = {
      account: ref.account,
      region: ref.region,
      repository: ref.repository,
      actor: null,
      origin: 'cloudtrail' as const,
    };
    const results = [];
    for (const ledger of [memory, dynamo]) {
      const auditor = createAuditor(POLICY, ledger);
      await pushTag(ledger, ref, 'v1', digest(1), at(1), 'a');
      await pushTag(ledger, ref, 'v2', digest(2), at(2), 'b');
      // The re-created repository's push, processed before the (late) delete.
      await pushTag(ledger, ref, 'v3', digest(3), at(20), 'c');
      await auditor.apply({ ...base, type: 'repository-deleted', time: at(10), eventId: 'del' });
      const tags = await ledger.tags(ref);
      expect(tags.get('v1')?.entries).toEqual([]);
      expect(tagState(tags.get('v1'))).toEqual({ digest: null, live: false });
      expect(tagState(tags.get('v2'))).toEqual({ digest: null, live: false });
      expect(tagState(tags.get('v3'))).toEqual({ digest: digest(3), live: true });
      // A late push of the deleted repository is ignored; a push after the delete is a first push.
      expect(await pushTag(ledger, ref, 'v1', digest(4), at(5), 'late')).toEqual([]);
      expect(tagState((await ledger.tags(ref)).get('v1'))).toEqual({ digest: null, live: false });
      expect(await pushTag(ledger, ref, 'v1', digest(5), at(30), 'd')).toEqual([]);
      expect(tagState((await ledger.tags(ref)).get('v1'))).toEqual({
        digest: digest(5),
        live: true,
      });
      // A repository delete older than the floor changes nothing.
      await auditor.apply({ ...base, type: 'repository-deleted', time: at(8), eventId: 'old' });
      results.push(sortedTags(await ledger.tags(ref)));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]?.v1?.floor).toBe(at(10));
  });
});

describe('DynamoDB ledger under concurrent writers', () => {
  // Each writer can lose at most n-1 times: within the ledger's 6 attempts.
  const n = 6;

  it('chains concurrent pushes of one tag: every transition is seen exactly once, none lost', async () => {
    const ref = freshRef();
    const digests = Array.from({ length: n }, (_, i) => digest(100 + i));
    const found = (
      await Promise.all(
        digests.map((d, i) => pushTag(dynamo, ref, 'v1', d, at(10), `concurrent-${i}`)),
      )
    ).flat();
    // n-1 moves: every digest but one superseded exactly once, every digest but one moved to.
    const superseded = found.map(({ finding }) => finding.previousDigest);
    const movedTo = found.map(({ finding }) => finding.digest);
    expect(found).toHaveLength(n - 1);
    expect(new Set(superseded).size).toBe(n - 1);
    expect(new Set(movedTo).size).toBe(n - 1);
    for (const { finding } of found) expect(finding.previousDigest).not.toBe(finding.digest);
    expect(found.every(({ delivery }) => delivery === 'fresh')).toBe(true);
    // The last version is the one nobody superseded; the first, the one nobody moved to.
    const record = (await dynamo.tags(ref)).get('v1');
    const last = digests.filter((d) => !superseded.includes(d));
    expect(last).toHaveLength(1);
    expect(tagState(record)).toEqual({ digest: last[0], live: true });
    expect(new Set(entryDigests(record))).toEqual(new Set(digests));
    // The record holds exactly the moves alerted.
    const recorded = record ? recordedMoves(record).map(({ from, move }) => [from, move.to]) : [];
    expect(new Set(recorded.map(String))).toEqual(new Set(moves(found).map(String)));
    // Every write was one conditional PutItem; the losers read nothing, the failure returned the item.
    expect(table.fake.count('PutItem')).toBeGreaterThanOrEqual(n);
    expect(table.fake.count('GetItem')).toBe(0);
  });

  it('keeps the latest of concurrent pushes with different times, and remembers the late ones', async () => {
    const ref = freshRef();
    const digests = Array.from({ length: n }, (_, i) => digest(200 + i));
    // Sent all at once, in an order unrelated to their times (10 s apart: no copies).
    const order = [3, 0, 5, 1, 2, 4];
    const found = (
      await Promise.all(
        order.map((i) => pushTag(dynamo, ref, 'v1', digests[i] ?? '', at(20 + 10 * i), `t-${i}`)),
      )
    ).flat();
    const record = (await dynamo.tags(ref)).get('v1');
    expect(tagState(record)).toEqual({ digest: digests[n - 1], live: true });
    const lastEntry = record?.entries[record.entries.length - 1];
    expect(lastEntry).toMatchObject({ time: at(20 + 10 * (n - 1)), eventId: `t-${n - 1}` });
    // In time order, whatever the arrival order.
    expect(entryDigests(record)).toEqual(digests);
    // Every version but the last was reported superseded, once.
    expect(found.map(({ finding }) => finding.previousDigest).sort()).toEqual(
      digests.slice(0, -1).sort(),
    );
  });

  it('remembers a late push even when a newer push lands in between', async () => {
    const ref = freshRef();
    await pushTag(dynamo, ref, 'v1', digest(1), at(10), 'p1');
    // The late push's first write fails its condition (the tag exists); before it writes
    // again, a newer push moves the tag, so its second write conflicts too.
    const racing = interleaved('PutItemCommand', () =>
      pushTag(dynamo, ref, 'v1', digest(3), at(30), 'p3'),
    );
    const late = await pushTag(racing, ref, 'v1', digest(2), at(5), 'late');
    // The late version was superseded by the one that followed it in time.
    expect(moves(late)).toEqual([[digest(2), digest(1)]]);
    const record = (await dynamo.tags(ref)).get('v1');
    expect(tagState(record)).toEqual({ digest: digest(3), live: true });
    expect(entryDigests(record)).toEqual([digest(2), digest(1), digest(3)]);
    expect(record?.entries[2]).toMatchObject({ time: at(30), eventId: 'p3' });
    // So a redelivery of the late push is recognised: the same finding again, nothing written.
    const puts = table.fake.count('PutItem');
    const again = await pushTag(dynamo, ref, 'v1', digest(2), at(5), 'late');
    expect(summary(again)).toEqual(
      late.map(({ finding }) => [finding.id, finding.kind, 'redelivered']),
    );
    expect(table.fake.count('PutItem')).toBe(puts + 1); // the failed conditional put
    expect((await dynamo.tags(ref)).get('v1')).toEqual(record);
  });

  it('never drops a late push a concurrent writer just recorded when it bounds the history', async () => {
    const ref = freshRef();
    // A full history: the next push drops the oldest entry.
    for (let i = 0; i < TAG_HISTORY_LIMIT; i++) {
      await pushTag(dynamo, ref, 'v1', digest(1 + (i % 2)), at(100 + 10 * i), `p${i}`);
    }
    const racing = interleaved('PutItemCommand', () =>
      pushTag(dynamo, ref, 'v1', digest(7), at(250), 'late'),
    );
    await pushTag(racing, ref, 'v1', digest(5), at(300), 'trim');
    const record = (await dynamo.tags(ref)).get('v1');
    expect(tagState(record)).toEqual({ digest: digest(5), live: true });
    expect(record?.entries).toHaveLength(TAG_HISTORY_LIMIT);
    expect(record?.entries.slice(-2).map((e) => [e.digest, e.eventId])).toEqual([
      [digest(7), 'late'],
      [digest(5), 'trim'],
    ]);
    expect(record?.floor).not.toBeNull();
    // Every version but the last holds its move, and the late one moved to the newest.
    const marks = record ? recordedMoves(record) : [];
    expect(marks.at(-1)).toMatchObject({ from: digest(7), move: { to: digest(5), by: 'trim' } });
  });

  it('tombstones only tags still at the digest when deleting by digest', async () => {
    const ref = freshRef();
    await pushTag(dynamo, ref, 'a', digest(1), at(1), 'p1');
    await pushTag(dynamo, ref, 'b', digest(1), at(1), 'p2');
    await pushTag(dynamo, ref, 'c', digest(2), at(1), 'p3');
    // Another writer moves `b` right after the delete's Query answered, before its writes.
    let moved = false;
    const racing = interleaved('QueryCommand', async () => {
      await pushTag(dynamo, ref, 'b', digest(3), at(4), 'p4');
      moved = true;
    });
    await createAuditor(POLICY, racing).apply({
      type: 'delete',
      account: ref.account,
      region: ref.region,
      repository: ref.repository,
      tag: null,
      digest: digest(1),
      time: at(5),
      eventId: 'del',
      actor: null,
      origin: 'cloudtrail',
    });
    expect(moved).toBe(true);
    const tags = await dynamo.tags(ref);
    expect(tagState(tags.get('a'))).toEqual({ digest: digest(1), live: false });
    expect(tags.get('a')?.entries.at(-1)).toMatchObject({ kind: 'delete', eventId: 'del' });
    expect(tagState(tags.get('b'))).toEqual({ digest: digest(3), live: true });
    expect(tags.get('b')?.entries.at(-1)).toMatchObject({ kind: 'push', eventId: 'p4' });
    expect(tagState(tags.get('c'))).toEqual({ digest: digest(2), live: true });
    expect(tags.get('c')?.entries.at(-1)).toMatchObject({ kind: 'push', eventId: 'p3' });
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
    const writers = 5; // each can lose at most writers-1 times: within the ledger's 6 attempts (MAX_ATTEMPTS)
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
    expect(decisions).toBe(6); // the ledger's MAX_ATTEMPTS
    // The error is the ledger's, not the SDK's: callers can tell a conflict from an outage.
    await expect(update).rejects.not.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
