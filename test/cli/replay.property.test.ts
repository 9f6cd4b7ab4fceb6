/**
 * Properties of `replay` (docs/intake.md, docs/ledger.md, docs/findings.md, docs/cli.md), in-process: random histories of pushes, deletes, refused
 * pushes, configuration changes and repository deletions, rendered as a mix of ECR Image Action
 * events and CloudTrail records (raw, in a CloudTrail log file, or forwarded by EventBridge),
 * spread over several inputs in random order.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Finding,
  isAtLeast,
  SEVERITIES,
  type Severity,
} from '../../lib/core/model/findings.ts';
import { digest } from '../support/digest.ts';
import type { Json } from '../support/json.ts';
import {
  blockedPush,
  cloudTrailDelete,
  cloudTrailLog,
  cloudTrailPush,
  ecrConfig,
  ecrRecord,
  imageAction,
  ndjson,
  parseFindings,
  putMutability,
  runCli,
  specPolicy,
  tempDir,
  viaEventBridge,
  write,
} from './support.ts';

const REPOSITORIES = ['web', 'payments', 'sandbox/a', 'cache/x'] as const;
const TAGS = ['v1', 'dev-1', 'latest'] as const;

/** Configurations, and how each compares with what the example policy expects of each repository. */
const CONFIGS = {
  MUTABLE: { config: ecrConfig('MUTABLE'), key: 'MUTABLE' },
  IMMUTABLE: { config: ecrConfig('IMMUTABLE'), key: 'IMMUTABLE' },
  DEFAULT: {
    config: ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
    key: 'IMMUTABLE_WITH_EXCLUSION ["dev-*","sha256-*"]',
  },
  ALL: { config: ecrConfig('MUTABLE_WITH_EXCLUSION', '*'), key: 'MUTABLE_WITH_EXCLUSION ["*"]' },
} as const;
type ConfigName = keyof typeof CONFIGS;

type Direction = 'EQUAL' | 'LOOSENED' | 'TIGHTENED';
const DIRECTIONS: Record<(typeof REPOSITORIES)[number], Record<ConfigName, Direction>> = {
  web: { MUTABLE: 'LOOSENED', IMMUTABLE: 'TIGHTENED', DEFAULT: 'EQUAL', ALL: 'TIGHTENED' },
  payments: { MUTABLE: 'LOOSENED', IMMUTABLE: 'EQUAL', DEFAULT: 'LOOSENED', ALL: 'EQUAL' },
  'sandbox/a': { MUTABLE: 'EQUAL', IMMUTABLE: 'TIGHTENED', DEFAULT: 'TIGHTENED', ALL: 'TIGHTENED' },
  'cache/x': { MUTABLE: 'EQUAL', IMMUTABLE: 'EQUAL', DEFAULT: 'EQUAL', ALL: 'EQUAL' },
};

/** Whether the example policy makes a tag of a repository immutable. */
function expectedImmutable(repository: string, tag: string): boolean {
  if (repository === 'payments') return true;
  if (repository.startsWith('sandbox/')) return false;
  return !tag.startsWith('dev-');
}

type Op =
  | { op: 'push'; repository: string; tag: string; d: number; via: number }
  | { op: 'delete'; repository: string; tag: string; via: number }
  | { op: 'blocked'; repository: string; tag: string; d: number; via: number }
  | { op: 'config'; repository: string; name: ConfigName; via: number }
  | { op: 'deleteRepository'; repository: string; via: number };

const repository = fc.constantFrom(...REPOSITORIES);
const tag = fc.constantFrom(...TAGS);
const via = fc.nat(2);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('push' as const),
      repository,
      tag,
      d: fc.integer({ min: 1, max: 3 }),
      via,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), repository, tag, via }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('blocked' as const),
      repository,
      tag,
      d: fc.integer({ min: 1, max: 3 }),
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('config' as const),
      repository,
      name: fc.constantFrom(...(Object.keys(CONFIGS) as ConfigName[])),
      via,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('deleteRepository' as const), repository, via }),
  },
);

/** A raw item, and whether it is a raw CloudTrail record (which may go into a log file). */
interface Rendered {
  readonly item: Json;
  readonly rawRecord: boolean;
}

/**
 * Renders op `i` (at minute `i`) as ECR Image Action, a raw CloudTrail record or one forwarded
 * by EventBridge. Deletes carry the digest the tag holds, as ECR reports it.
 */
function render(ops: readonly Op[]): Rendered[] {
  const digests = new Map<string, number>();
  return ops.map((op, minutes) => renderOne(op, minutes, digests));
}

function renderOne(op: Op, minutes: number, digests: Map<string, number>): Rendered {
  const at = { repository: op.repository, minutes };
  const record = (item: Json): Rendered =>
    op.via === 2 ? { item: viaEventBridge(item), rawRecord: false } : { item, rawRecord: true };
  switch (op.op) {
    case 'push': {
      digests.set(`${op.repository} ${op.tag}`, op.d);
      const push = { ...at, tag: op.tag, digest: digest(op.d) };
      return op.via === 0
        ? { item: imageAction('PUSH', push), rawRecord: false }
        : record(cloudTrailPush(push));
    }
    case 'delete': {
      const d = digests.get(`${op.repository} ${op.tag}`) ?? 9;
      const del = { ...at, tag: op.tag, digest: digest(d) };
      return op.via === 0
        ? { item: imageAction('DELETE', del), rawRecord: false }
        : record(cloudTrailDelete(del));
    }
    case 'blocked':
      return record(blockedPush({ ...at, tag: op.tag, digest: digest(op.d) }));
    case 'config':
      return record(putMutability(at, CONFIGS[op.name].config));
    case 'deleteRepository':
      for (const key of digests.keys())
        if (key.startsWith(`${op.repository} `)) digests.delete(key);
      return record(
        ecrRecord(
          'DeleteRepository',
          at,
          { repositoryName: op.repository, force: true },
          { repository: { repositoryName: op.repository, registryId: '123456789012' } },
        ),
      );
  }
}

/** What the findings of `ops` must be, from docs/ledger.md and docs/findings.md alone: kind, repository, tag and the facts. */
function oracle(ops: readonly Op[]): string[] {
  const tags = new Map<string, { d: number; deleted: boolean }>();
  const drift = new Map<string, { key: string; since: number }>();
  const out: string[] = [];
  ops.forEach((op, minutes) => {
    const ignored = op.repository.startsWith('cache/');
    const key = `${op.repository} ${'tag' in op ? op.tag : ''}`;
    switch (op.op) {
      case 'push': {
        const prev = tags.get(key);
        tags.set(key, { d: op.d, deleted: false });
        if (!prev || prev.d === op.d || ignored) return;
        const kind = expectedImmutable(op.repository, op.tag)
          ? 'TAG_OVERWRITE_VIOLATION'
          : 'TAG_OVERWRITE_ALLOWED';
        out.push(`${kind} ${op.repository}:${op.tag} ${prev.d}->${op.d} viaDelete=${prev.deleted}`);
        return;
      }
      case 'delete': {
        const prev = tags.get(key);
        tags.set(key, { d: prev?.d ?? 9, deleted: true });
        return;
      }
      case 'blocked':
        if (ignored) return;
        out.push(
          `OVERWRITE_BLOCKED ${op.repository}:${op.tag} ${expectedImmutable(op.repository, op.tag) ? 'LOW' : 'MEDIUM'}`,
        );
        return;
      case 'config': {
        const direction = DIRECTIONS[op.repository as (typeof REPOSITORIES)[number]][op.name];
        const open = drift.get(op.repository);
        const actualKey = CONFIGS[op.name].key;
        if (direction === 'EQUAL') {
          drift.delete(op.repository);
          if (open) out.push(`CONFIG_DRIFT_RESOLVED ${op.repository}`);
          return;
        }
        if (open?.key === actualKey) return;
        // Every change of the actual configuration within an episode is a finding of its own
        // (loosened, tightened and loosened again is three findings).
        drift.set(op.repository, { key: actualKey, since: open?.since ?? minutes });
        out.push(`CONFIG_DRIFT ${op.repository} ${direction}`);
        return;
      }
      case 'deleteRepository':
        for (const k of tags.keys()) if (k.startsWith(`${op.repository} `)) tags.delete(k);
        drift.delete(op.repository);
        return;
    }
  });
  return out;
}

/** The same text as {@link oracle} gives, from real findings. */
function describeFinding(f: Finding): string {
  const n = (d: string | null) => Number.parseInt(d?.slice('sha256:'.length) ?? 'NaN', 16);
  switch (f.kind) {
    case 'TAG_OVERWRITE_VIOLATION':
    case 'TAG_OVERWRITE_ALLOWED':
      return `${f.kind} ${f.repository}:${f.tag} ${n(f.previousDigest)}->${n(f.digest)} viaDelete=${f.viaDelete}`;
    case 'OVERWRITE_BLOCKED':
      return `${f.kind} ${f.repository}:${f.tag} ${f.severity}`;
    case 'CONFIG_DRIFT':
      return `${f.kind} ${f.repository} ${f.direction}`;
    default:
      return `${f.kind} ${f.repository ?? f.templatePrefix}`;
  }
}

/**
 * Writes `items` (in the given order) into several inputs: an NDJSON file, a gzipped NDJSON file
 * behind a plain name, a CloudTrail log file (raw records only) and stdin. Returns the inputs in
 * `fileOrder` and what stdin holds.
 */
function spread(
  dir: string,
  items: readonly Rendered[],
  targets: readonly number[],
  fileOrder: readonly number[],
) {
  const buckets: Json[][] = [[], [], [], []];
  items.forEach(({ item, rawRecord }, i) => {
    const target = targets[i] ?? 0;
    buckets[target === 2 && !rawRecord ? 0 : target]?.push(item);
  });
  const inputs = [
    write(dir, 'a.ndjson', ndjson(buckets[0] ?? [])),
    write(dir, 'b.json', gzipSync(ndjson(buckets[1] ?? []))),
    write(dir, 'trail.json', cloudTrailLog(buckets[2] ?? [])),
    '-',
  ];
  return { inputs: fileOrder.map((i) => inputs[i] as string), stdin: ndjson(buckets[3] ?? []) };
}

let runs = 0;
function runDir(root: string): string {
  const dir = join(root, String(runs++));
  mkdirSync(dir);
  return dir;
}

describe('replay properties', () => {
  it('findings do not depend on input order or on how the events are spread over inputs', async () => {
    const root = tempDir();
    const policy = specPolicy(root);
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 25 }).chain((ops) =>
          fc.record({
            ops: fc.constant(ops),
            order: fc.shuffledSubarray([...ops.keys()], {
              minLength: ops.length,
              maxLength: ops.length,
            }),
            targets: fc.array(fc.nat(3), { minLength: ops.length, maxLength: ops.length }),
            fileOrder: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
          }),
        ),
        async ({ ops, order, targets, fileOrder }) => {
          // Prepare: one rendering, given in time order and shuffled
          const items = render(ops);
          const inOrderDir = runDir(root);
          const inOrder = write(inOrderDir, 'events.ndjson', ndjson(items.map((r) => r.item)));
          const shuffled = spread(
            runDir(root),
            order.map((i) => items[i] as Rendered),
            targets,
            fileOrder,
          );
          const args = ['replay', '--policy', policy, '--format', 'json', '--min-severity', 'INFO'];
          // Act
          const reference = await runCli([...args, inOrder]);
          const mixed = await runCli([...args, ...shuffled.inputs], { stdin: shuffled.stdin });
          // Assess
          expect(reference.code, reference.stderr).toBe(0);
          expect(mixed.code, mixed.stderr).toBe(0);
          const expected = parseFindings(reference.stdout);
          expect(parseFindings(mixed.stdout)).toEqual(expected);
          expect(expected.map(describeFinding)).toEqual(oracle(ops));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('--format json always parses, and shows exactly the findings at or above --min-severity', async () => {
    const root = tempDir();
    const policy = specPolicy(root);
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 25 }),
        fc.constantFrom(...SEVERITIES),
        fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
        async (ops, threshold: Severity, failOn: Severity | undefined) => {
          // Prepare
          const input = write(runDir(root), 'e.ndjson', ndjson(render(ops).map((r) => r.item)));
          const fail = failOn ? ['--fail-on', failOn] : [];
          // Act
          const all = await runCli([
            'replay',
            '--policy',
            policy,
            '--format',
            'json',
            '--min-severity',
            'INFO',
            input,
          ]);
          const run = await runCli([
            'replay',
            '--policy',
            policy,
            '--format',
            'json',
            '--min-severity',
            threshold,
            ...fail,
            input,
          ]);
          // Assess
          const everything = parseFindings(all.stdout);
          const shown = parseFindings(run.stdout);
          for (const f of shown) expect(isAtLeast(f.severity, threshold)).toBe(true);
          expect(shown).toEqual(everything.filter((f) => isAtLeast(f.severity, threshold)));
          const failing =
            failOn !== undefined && everything.some((f) => isAtLeast(f.severity, failOn));
          expect(run.code).toBe(failing ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
