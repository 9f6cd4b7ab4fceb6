/**
 * The built Lambda bundles (dist/handlers/*.mjs), each run in a child Node process as Lambda
 * would run it — `handler(event, context)` with only the environment the function gets — with
 * the SDK's own endpoint variables pointing at the fakes.
 *
 * The build (`node scripts/build.mjs`) runs in a temporary mirror of the repository (symbolic
 * links to every top-level entry but `dist` and `.git`), so that its `dist/` is its own: other
 * test files build `dist/cli.mjs` in the repository while this one runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUS_NAME, type LedgerTable, startLedgerTable, TABLE, TOPIC } from '../aws/support.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import type { StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { digest } from '../support/digest.ts';
import { mirrorRepository } from '../support/mirror.ts';
import { findingOfMessage } from '../support/published.ts';
import { eventUuid } from '../support/uuid.ts';
import { type Invocation, invokeBundle } from './bundle-runner.ts';
import { bundleEnv, cloudTrailPutImage, imagePush, SAMPLE } from './support.ts';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let work: string;
let mirror: string;
let table: LedgerTable;
const sns = new FakeSns({ topics: [TOPIC] });
const events = new FakeEventBridge({ buses: [BUS_NAME] });
const ecr = new FakeEcr({ accountId: SAMPLE.account, region: SAMPLE.region });
let snsServer: StartedServer;
let eventsServer: StartedServer;
let ecrServer: StartedServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-bundles-'));
  mirror = mirrorRepository(join(work, 'repo'));
  const build = execFileAsync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd: mirror,
    timeout: 120_000,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  [table, snsServer, eventsServer, ecrServer] = await Promise.all([
    startLedgerTable(),
    sns.start(),
    events.start(),
    ecr.start(),
    build,
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([
    table?.server.close(),
    snsServer?.close(),
    eventsServer?.close(),
    ecrServer?.close(),
  ]);
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  sns.reset();
  events.reset();
  table.fake.reset();
  ecr.reset();
});

/** Invokes `dist/handlers/<name>.mjs` of the mirror with `event`, as Lambda would. */
function invoke(
  name: 'image-action' | 'api-call' | 'scheduled-scan',
  event: unknown,
  extraEnv: Record<string, string> = {},
): Promise<Invocation> {
  const baseEnv = bundleEnv(work, {
    dynamodb: table.server.endpoint,
    sns: snsServer.endpoint,
    eventbridge: eventsServer.endpoint,
    ecr: ecrServer.endpoint,
  });
  return invokeBundle({ mirror, work, baseEnv }, name, event, extraEnv);
}

async function ledgerItem(region: string, repository: string, tag: string) {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: {
        pk: { S: `REPO#${SAMPLE.account}#${region}#${repository}` },
        sk: { S: `TAG#${tag}` },
      },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

describe('image-action bundle', () => {
  it('records the AWS sample push, and alerts once on an overwrite of the tag', async () => {
    const first = await invoke('image-action', imagePush());
    expect(first).toMatchObject({ ok: true });
    expect((await ledgerItem(SAMPLE.region, SAMPLE.repository, 'latest'))?.digest).toEqual({
      S: SAMPLE.digest,
    });
    expect(sns.published).toEqual([]);

    const overwrite = imagePush({
      digest: digest(2),
      id: 'second-push',
      time: '2019-11-16T02:00:00Z',
    });
    expect(await invoke('image-action', overwrite)).toMatchObject({ ok: true });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.messageAttributes).toMatchObject({
      kind: { stringValue: 'TAG_OVERWRITE_VIOLATION' },
      severity: { stringValue: 'HIGH' },
      repository: { stringValue: SAMPLE.repository },
    });
    // Delivered again: still one message.
    expect(await invoke('image-action', overwrite)).toMatchObject({ ok: true });
    expect(sns.published).toHaveLength(1);
    expect((await ledgerItem(SAMPLE.region, SAMPLE.repository, 'latest'))?.digest).toEqual({
      S: digest(2),
    });
  });

  it('logs with Powertools and emits metrics', async () => {
    const run = await invoke('image-action', imagePush({ repository: 'logs/app', id: 'log-1' }));
    expect(run.ok).toBe(true);
    const json = run.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const emf = json.find((entry) => entry._aws !== undefined);
    expect(emf).toMatchObject({ EventsAudited: 1, service: 'image-action' });
  });
});

describe('api-call bundle', () => {
  it('records the AWS sample CloudTrail PutImage, and alerts once on an overwrite', async () => {
    const sample = cloudTrailPutImage({ region: 'eu-west-1', repository: 'busybox', tag: 'v1' });
    expect(await invoke('api-call', sample)).toMatchObject({ ok: true });
    expect((await ledgerItem('eu-west-1', 'busybox', 'v1'))?.digest).toEqual({ S: SAMPLE.digest });

    const overwrite = cloudTrailPutImage({
      region: 'eu-west-1',
      repository: 'busybox',
      tag: 'v1',
      digest: digest(5),
      eventId: 'second-put-image',
      time: '2018-03-18T00:10:00Z',
      actor: 'arn:aws:sts::123456789012:assumed-role/ci/build-9',
    });
    expect(await invoke('api-call', overwrite)).toMatchObject({ ok: true });
    expect(sns.published).toHaveLength(1);
    expect(findingOfMessage(sns.published[0]?.message ?? '{}')).toMatchObject({
      kind: 'TAG_OVERWRITE_VIOLATION',
      actor: 'arn:aws:sts::123456789012:assumed-role/ci/build-9',
      eventId: eventUuid('second-put-image'),
    });
  });
});

describe('scheduled-scan bundle', () => {
  it('scans the fake registry, alerts its finding and publishes a summary', async () => {
    ecr.addRepository('drifted', { imageTagMutability: 'MUTABLE' });
    ecr.pushImage('drifted', 'v1', digest(1));
    const run = await invoke('scheduled-scan', {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: SAMPLE.account,
      region: SAMPLE.region,
      time: '2025-07-24T06:00:00Z',
      detail: {},
    });
    expect(run).toMatchObject({ ok: true, result: { findings: 1, failures: 0, published: 1 } });
    expect(ecr.count('DescribeRepositories')).toBe(1);
    const kinds = sns.published.map((m) => m.messageAttributes.kind?.stringValue);
    expect(kinds).toEqual(['CONFIG_DRIFT', 'SCAN_SUMMARY']);
    expect(JSON.parse(sns.published[1]?.message ?? '{}')).toMatchObject({
      version: '1.0',
      source: 'custom',
      metadata: { threadId: `scan/${SAMPLE.account}/${SAMPLE.region}`, eventType: 'SCAN_SUMMARY' },
    });
    // The drift lasts: the next run alerts it no more, but still sends its summary.
    expect(await invoke('scheduled-scan', {})).toMatchObject({
      ok: true,
      result: { published: 0 },
    });
    expect(sns.published.map((m) => m.messageAttributes.kind?.stringValue)).toEqual([
      'CONFIG_DRIFT',
      'SCAN_SUMMARY',
      'SCAN_SUMMARY',
    ]);
  });
});

describe('the policy in the bundles', () => {
  /** The files a bundle imports statically, transitively: what every cold start loads. */
  function staticClosure(name: string): string[] {
    const dir = join(mirror, 'dist/handlers');
    const seen = new Set([`${name}.mjs`]);
    const queue = [`${name}.mjs`];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      const code = readFileSync(join(dir, file), 'utf8');
      for (const [, next] of code.matchAll(/from\s*"\.\/([\w.-]+\.mjs)"/g)) {
        if (next !== undefined && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return [...seen].map((file) => readFileSync(join(dir, file), 'utf8'));
  }
  // A message of the policy reader (lib/io/policy/alias-guard.ts), whose module graph holds the YAML parser.
  const READER = 'alias bombs are refused';

  it.each(['image-action', 'api-call', 'scheduled-scan'])(
    '%s: a cold start with the inlined policy never loads the policy reader; a chunk holds it',
    (name) => {
      expect(staticClosure(name).some((code) => code.includes(READER))).toBe(false);
      const chunks = readdirSync(join(mirror, 'dist/handlers')).filter((f) =>
        f.startsWith(`${name}.chunk-`),
      );
      const withReader = chunks.filter((f) =>
        readFileSync(join(mirror, 'dist/handlers', f), 'utf8').includes(READER),
      );
      expect(withReader).toHaveLength(1);
    },
  );

  it('POLICY_PATH at run time replaces the inlined policy', async () => {
    // Prepare: the inlined policy makes sandbox/** MUTABLE (an overwrite is allowed, INFO, not
    // alerted); this one makes every tag immutable.
    const strict = join(work, 'strict-policy.yml');
    writeFileSync(strict, 'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n');
    const push = (n: number) =>
      imagePush({ repository: 'sandbox/app', digest: digest(n), id: `strict-${n}` });

    // Act
    const runs = [];
    for (const n of [1, 2])
      runs.push(await invoke('image-action', push(n), { POLICY_PATH: strict }));

    // Assess: the overwrite is judged by the file's policy.
    expect(runs.map((r) => r.ok)).toEqual([true, true]);
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.messageAttributes).toMatchObject({
      kind: { stringValue: 'TAG_OVERWRITE_VIOLATION' },
      repository: { stringValue: 'sandbox/app' },
    });
  });
});

describe('a policy that cannot be loaded', () => {
  it('fails the invocation loudly and publishes nothing', async () => {
    const invalid = join(work, 'invalid-policy.yml');
    writeFileSync(
      invalid,
      'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["a*b*c*"]\n',
    );
    for (const policyPath of [invalid, join(work, 'missing-policy.yml')]) {
      const run = await invoke(
        'image-action',
        imagePush({ repository: 'never/recorded', digest: digest(3) }),
        { POLICY_PATH: policyPath },
      );
      expect(run.ok).toBe(false);
      const output = [...run.stdout, ...run.stderr].join('\n');
      expect(output).toContain('Cannot start: configuration or policy error');
      expect(output).toContain('"StartupFailures":1');
    }
    const run = await invoke('image-action', imagePush({ repository: 'never/recorded' }), {
      POLICY_PATH: invalid,
    });
    expect(run.error?.message).toContain('invalid-policy.yml:4');
    expect(run.error?.message).toContain('3 wildcards');
    expect(sns.requests).toEqual([]);
    expect(table.fake.requests).toEqual([]);
    expect(await ledgerItem(SAMPLE.region, 'never/recorded', 'latest')).toBeUndefined();
  });
});
