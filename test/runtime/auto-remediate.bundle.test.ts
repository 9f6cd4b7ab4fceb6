/**
 * Automatic remediation end to end on the built `api-call` bundle (docs/remediation.md#automatic):
 * built with a policy whose `prod/*` rule says `remediate: true`, run in a child process as
 * Lambda would against the loopback fakes (DynamoDB, SNS, EventBridge, ECR). A loosening is
 * restored with one PutImageTagMutability and reported as CONFIG_REMEDIATED; the function's own
 * change comes back as CONFIG_DRIFT_RESOLVED and restores nothing (no loop); a redelivery restores
 * nothing again; the fourth loosening within the hour is only alerted; a rule without the switch
 * never writes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUS_NAME, type LedgerTable, startLedgerTable, TOPIC } from '../aws/support.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import type { StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { tagMutabilityChange } from '../reliability/support.ts';
import { mirrorRepository } from '../support/mirror.ts';
import { invokeBundle } from './bundle-runner.ts';
import { bundleEnv, SAMPLE } from './support.ts';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const POLICY = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
    remediate: true
`;
const ALICE = `arn:aws:sts::${SAMPLE.account}:assumed-role/admin/alice`;
const FUNCTION_ROLE = `arn:aws:sts::${SAMPLE.account}:assumed-role/ecr-tag-auditor-ApiCallRole/api-call`;

let work: string;
let mirror: string;
let table: LedgerTable;
const sns = new FakeSns({ topics: [TOPIC] });
const events = new FakeEventBridge({ buses: [BUS_NAME] });
const ecr = new FakeEcr({ accountId: SAMPLE.account, region: SAMPLE.region });
let servers: StartedServer[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-auto-remediate-'));
  mirror = mirrorRepository(join(work, 'repo'), { write: { 'policy.yml': POLICY } });
  const build = execFileAsync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd: mirror,
    timeout: 120_000,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  const [started, ...rest] = await Promise.all([
    startLedgerTable(),
    sns.start(),
    events.start(),
    ecr.start(),
    build,
  ]);
  table = started;
  servers = rest.slice(0, 3) as StartedServer[];
}, 120_000);

afterAll(async () => {
  await Promise.all([table?.server.close(), ...servers.map((s) => s.close())]);
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  sns.reset();
  events.reset();
  table.fake.reset();
  ecr.reset();
  for (const name of [...ecr.repositories.keys()]) ecr.deleteRepository(name);
});

/** Runs the api-call bundle with `event`. */
function apiCall(event: unknown) {
  const [snsServer, eventsServer, ecrServer] = servers as [
    StartedServer,
    StartedServer,
    StartedServer,
  ];
  const baseEnv = bundleEnv(work, {
    dynamodb: table.server.endpoint,
    sns: snsServer.endpoint,
    eventbridge: eventsServer.endpoint,
    ecr: ecrServer.endpoint,
  });
  return invokeBundle({ mirror, work, baseEnv }, 'api-call', event);
}

/** Someone sets `repository` to MUTABLE (in ECR, and the CloudTrail event of it). */
function loosen(repository: string, n: number, actor = ALICE) {
  ecr.repository(repository).imageTagMutability = 'MUTABLE';
  return tagMutabilityChange(repository, 'MUTABLE', [], {
    eventId: `loosen-${repository}-${n}`,
    time: `2026-04-01T10:${String(n * 2).padStart(2, '0')}:00.000Z`,
    actor,
  });
}

/** The CloudTrail event of the function's own restore, a minute after loosening `n`. */
function ownRestore(repository: string, n: number) {
  return tagMutabilityChange(repository, 'IMMUTABLE', [], {
    eventId: `restore-${repository}-${n}`,
    time: `2026-04-01T10:${String(n * 2 + 1).padStart(2, '0')}:00.000Z`,
    actor: FUNCTION_ROLE,
  });
}

const writes = () => ecr.requests.filter((r) => r.operation === 'PutImageTagMutability');
const findingsOnBus = () =>
  events.put.map((p) => p.event.detail as { kind: string; [key: string]: unknown });

describe('api-call bundle with remediate: true', () => {
  it('restores a loosened repository once, reports it, and its own change resolves the drift without a loop', async () => {
    // Prepare
    ecr.addRepository('prod/api', { imageTagMutability: 'MUTABLE' });
    // Act: the loosening, then the function's own change coming back, then a redelivery.
    const first = await apiCall(loosen('prod/api', 1));
    const afterFirst = findingsOnBus();
    const own = await apiCall(ownRestore('prod/api', 1));
    const again = await apiCall(
      tagMutabilityChange('prod/api', 'MUTABLE', [], {
        eventId: 'loosen-prod/api-1',
        time: '2026-04-01T10:02:00.000Z',
        actor: ALICE,
      }),
    );
    // Assess
    expect([first.ok, own.ok, again.ok]).toEqual([true, true, true]);
    expect(writes().map((r) => r.body)).toEqual([
      { registryId: SAMPLE.account, repositoryName: 'prod/api', imageTagMutability: 'IMMUTABLE' },
    ]);
    expect(ecr.repository('prod/api').imageTagMutability).toBe('IMMUTABLE');
    expect(afterFirst.map((f) => [f.kind, f.severity])).toEqual([
      ['CONFIG_DRIFT', 'HIGH'],
      ['CONFIG_REMEDIATED', 'INFO'],
    ]);
    expect(afterFirst[1]).toMatchObject({
      repository: 'prod/api',
      actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
      expected: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
      actor: ALICE,
      direction: 'LOOSENED',
    });
    expect(findingsOnBus().map((f) => [f.kind, f.actor])).toEqual([
      ['CONFIG_DRIFT', ALICE],
      ['CONFIG_REMEDIATED', ALICE],
      ['CONFIG_DRIFT_RESOLVED', FUNCTION_ROLE],
    ]);
  }, 60_000);

  it('restores at most 3 times an hour; the fourth loosening is only alerted, and says so', async () => {
    // Prepare
    ecr.addRepository('prod/web', { imageTagMutability: 'IMMUTABLE' });
    // Act: someone loosens it four times; each restore's own event comes back in between.
    for (const n of [1, 2, 3]) {
      expect(await apiCall(loosen('prod/web', n))).toMatchObject({ ok: true });
      expect(await apiCall(ownRestore('prod/web', n))).toMatchObject({ ok: true });
    }
    const fourth = await apiCall(loosen('prod/web', 4));
    // Assess
    expect(fourth).toMatchObject({ ok: true });
    expect(writes()).toHaveLength(3);
    expect(ecr.repository('prod/web').imageTagMutability).toBe('MUTABLE');
    const kinds = findingsOnBus().map((f) => f.kind);
    expect(kinds.filter((k) => k === 'CONFIG_REMEDIATED')).toHaveLength(3);
    const last = findingsOnBus().at(-1);
    expect(last?.kind).toBe('CONFIG_DRIFT');
    expect(last?.message).toContain(
      'Not restored automatically: 3 restores of this repository in the last 60 minutes is the limit; restore it by hand.',
    );
  }, 120_000);

  it('never writes for a repository whose rule does not say remediate: true', async () => {
    // Prepare
    ecr.addRepository('web', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*'],
    });
    // Act
    const run = await apiCall(loosen('web', 1));
    // Assess
    expect(run).toMatchObject({ ok: true });
    expect(ecr.requests).toEqual([]);
    expect(findingsOnBus().map((f) => f.kind)).toEqual(['CONFIG_DRIFT']);
  }, 60_000);

  it('fails the invocation after alerting when ECR refuses the restore, so that Lambda retries it', async () => {
    // Prepare
    ecr.addRepository('prod/db', { imageTagMutability: 'MUTABLE' });
    ecr.inject('PutImageTagMutability', {
      kind: 'error',
      status: 400,
      code: 'AccessDeniedException',
      message: 'not authorized',
    });
    // Act
    const run = await apiCall(loosen('prod/db', 1));
    // Assess
    expect(run).toMatchObject({ ok: false, error: { name: 'AutomaticRemediationError' } });
    expect(run.error?.message).toContain('AccessDeniedException');
    expect(findingsOnBus().map((f) => f.kind)).toEqual(['CONFIG_DRIFT']);
    expect(ecr.repository('prod/db').imageTagMutability).toBe('MUTABLE');
  }, 60_000);
});
