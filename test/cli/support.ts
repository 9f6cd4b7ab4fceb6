/**
 * Helpers of the CLI tests: an in-process run of `main` with a fake terminal, per-test temp
 * directories, and raw AWS events built from the samples in test/fixtures/aws-docs/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { onTestFinished, vi } from 'vitest';
import type { CliIO } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { EXAMPLE_POLICY } from '../support/policies.ts';
import { eventUuid } from '../support/uuid.ts';

/** The repository root. */
export const REPO_ROOT = new URL('../../', import.meta.url);

/** Every field of a finding, in the order of docs/findings.md. */
export const FINDING_FIELDS = [
  'id',
  'kind',
  'severity',
  'account',
  'region',
  'repository',
  'templatePrefix',
  'tag',
  'previousDigest',
  'digest',
  'viaDelete',
  'expected',
  'actual',
  'direction',
  'witnesses',
  'actor',
  'eventId',
  'eventTime',
  'detectedBy',
  'message',
] as const;

/**
 * `npm start`'s arguments (package.json: the bundled example's replay), with extra ones before
 * the input.
 *
 * @example
 * ```ts
 * await runCli(npmStartArgs('--format', 'html'));
 * ```
 */
export function npmStartArgs(...extra: string[]): string[] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', REPO_ROOT), 'utf8'));
  const start: string = pkg.scripts.start;
  const args = start.replace(/^node bin\/ecr-tag-auditor\.mjs /, '').split(' ');
  const input = args.pop() as string;
  return [...args, ...extra, input];
}

/** What one in-process CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How the fake terminal looks. */
export interface FakeTerminal {
  /** What stdin holds (`-` reads it); empty by default. */
  readonly stdin?: string | Uint8Array;
  /** Whether stdout is a terminal; false (piped) by default. */
  readonly isTTY?: boolean;
  /** The environment; empty by default (so no NO_COLOR, no TERM). */
  readonly env?: Record<string, string | undefined>;
}

/** A fake {@link CliIO} that collects what is written. */
export function fakeIO(terminal: FakeTerminal = {}): CliIO & { out(): string; err(): string } {
  const out: string[] = [];
  const err: string[] = [];
  const input = terminal.stdin ?? '';
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  return {
    stdout: { write: (text: string) => out.push(text), isTTY: terminal.isTTY ?? false },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    stdin: Readable.from(bytes.length > 0 ? [bytes] : []),
    env: terminal.env ?? {},
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** Runs `main(argv)` in-process. */
export async function runCli(argv: string[], terminal: FakeTerminal = {}): Promise<CliRun> {
  const io = fakeIO(terminal);
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** `text` escaped for use inside a RegExp. */
export function reEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Non-empty lines of `text`. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** A fresh temp directory, removed when the current test finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `name` in `dir`; returns the path. */
export function write(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Events as NDJSON text. */
export function ndjson(events: readonly unknown[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/**
 * The AWS SDK's default credential chain, resolved from the environment only — static dummy keys,
 * no profile, no IMDS — for the commands that call AWS (`scan`, `remediate`) against the fakes.
 * Undone by `vi.unstubAllEnvs()`.
 */
export function stubAwsCredentials(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKEFAKEFAKEFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-key');
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

/** Parses `--format json` output, checking that it is an array. */
export function parseFindings(stdout: string): Finding[] {
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) throw new Error(`expected a JSON array, got ${stdout.slice(0, 80)}`);
  return parsed as Finding[];
}

/** Writes the example policy into `dir`; returns its path. */
export function specPolicy(dir: string): string {
  return write(dir, 'policy.yml', EXAMPLE_POLICY);
}

// ---------------------------------------------------------------------------------------------
// Raw AWS events, from the documentation samples.

export const REGION = 'us-east-2';

/** AWS's time form (`2025-07-24T00:05:00Z`), `minutes` after a fixed start. */
function time(minutes: number): string {
  return new Date(Date.UTC(2025, 6, 24) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

/** The canonical form the engine writes (`2025-07-24T00:05:00.000Z`). */
export function canonical(minutes: number): string {
  return new Date(Date.UTC(2025, 6, 24) + minutes * 60_000).toISOString();
}

/** Where and when an event happened. */
export interface EventAt {
  readonly repository: string;
  readonly minutes: number;
  readonly id?: string;
  readonly account?: string;
  readonly region?: string;
}

/** An `ECR Image Action` event (EventBridge), from the AWS push/delete samples. */
export function imageAction(
  action: 'PUSH' | 'DELETE',
  at: EventAt & { readonly tag: string | null; readonly digest: string },
): Json {
  const event = sample(action === 'PUSH' ? 'ecr-image-action-push' : 'ecr-image-action-delete');
  const detail = event.detail as Json;
  detail['repository-name'] = at.repository;
  detail['image-digest'] = at.digest;
  if (at.tag === null) delete detail['image-tag'];
  else detail['image-tag'] = at.tag;
  return {
    ...event,
    id: eventUuid(at.id ?? `ia-${action}-${at.repository}-${at.tag}-${at.minutes}`),
    account: at.account ?? ACCOUNT,
    region: at.region ?? REGION,
    time: time(at.minutes),
  };
}

/** A raw CloudTrail record of another ECR call, on the PutImage sample's envelope fields. */
export function ecrRecord(
  eventName: string,
  at: EventAt,
  requestParameters: unknown,
  responseElements: unknown,
): Json {
  const record = sample('cloudtrail-record-put-image');
  return {
    ...record,
    eventName,
    eventTime: time(at.minutes),
    eventID: eventUuid(at.id ?? `ct-${eventName}-${at.repository}-${at.minutes}`),
    awsRegion: at.region ?? REGION,
    recipientAccountId: at.account ?? ACCOUNT,
    requestParameters,
    responseElements,
  };
}

/** A successful CloudTrail `PutImage` record, from the AWS sample. */
export function cloudTrailPush(at: EventAt & { readonly tag: string; readonly digest: string }) {
  const record = sample('cloudtrail-record-put-image');
  const request = record.requestParameters as Json;
  const image = (record.responseElements as Json).image as Json;
  return ecrRecord(
    'PutImage',
    at,
    { ...request, repositoryName: at.repository, imageTag: at.tag },
    {
      image: {
        ...image,
        repositoryName: at.repository,
        imageId: { imageDigest: at.digest, imageTag: at.tag },
      },
    },
  );
}

/** A CloudTrail `PutImage` refused with `ImageTagAlreadyExistsException`. */
export function blockedPush(at: EventAt & { readonly tag: string; readonly digest: string }) {
  return {
    ...ecrRecord(
      'PutImage',
      at,
      {
        repositoryName: at.repository,
        imageTag: at.tag,
        imageDigest: at.digest,
        registryId: ACCOUNT,
        imageManifest: '{}',
      },
      null,
    ),
    errorCode: 'ImageTagAlreadyExistsException',
    errorMessage: `The image tag '${at.tag}' already exists in the '${at.repository}' repository and cannot be overwritten because the tag is immutable.`,
  };
}

/** A CloudTrail `BatchDeleteImage` of one tag. */
export function cloudTrailDelete(at: EventAt & { readonly tag: string; readonly digest: string }) {
  return ecrRecord(
    'BatchDeleteImage',
    at,
    { repositoryName: at.repository, registryId: ACCOUNT, imageIds: [{ imageTag: at.tag }] },
    { imageIds: [{ imageDigest: at.digest, imageTag: at.tag }], failures: [] },
  );
}

/** A tag-mutability configuration as ECR spells it. */
export function ecrConfig(mode: string, ...filters: string[]): Json {
  return filters.length === 0
    ? { imageTagMutability: mode }
    : {
        imageTagMutability: mode,
        imageTagMutabilityExclusionFilters: filters.map((filter) => ({
          filterType: 'WILDCARD',
          filter,
        })),
      };
}

/** A CloudTrail `PutImageTagMutability` record. */
export function putMutability(at: EventAt, config: Json): Json {
  return ecrRecord(
    'PutImageTagMutability',
    at,
    { repositoryName: at.repository, ...config },
    { registryId: ACCOUNT, repositoryName: at.repository, ...config },
  );
}

/** A CloudTrail `CreateRepository` record, from the AWS sample (no mutability: MUTABLE). */
export function createRepository(at: EventAt, config: Json = {}): Json {
  const record = sample('cloudtrail-record-create-repository');
  const repository = (record.responseElements as Json).repository as Json;
  return {
    ...record,
    eventTime: time(at.minutes),
    eventID: eventUuid(at.id ?? `ct-CreateRepository-${at.repository}-${at.minutes}`),
    awsRegion: at.region ?? REGION,
    recipientAccountId: at.account ?? ACCOUNT,
    requestParameters: { repositoryName: at.repository, ...config },
    responseElements: {
      repository: {
        ...repository,
        repositoryName: at.repository,
        repositoryArn: `arn:aws:ecr:${at.region ?? REGION}:${ACCOUNT}:repository/${at.repository}`,
        ...config,
      },
    },
  };
}

/** A CloudTrail `CreateRepositoryCreationTemplate` record for `prefix`. */
export function createTemplate(prefix: string, minutes: number, config: Json): Json {
  return ecrRecord(
    'CreateRepositoryCreationTemplate',
    { repository: prefix, minutes },
    { prefix, appliedFor: ['CREATE_ON_PUSH'], ...config },
    {
      registryId: ACCOUNT,
      repositoryCreationTemplate: {
        prefix,
        appliedFor: ['CREATE_ON_PUSH'],
        ...config,
        createdAt: 'Jul 24, 2025 3:30:00 AM',
      },
    },
  );
}

/** A raw CloudTrail record wrapped as EventBridge delivers it, on the AWS sample's envelope. */
export function viaEventBridge(record: Json): Json {
  const envelope = sample('eventbridge-cloudtrail-put-image');
  return {
    ...envelope,
    id: eventUuid(`eb-${String(record.eventID)}`),
    account: record.recipientAccountId,
    region: record.awsRegion,
    time: record.eventTime,
    detail: record,
  };
}

/** A CloudTrail log file as delivered to S3. */
export function cloudTrailLog(records: readonly unknown[]): string {
  return JSON.stringify({ Records: records });
}

/** An entry of `aws ecr describe-repositories`. */
export function describedRepository(repository: string, config: Json, region = REGION): Json {
  return {
    repositoryArn: `arn:aws:ecr:${region}:${ACCOUNT}:repository/${repository}`,
    registryId: ACCOUNT,
    repositoryName: repository,
    repositoryUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}`,
    createdAt: '2025-07-01T09:00:00+09:00',
    ...config,
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}
