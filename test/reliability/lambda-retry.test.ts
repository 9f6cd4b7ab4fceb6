/**
 * The whole path of an asynchronous Lambda invocation, with the real handlers of
 * lib/runtime/lambda.ts (middy, Powertools, the clients they build from the environment, their
 * timeouts and retries) run in process against dynalite and the fake SNS: the first attempt, two
 * retries (serverless.yml: `maximumRetryAttempts: 2`), then the on-failure destination, whose
 * record an operator replays. SNS fails on the first k attempts; for k = 3, the world moves on
 * before the replay (the tag pushed again, deleted, the configuration changed again).
 *
 * Outcome every time: each finding alerted exactly once, none lost.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import {
  composeOnce,
  createAuditHandler,
  createScanHandler,
  createTelemetry,
} from '../../lib/runtime/lambda.ts';
import { BUS, policy, TABLE, TOPIC } from '../aws/support.ts';
import { fault } from '../fakes/http.ts';
import { imageDelete, imagePush, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { publishedFindings } from '../support/published.ts';
import { eventUuid } from '../support/uuid.ts';
import {
  alertIds,
  failureRecord,
  type Harness,
  lambdaContext,
  pendingNames,
  rawItem,
  startHarness,
  tagMutabilityChange,
} from './support.ts';

const POLICY_TEXT = DEV_MUTABLE_POLICY;

let h: Harness;
let work: string;
let imageAction: ReturnType<typeof createAuditHandler>;
let apiCall: ReturnType<typeof createAuditHandler>;
const saved = { ...process.env };

beforeAll(async () => {
  h = await startHarness(policy(POLICY_TEXT));
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-lambda-'));
  const policyPath = join(work, 'policy.yml');
  writeFileSync(policyPath, POLICY_TEXT);
  // What the function gets on AWS, with the SDK's endpoint variables pointing at the fakes.
  Object.assign(process.env, {
    LEDGER_TABLE_NAME: TABLE,
    ALERTS_TOPIC_ARN: TOPIC,
    FINDINGS_BUS_ARN: BUS,
    POLICY_PATH: policyPath,
    AWS_REGION: SAMPLE.region,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpointOf(h, 'dynamo'),
    AWS_ENDPOINT_URL_SNS: endpointOf(h, 'sns'),
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpointOf(h, 'events'),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  imageAction = createAuditHandler('image-action');
  apiCall = createAuditHandler('api-call');
});
afterAll(async () => {
  process.env = saved;
  await h.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => h.reset());

function endpointOf(harness: Harness, which: 'dynamo' | 'sns' | 'events'): string {
  const endpoint = harness.endpoints[which];
  if (!endpoint) throw new Error(`no ${which} endpoint`);
  return endpoint;
}

type Handler = ReturnType<typeof createAuditHandler>;

/** Lambda's asynchronous invocation of `handler`: 1 + 2 retries, then the failure destination. */
async function lambdaAsync(handler: Handler, event: unknown, before: (attempt: number) => void) {
  const errors: unknown[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    before(attempt);
    try {
      await handler(event, lambdaContext('fn') as never);
      return { attempts: attempt, failure: undefined };
    } catch (error) {
      errors.push(error);
    }
  }
  return { attempts: 3, failure: failureRecord(event, errors.at(-1)) };
}

/** SNS refuses every Publish during the first `k` attempts. */
function snsDownFor(k: number) {
  let attempt = 0;
  h.sns.injectWith('Publish', () => (attempt <= k ? fault.internal() : undefined));
  return (n: number) => {
    attempt = n;
  };
}

function published(): Finding[] {
  return publishedFindings(h.sns);
}

let repos = 0;
async function pushed(label: string) {
  const repository = `lambda/${++repos}-${label}`;
  await imageAction(
    imagePush({
      repository,
      tag: 'v1',
      digest: digest(1),
      id: `${repository}/1`,
      time: '2025-07-24T10:00:00Z',
    }),
    lambdaContext('fn') as never,
  );
  h.reset();
  return repository;
}

const push = (repository: string, d: number, minute: number) =>
  imagePush({
    repository,
    tag: 'v1',
    digest: digest(d),
    id: `${repository}/${d}`,
    time: `2025-07-24T10:${String(minute).padStart(2, '0')}:00Z`,
  });

describe('SNS failing on the first k attempts of an asynchronous invocation', () => {
  for (const k of [0, 1, 2]) {
    it(`k = ${k}: the invocation succeeds on attempt ${k + 1}, one alert`, async () => {
      const repository = await pushed(`k${k}`);
      const run = await lambdaAsync(imageAction, push(repository, 2, 1), snsDownFor(k));
      expect(run).toMatchObject({ attempts: k + 1, failure: undefined });
      expect(published()).toMatchObject([
        {
          kind: 'TAG_OVERWRITE_VIOLATION',
          repository,
          previousDigest: digest(1),
          digest: digest(2),
        },
      ]);
      if (k > 0) expect(h.sns.count('Publish')).toBeGreaterThan(k); // SDK retries in each attempt
    });
  }

  it('k = 3: the event goes to the failure destination; its replay alerts once, a second replay not again', async () => {
    const repository = await pushed('k3');
    const event = push(repository, 2, 1);
    const run = await lambdaAsync(imageAction, event, snsDownFor(3));
    expect(run.attempts).toBe(3);
    expect(run.failure).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responsePayload: { errorType: 'AlertDeliveryError' },
    });
    expect(h.sns.published).toEqual([]);
    h.sns.clearFaults();
    // The operator replays the failure queue (its payload is the event), twice by mistake.
    await imageAction(run.failure?.requestPayload, lambdaContext('fn') as never);
    await imageAction(run.failure?.requestPayload, lambdaContext('fn') as never);
    expect(published()).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', repository, previousDigest: digest(1), digest: digest(2) },
    ]);
  });
});

describe('the world moves on before the failure queue is replayed', () => {
  it('the tag pushed again meanwhile (SNS back): both overwrites alerted once each', async () => {
    const repository = await pushed('moved-on');
    const first = push(repository, 2, 1);
    const run = await lambdaAsync(imageAction, first, snsDownFor(3));
    expect(run.failure).toBeDefined();
    h.sns.clearFaults();
    // The next push of the tag is handled while the first overwrite waits in the queue; the
    // ledger no longer holds the first move, but the tag item holds its pending alert.
    await imageAction(push(repository, 3, 5), lambdaContext('fn') as never);
    await imageAction(run.failure?.requestPayload, lambdaContext('fn') as never);
    const moves = published().map((f) => [f.previousDigest, f.digest]);
    expect(moves).toEqual(
      expect.arrayContaining([
        [digest(1), digest(2)],
        [digest(2), digest(3)],
      ]),
    );
    expect(moves).toHaveLength(2);
    const item = await rawItem(
      h,
      `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`,
      'TAG#v1',
    );
    expect(pendingNames(item)).toEqual([]);
  });

  it('the tag pushed again while SNS is still down: both alerts wait, then each is sent once', async () => {
    const repository = await pushed('outage');
    const first = push(repository, 2, 1);
    const second = push(repository, 3, 5);
    const runs = [
      await lambdaAsync(imageAction, first, snsDownFor(3)),
      await lambdaAsync(imageAction, second, snsDownFor(3)),
    ];
    expect(runs.every((r) => r.failure !== undefined)).toBe(true);
    const item = await rawItem(
      h,
      `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`,
      'TAG#v1',
    );
    expect(pendingNames(item)).toHaveLength(2);
    h.sns.clearFaults();
    // Replayed in the order the queue hands them out, here the later one first.
    await imageAction(runs[1]?.failure?.requestPayload, lambdaContext('fn') as never);
    await imageAction(runs[0]?.failure?.requestPayload, lambdaContext('fn') as never);
    expect(published().map((f) => [f.previousDigest, f.digest])).toEqual([
      [digest(2), digest(3)],
      [digest(1), digest(2)],
    ]);
    expect(new Set(alertIds(h.sns)).size).toBe(2);
  });

  it('the tag deleted meanwhile: the overwrite is alerted once (by the delete, which reads the pending alert), not again by the replay', async () => {
    const repository = await pushed('deleted');
    const first = push(repository, 2, 1);
    const run = await lambdaAsync(imageAction, first, snsDownFor(3));
    h.sns.clearFaults();
    await imageAction(
      imageDelete({
        repository,
        tag: 'v1',
        digest: digest(2),
        id: `${repository}/del`,
        time: '2025-07-24T10:03:00Z',
      }),
      lambdaContext('fn') as never,
    );
    // The delete reads the tag's item, so it delivers the alert left pending there (docs/delivery.md).
    expect(published()).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
    await imageAction(run.failure?.requestPayload, lambdaContext('fn') as never);
    expect(published()).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
  });

  it('the configuration restored meanwhile: the drift is still alerted, once', async () => {
    const repository = `lambda/${++repos}-config`;
    const loosened = tagMutabilityChange(repository, 'MUTABLE', [], {
      eventId: `${repository}/loosened`,
      time: '2025-07-24T10:00:00Z',
    });
    const run = await lambdaAsync(apiCall, loosened, snsDownFor(3));
    expect(run.failure).toBeDefined();
    h.sns.clearFaults();
    // Someone puts it back (CONFIG_DRIFT_RESOLVED: INFO, below the default threshold LOW); then
    // the queue is replayed, twice. The ledger's record now holds the restore, not the drift.
    const restored = tagMutabilityChange(repository, 'IMMUTABLE_WITH_EXCLUSION', ['dev-*'], {
      eventId: `${repository}/restored`,
      time: '2025-07-24T10:20:00Z',
    });
    await apiCall(restored, lambdaContext('fn') as never);
    await apiCall(run.failure?.requestPayload, lambdaContext('fn') as never);
    await apiCall(run.failure?.requestPayload, lambdaContext('fn') as never);
    expect(published().map((f) => [f.kind, f.repository, f.eventId, f.direction])).toEqual([
      ['CONFIG_DRIFT', repository, eventUuid(`${repository}/loosened`), 'LOOSENED'],
    ]);
    const config = await rawItem(
      h,
      `REPO#${SAMPLE.account}#${SAMPLE.region}#${repository}`,
      'CONFIG',
    );
    expect(pendingNames(config)).toEqual([]);
  });
});

/** Handlers built while POLICY_PATH points at `path` (the container reads it once, at start). */
function withPolicyPath<T>(path: string, make: () => T): T {
  const previous = process.env.POLICY_PATH;
  process.env.POLICY_PATH = path;
  try {
    return make();
  } finally {
    process.env.POLICY_PATH = previous;
  }
}

describe('a policy that cannot be loaded at run time', () => {
  const INVALID = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["a*b*c*"]
`;

  it('fails every invocation loudly: an error log and a StartupFailures metric each time', async () => {
    const invalid = join(work, 'invalid.yml');
    writeFileSync(invalid, INVALID);
    for (const path of [invalid, join(work, 'missing.yml')]) {
      const telemetry = createTelemetry('image-action');
      const error = vi.spyOn(telemetry.logger, 'error').mockImplementation(() => {});
      const metric = vi.spyOn(telemetry.powertoolsMetrics, 'addMetric');
      const ready = composeOnce(telemetry, { ...process.env, POLICY_PATH: path });
      for (let i = 0; i < 3; i++)
        await expect(ready()).rejects.toThrow(
          path === invalid
            ? /invalid\.yml:4:\d+: filter "a\*b\*c\*" has 3 wildcards/
            : /missing\.yml/,
        );
      expect(error).toHaveBeenCalledTimes(3);
      expect(error).toHaveBeenCalledWith(
        'Cannot start: configuration or policy error',
        expect.objectContaining({ error: expect.any(String) }),
      );
      expect(metric.mock.calls.filter(([name]) => name === 'StartupFailures')).toHaveLength(3);
    }
  });

  it('never passes an event as compliant: nothing recorded or published; once fixed, the replay alerts', async () => {
    const invalid = join(work, 'invalid-2.yml');
    writeFileSync(invalid, INVALID);
    const repository = await pushed('policy');
    const overwrite = push(repository, 2, 1);
    const broken = withPolicyPath(invalid, () => createAuditHandler('image-action'));
    const brokenScan = withPolicyPath(invalid, () => createScanHandler('scheduled-scan'));
    const run = await lambdaAsync(broken, overwrite, () => {});
    expect(run.attempts).toBe(3);
    expect(run.failure?.responsePayload).toMatchObject({ errorType: 'PolicyError' });
    await expect(brokenScan({}, lambdaContext('scan') as never)).rejects.toMatchObject({
      name: 'PolicyError',
    });
    // Not a single request: the ledger still holds digest 1, so the overwrite is not lost.
    expect(h.dynamo.requests).toEqual([]);
    expect(h.sns.requests).toEqual([]);
    // The policy is fixed and deployed (a new container); the failure queue is replayed.
    await imageAction(run.failure?.requestPayload, lambdaContext('fn') as never);
    expect(published()).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', repository, previousDigest: digest(1), digest: digest(2) },
    ]);
  });
});
