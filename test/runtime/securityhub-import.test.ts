/**
 * The Security Hub import (issue 12; docs/securityhub.md) end to end: a finding event as the
 * stack's rule delivers it, through lib/runtime/securityhub-import.ts and the importer
 * (lib/aws/securityhub-import.ts), to the fake Security Hub — the function's own account with its
 * own credentials, a member account through its import role assumed at the fake STS — and the
 * built handler's composition (lib/runtime/securityhub-lambda.ts) through the SDK's endpoint
 * variables.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleError } from '../../lib/aws/assume-role.ts';
import { importRetryStrategy } from '../../lib/aws/securityhub-client.ts';
import {
  createSecurityHubImporter,
  FindingsNotImportedError,
  type SecurityHubImportDeps,
  SecurityHubRequestError,
} from '../../lib/aws/securityhub-import.ts';
import { findingEventEntry } from '../../lib/core/delivery/finding-event.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { SILENT } from '../../lib/core/telemetry.ts';
import {
  importFindingEvent,
  NotAFindingEventError,
  readSecurityHubSettings,
  SecurityHubConfigurationError,
} from '../../lib/runtime/securityhub-import.ts';
import { createSecurityHubImportHandler } from '../../lib/runtime/securityhub-lambda.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { securityHubClient, stsClient } from '../fakes/clients.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSecurityHub, SECURITY_HUB_IMPORT_RATE } from '../fakes/securityhub.ts';
import { FakeSts } from '../fakes/sts.ts';
import { lambdaContext } from '../reliability/support.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';
import { SAMPLE } from './support.ts';

/** The stack's account and region (the function's); ACCOUNT of the sample findings. */
const OWN = ACCOUNT;
const OWN_REGION = 'eu-west-1';
const MEMBER = '210987654321';
const ROLE_NAME = 'ecr-tag-auditor-securityhub-import';
const memberRole = (account = MEMBER) => `arn:aws:iam::${account}:role/${ROLE_NAME}`;

const hub = new FakeSecurityHub({ account: OWN });
const sts = new FakeSts();
let hubServer: StartedServer;
let stsServer: StartedServer;
beforeAll(async () => {
  hubServer = await hub.start();
  stsServer = await sts.start();
});
afterAll(async () => {
  await hubServer.close();
  await stsServer.close();
});
beforeEach(() => {
  hub.reset();
  sts.reset();
});

/** The importer as the handler builds it, its clients pointed at the fakes. */
function importer(overrides: Partial<SecurityHubImportDeps> = {}) {
  return createSecurityHubImporter({
    ownAccount: OWN,
    ownRegion: OWN_REGION,
    importRoleName: ROLE_NAME,
    // The function's own retries, so that throttling is absorbed as deployed.
    securityHub: (region, credentials) =>
      securityHubClient(hubServer, {
        region,
        ...(credentials ? { credentials } : {}),
        retryStrategy: importRetryStrategy(),
      }),
    sts: stsClient(stsServer, { region: OWN_REGION }),
    ...overrides,
  });
}

/** The event the stack's rule delivers for `finding`, put by `account`. */
function findingEvent(finding: Finding, account = OWN) {
  const entry = findingEventEntry(finding, `arn:aws:events:${OWN_REGION}:${OWN}:event-bus/x`);
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account,
    time: '2025-07-24T02:31:02Z',
    region: OWN_REGION,
    resources: [],
    detail: JSON.parse(entry.Detail) as unknown,
  };
}

const runtime = (overrides: Partial<SecurityHubImportDeps> = {}) => ({
  importer: importer(overrides),
  ownAccount: OWN,
  ...SILENT,
});

describe('a finding of the stack’s own account', () => {
  it('is imported with the function’s own credentials, as the ASFF of the formats', async () => {
    // Prepare
    const finding = sampleFinding('CONFIG_DRIFT');
    // Act
    await importFindingEvent(findingEvent(finding), runtime());
    // Assess: no role assumed; the record of the repository, its filters in Details.Other.
    expect(sts.count()).toBe(0);
    const stored = hub.findings();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      ProductArn: `arn:aws:securityhub:${OWN_REGION}:${OWN}:product/${OWN}/default`,
      AwsAccountId: OWN,
      Severity: { Label: 'HIGH', Original: 'HIGH' },
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      Resources: [
        {
          Type: 'AwsEcrRepository',
          Id: `arn:aws:ecr:${OWN_REGION}:${OWN}:repository/payments/api`,
          Details: {
            AwsEcrRepository: { RepositoryName: 'payments/api', ImageTagMutability: 'MUTABLE' },
          },
        },
      ],
    });
    expect(stored[0]?.Id).toMatch(/^ecr-tag-auditor\/config-drift-[0-9a-f]{20}$/);
  });

  it('keeps the exclusion filters exactly, in Details.Other', async () => {
    // Prepare
    const finding = sampleFinding('CONFIG_DRIFT', {
      actual: config('MUTABLE_WITH_EXCLUSION', 'release-*', 'v*'),
    });
    // Act
    await importFindingEvent(findingEvent(finding), runtime());
    // Assess
    const [stored] = hub.findings() as unknown as { Resources: { Details: unknown }[] }[];
    expect(stored?.Resources[0]?.Details).toEqual({
      AwsEcrRepository: { RepositoryName: 'payments/api' },
      Other: {
        ImageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        ImageTagMutabilityExclusionFilters: 'release-*, v*',
      },
    });
  });
});

describe('a finding of a member account', () => {
  it('is imported by the member account through its import role, assumed once', async () => {
    // Prepare
    const first = sampleFinding('TAG_OVERWRITE_VIOLATION', { account: MEMBER });
    const second = sampleFinding('CONFIG_DRIFT', { account: MEMBER });
    const deps = runtime();
    // Act
    await importFindingEvent(findingEvent(first), deps);
    await importFindingEvent(findingEvent(second), deps);
    // Assess: the role of that account, at the STS endpoint of the function's region; the
    // findings stored in the member account (the fake refuses any other caller).
    expect(sts.issued.map((c) => [c.roleArn, c.signedRegion])).toEqual([
      [memberRole(), OWN_REGION],
    ]);
    expect(hub.finding(`ecr-tag-auditor/${first.id}`, MEMBER, OWN_REGION)).toMatchObject({
      AwsAccountId: MEMBER,
    });
    expect(hub.findings().map((f) => f.AwsAccountId)).toEqual([MEMBER, MEMBER]);
  });

  it('is imported in the finding’s own region, also for the stack’s account elsewhere', async () => {
    // Prepare: the stack's own account in another region goes through its import role too.
    const finding = sampleFinding('CONFIG_DRIFT', { region: 'us-east-1' });
    // Act
    await importFindingEvent(findingEvent(finding), runtime());
    // Assess
    expect(sts.issued.map((c) => c.roleArn)).toEqual([memberRole(OWN)]);
    expect(hub.findings().map((f) => f.ProductArn)).toEqual([
      `arn:aws:securityhub:us-east-1:${OWN}:product/${OWN}/default`,
    ]);
  });

  it('fails the invocation when the role cannot be assumed, and imports on the retry', async () => {
    // Prepare
    sts.denyRole(memberRole());
    const finding = sampleFinding('CONFIG_DRIFT', { account: MEMBER });
    const deps = runtime();
    // Act
    const failed = importFindingEvent(findingEvent(finding), deps);
    // Assess: nothing imported, nothing dropped silently: the invocation fails.
    await expect(failed).rejects.toBeInstanceOf(AssumeRoleError);
    expect(hub.count()).toBe(0);
    // Act: Lambda's retry, once the role trusts the function (the failure was not remembered).
    sts.reset();
    await importFindingEvent(findingEvent(finding), deps);
    // Assess
    expect(hub.findings()).toHaveLength(1);
  });
});

describe('failures', () => {
  it('absorbs throttling (TooManyRequestsException, 429) by retrying', async () => {
    // Prepare
    hub.inject('BatchImportFindings', fault.throttle(), fault.throttle(), fault.throttle());
    // Act
    await importFindingEvent(findingEvent(sampleFinding('CONFIG_DRIFT')), runtime());
    // Assess
    expect(hub.requests.map((r) => r.fault)).toEqual([
      'throttle',
      'throttle',
      'throttle',
      undefined,
    ]);
    expect(hub.findings()).toHaveLength(1);
  });

  it('imports 40 findings at once under AWS’s rate (10 a second, burst 30)', async () => {
    // Prepare: the 40 first arrivals meet a bucket that does not refill, however slowly a loaded
    // machine sends them (30 pass, 10 are throttled); from then on it refills at 10 a second.
    const findings = Array.from({ length: 40 }, (_, i) =>
      sampleFinding('CONFIG_DRIFT', { repository: `repo-${i}` }),
    );
    hub.rateLimit = SECURITY_HUB_IMPORT_RATE;
    let arrivals = 0;
    let refillFrom = 0;
    hub.clock = () => {
      arrivals++;
      if (arrivals <= findings.length) return 0;
      if (refillFrom === 0) refillFrom = performance.now();
      return performance.now() - refillFrom;
    };
    const deps = runtime();
    // Act
    await Promise.all(findings.map((f) => importFindingEvent(findingEvent(f), deps)));
    // Assess: 10 of the first 40 arrivals were throttled, and every finding was imported.
    const first = hub.requests.slice(0, findings.length);
    expect(first.filter((r) => r.fault === 'rate-limit')).toHaveLength(10);
    expect(hub.findings()).toHaveLength(40);
  }, 30_000);

  it('fails the invocation on a finding Security Hub did not import (FailedFindings)', async () => {
    // Prepare: a function that takes the member's findings for its own account's, so that
    // Security Hub refuses them (the caller is not the finding's account).
    const deps = runtime({ ownAccount: MEMBER });
    const finding = sampleFinding('CONFIG_DRIFT', { account: MEMBER });
    // Act
    const failed = importFindingEvent(findingEvent(finding), { ...deps, ownAccount: OWN });
    // Assess
    await expect(failed).rejects.toThrow(FindingsNotImportedError);
    await expect(failed).rejects.toThrow(/AccessDeniedException/);
    expect(hub.findings()).toEqual([]);
  });

  it('fails the invocation when the request fails for good', async () => {
    // Prepare
    hub.inject('BatchImportFindings', fault.error('AccessDeniedException', 403));
    // Act
    const failed = importFindingEvent(findingEvent(sampleFinding('CONFIG_DRIFT')), runtime());
    // Assess
    await expect(failed).rejects.toBeInstanceOf(SecurityHubRequestError);
    expect(hub.count()).toBe(1);
  });

  it.each([
    ['another source', (e: Record<string, unknown>) => (e.source = 'aws.ecr'), /source/],
    ['a detail that is no finding', (e: Record<string, unknown>) => (e.detail = {}), /detail/],
    [
      'a finding event put by another account (an imitation on the organization bus)',
      (e: Record<string, unknown>) => (e.account = MEMBER),
      /put by account 210987654321/,
    ],
  ])('refuses %s, calling nothing', async (_name, spoil, message) => {
    // Prepare
    const event = findingEvent(sampleFinding('CONFIG_DRIFT')) as Record<string, unknown>;
    spoil(event);
    // Act
    const failed = importFindingEvent(event, runtime());
    // Assess
    await expect(failed).rejects.toBeInstanceOf(NotAFindingEventError);
    await expect(failed).rejects.toThrow(message);
    expect(hub.count() + sts.count()).toBe(0);
  });
});

describe('the record of a repository', () => {
  const drift = sampleFinding('CONFIG_DRIFT', { id: 'config-drift-aaaaaaaaaaaaaaaaaaaa' });
  const resolution = sampleFinding('CONFIG_DRIFT_RESOLVED', {
    id: 'config-drift-resolved-bbbbbbbbbbbbbbbbbbbb',
    severity: 'INFO',
    actual: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
    direction: 'EQUAL',
    eventTime: '2025-07-25T00:00:00.000Z',
  });

  it('a drift then its resolution: one record, archived and PASSED', async () => {
    // Prepare
    const deps = runtime();
    // Act
    await importFindingEvent(findingEvent(drift), deps);
    await importFindingEvent(findingEvent(resolution), deps);
    // Assess
    const stored = hub.findings();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      UpdatedAt: resolution.eventTime,
    });
  });

  it('a duplicate of the drift delivered late changes nothing (idempotent by Id)', async () => {
    // Prepare
    const deps = runtime();
    await importFindingEvent(findingEvent(drift), deps);
    await importFindingEvent(findingEvent(resolution), deps);
    // Act: EventBridge delivers at least once, Lambda retries: the drift comes again, last.
    await importFindingEvent(findingEvent(resolution), deps);
    await importFindingEvent(findingEvent(drift), deps);
    // Assess
    expect(hub.findings()).toHaveLength(1);
    expect(hub.findings()[0]).toMatchObject({ RecordState: 'ARCHIVED' });
  });
});

describe('the handler (lib/runtime/securityhub-lambda.ts)', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECURITYHUB: hubServer.endpoint,
      AWS_ENDPOINT_URL_STS: stsServer.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDCENTRAL',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: SAMPLE.region,
      SECURITYHUB_IMPORT_ROLE_NAME: ROLE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: 'test',
    });
  });
  afterEach(() => {
    process.env = saved;
  });

  it('imports own findings with its credentials and members’ through their role', async () => {
    // Prepare: the function's account is in its ARN (lambdaContext: ACCOUNT, SAMPLE.region).
    const handler = createSecurityHubImportHandler('securityhub-import');
    const context = lambdaContext('securityhub-import') as never;
    const own = sampleFinding('CONFIG_DRIFT', { region: SAMPLE.region });
    const member = sampleFinding('CONFIG_DRIFT', { account: MEMBER, region: SAMPLE.region });
    // Act
    await handler(findingEvent(own), context);
    await handler(findingEvent(member), context);
    // Assess
    expect(sts.issued.map((c) => [c.roleArn, c.signedRegion])).toEqual([
      [memberRole(), SAMPLE.region],
    ]);
    expect(hub.findings().map((f) => f.AwsAccountId)).toEqual([OWN, MEMBER]);
  });

  it('fails the invocation when the import fails', async () => {
    // Prepare
    sts.denyRole(memberRole());
    const handler = createSecurityHubImportHandler('securityhub-import');
    const member = sampleFinding('CONFIG_DRIFT', { account: MEMBER, region: SAMPLE.region });
    // Act
    const failed = handler(findingEvent(member), lambdaContext('securityhub-import') as never);
    // Assess
    await expect(failed).rejects.toBeInstanceOf(AssumeRoleError);
  });

  it('reads its settings, naming what is wrong', () => {
    expect(
      readSecurityHubSettings({ SECURITYHUB_IMPORT_ROLE_NAME: 'r', AWS_REGION: 'eu-west-1' }),
    ).toEqual({ importRoleName: 'r', region: 'eu-west-1' });
    expect(() => readSecurityHubSettings({ SECURITYHUB_IMPORT_ROLE_NAME: 'a b' })).toThrow(
      SecurityHubConfigurationError,
    );
    expect(() => readSecurityHubSettings({})).toThrow(/SECURITYHUB_IMPORT_ROLE_NAME.*AWS_REGION/);
  });
});
