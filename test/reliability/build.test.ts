/**
 * The build and the built Lambda bundles, each in a temporary mirror of the repository
 * (symbolic links to every top-level entry but `dist`, `.git` and `policy.yml`), so that the
 * repository's own policy.yml and dist/ are never touched:
 *
 * - an invalid policy.yml fails `node scripts/build.mjs` with its FILE:LINE:COL errors, and no
 *   handler bundle is written;
 * - the built handlers, run as Lambda runs them (a child process, only the function's
 *   environment), log nothing secret or personal beyond the actor ARN and publish nothing of
 *   it — even with `POWERTOOLS_LOGGER_LOG_EVENT=true` and debug logging, when an event is
 *   malformed, not ECR's, or fails to alert.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUS_NAME, type LedgerTable, startLedgerTable, TOPIC } from '../aws/support.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { bundleEnv, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { mirrorRepository } from '../support/mirror.ts';
import { SECRETS, secretBearingEvents } from './secrets.ts';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const INVALID_POLICY = `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*", "a*b*c*"]
rules:
  - repositories: ["prod/*"]
    imageTagMutability: IMMUTABLE
    color: blue
`;

let work: string;
/** Mirrors: `valid` with the repository's policy.yml, `invalid` with INVALID_POLICY. */
const mirrors = { valid: '', invalid: '' };
let invalidBuild: { code: number | null; stdout: string; stderr: string };
let table: LedgerTable;
const sns = new FakeSns({ topics: [TOPIC] });
const bus = new FakeEventBridge({ buses: [BUS_NAME] });
let snsServer: StartedServer;
let eventsServer: StartedServer;

/** A mirror of the repository; `policy` replaces its policy.yml. */
function mirror(name: string, policy?: string): string {
  return mirrorRepository(
    join(work, name),
    policy === undefined ? {} : { write: { 'policy.yml': policy } },
  );
}

function build(cwd: string) {
  return execFileAsync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd,
    timeout: 120_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? null,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-build-'));
  mirrors.valid = mirror('valid');
  mirrors.invalid = mirror('invalid', INVALID_POLICY);
  const [valid, invalid] = await Promise.all([build(mirrors.valid), build(mirrors.invalid)]);
  if (valid.code !== 0) throw new Error(`build failed:\n${valid.stdout}\n${valid.stderr}`);
  invalidBuild = invalid;
  [table, snsServer, eventsServer] = await Promise.all([
    startLedgerTable(),
    sns.start(),
    bus.start(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([table?.server.close(), snsServer?.close(), eventsServer?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  sns.reset();
  bus.reset();
  table.fake.reset();
});

describe('an invalid policy.yml', () => {
  it('fails the build with every error at FILE:LINE:COL, and writes no handler bundle', () => {
    expect(invalidBuild.code).not.toBe(0);
    expect(invalidBuild.stderr).toContain('build: policy.yml is not a valid policy:');
    expect(invalidBuild.stderr).toContain(
      'policy.yml:4:49: filter "a*b*c*" has 3 wildcards; ECR allows at most 2',
    );
    expect(invalidBuild.stderr).toMatch(/^policy\.yml:8:5: unknown key "color"/m);
    expect(existsSync(join(mirrors.invalid, 'dist/handlers'))).toBe(false);
    // The valid mirror built all seven, each with its own chunks and nothing else.
    const built = readdirSync(join(mirrors.valid, 'dist/handlers'));
    for (const name of [
      'api-call',
      'image-action',
      'scheduled-scan',
      'org-plan',
      'org-item',
      'org-summary',
      'securityhub-import',
    ]) {
      expect(built).toContain(`${name}.mjs`);
    }
    for (const file of built) {
      expect(file).toMatch(
        /^(api-call|image-action|scheduled-scan|org-plan|org-item|org-summary|securityhub-import)(\.chunk-[A-Z0-9]+)?\.mjs$/,
      );
    }
  });
});

/** The child: imports the bundle and calls the handler once per event, in one container. */
const RUNNER = `
const { handler } = await import(process.env.TEST_BUNDLE_URL);
const events = JSON.parse(process.env.TEST_EVENTS);
const context = {
  functionName: 'fn', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:fn',
  memoryLimitInMB: '256', awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/fn', logStreamName: '2025/07/24/[$LATEST]abcdef',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
  done() {}, fail() {}, succeed() {},
};
const results = [];
for (const event of events) {
  try {
    await handler(event, context);
    results.push('ok');
  } catch (error) {
    // What the Lambda runtime prints for a failed invocation.
    console.error(JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: String(error.stack).split('\\n') }));
    results.push('error');
  }
}
process.stdout.write('\\n@@RESULT ' + JSON.stringify(results) + '\\n');
`;

async function invoke(bundle: 'image-action' | 'api-call', events: unknown[]) {
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    ['--input-type=module', '-e', RUNNER],
    {
      cwd: work,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...bundleEnv(work, {
          dynamodb: table.server.endpoint,
          sns: snsServer.endpoint,
          eventbridge: eventsServer.endpoint,
        }),
        // As verbose as an operator could make it.
        POWERTOOLS_LOGGER_LOG_EVENT: 'true',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
        TEST_BUNDLE_URL: pathToFileURL(join(mirrors.valid, 'dist/handlers', `${bundle}.mjs`)).href,
        TEST_EVENTS: JSON.stringify(events),
      },
    },
  );
  const marker = stdout.split('\n').find((line) => line.startsWith('@@RESULT '));
  if (!marker) throw new Error(`no result from the handler; stdout:\n${stdout}\n${stderr}`);
  return {
    results: JSON.parse(marker.slice('@@RESULT '.length)) as string[],
    output: `${stdout}\n${stderr}`,
  };
}

describe('what the built handlers log and publish', () => {
  it('no access key id, session, source IP, user agent or manifest — in logs, alerts or events', async () => {
    const events = secretBearingEvents('bundle/app');
    // The push, its overwrite (an alert), a redelivery, a malformed record, a non-ECR event.
    const run = await invoke('api-call', [
      events.push,
      events.overwrite,
      events.overwrite,
      events.malformed,
      events.notEcr,
    ]);
    expect(run.results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // SNS failing: the invocation fails, its error is logged, then the retry delivers.
    sns.injectWith('Publish', () => fault.internal());
    const failing = await invoke('api-call', [events.overwriteAgain]);
    sns.clearFaults();
    const retried = await invoke('api-call', [events.overwriteAgain]);
    expect(failing.results).toEqual(['error']);
    expect(retried.results).toEqual(['ok']);
    expect(sns.published).toHaveLength(2);

    const output = [run.output, failing.output, retried.output].join('\n');
    // The logs are there (so the check below means something): the finding, the malformed
    // event, the error of the failed attempt.
    expect(output).toContain('"message":"Finding"');
    expect(output).toContain('Dropped a malformed event');
    expect(output).toContain('AlertDeliveryError');
    const messages = [
      ...sns.published.map(
        (m) => `${m.subject}\n${m.message}\n${JSON.stringify(m.messageAttributes)}`,
      ),
      // The findings on the event bus too.
      ...bus.put.map((p) => JSON.stringify(p.event)),
    ];
    expect(bus.put).toHaveLength(2);
    for (const secret of SECRETS) {
      expect(output, `log output contains ${secret}`).not.toContain(secret);
      for (const message of messages) expect(message).not.toContain(secret);
    }
    // The actor ARN is the one personal datum that may appear: in the alert, not the logs.
    expect(messages.join('\n')).toContain(events.actor);
    expect(digest(1)).not.toBe(digest(2));
  });
});
