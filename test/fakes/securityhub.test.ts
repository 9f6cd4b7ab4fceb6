/**
 * The fake Security Hub (test/fakes/securityhub.ts) holds a real SDK client to what AWS documents
 * for BatchImportFindings: the request's bounds, each finding's fields, the caller of the default
 * product, throttling, and the state it keeps by Id.
 */
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AsffFinding, toAsff } from '../../lib/render/asff.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { securityHubClient } from './clients.ts';
import type { StartedServer } from './http.ts';
import { FakeSecurityHub, SECURITY_HUB_IMPORT_RATE } from './securityhub.ts';

const REGION = 'eu-west-1';
const MEMBER = '210987654321';
const hub = new FakeSecurityHub({ account: ACCOUNT });
let server: StartedServer;
beforeAll(async () => {
  server = await hub.start();
});
afterAll(() => server.close());
beforeEach(() => hub.reset());

const asff = (overrides: Parameters<typeof sampleFinding>[1] = {}): AsffFinding =>
  toAsff(sampleFinding('CONFIG_DRIFT', overrides), { now: new Date() });
const send = (findings: unknown[], options: Parameters<typeof securityHubClient>[1] = {}) =>
  securityHubClient(server, { region: REGION, maxAttempts: 1, ...options }).send(
    new BatchImportFindingsCommand({ Findings: findings as never }),
  );

describe('the fake Security Hub', () => {
  it.each([
    ['no finding', 0],
    ['101 findings', 101],
  ])('refuses a request of %s', async (_name, count) => {
    const findings = Array.from({ length: count }, (_, i) => asff({ repository: `r${i}` }));
    await expect(send(findings)).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('refuses a request over 6 MB', async () => {
    const big = { ...asff(), ProductFields: { 'x/y': 'z'.repeat(6_000_000) } };
    await expect(send([big])).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('fails an invalid finding alone, with its code, and imports the others', async () => {
    // Prepare
    const { Title: _title, ...untitled } = asff({ repository: 'a' });
    // Act
    const answer = await send([untitled, asff({ repository: 'b' })]);
    // Assess
    expect(answer.FailedCount).toBe(1);
    expect(answer.SuccessCount).toBe(1);
    expect(answer.FailedFindings?.[0]).toMatchObject({
      Id: untitled.Id,
      ErrorCode: 'InvalidInput',
    });
    expect(answer.FailedFindings?.[0]?.ErrorMessage).toMatch(/Title: required/);
    expect(hub.findings()).toHaveLength(1);
  });

  it('with the default product, imports only the caller’s own findings, in the region called', async () => {
    // Act: the caller is ACCOUNT (a key the fake STS did not issue).
    const other = await send([asff({ account: MEMBER })]);
    const elsewhere = await send([asff({ region: 'us-east-1' })]);
    const member = await send([asff({ account: MEMBER })], {
      credentials: { accessKeyId: `ASIA${MEMBER}0001`, secretAccessKey: 's' },
    });
    // Assess
    expect(other.FailedFindings?.[0]?.ErrorCode).toBe('AccessDeniedException');
    expect(elsewhere.FailedFindings?.[0]?.ErrorCode).toBe('AccessDeniedException');
    expect(member.SuccessCount).toBe(1);
    expect(hub.findings().map((f) => f.AwsAccountId)).toEqual([MEMBER]);
  });

  it('throttles above 10 requests a second (burst 30) with TooManyRequestsException, 429', async () => {
    // Prepare: time stands still (no refill), whatever the machine's speed.
    hub.rateLimit = SECURITY_HUB_IMPORT_RATE;
    hub.clock = () => 0;
    // Act
    const answers = await Promise.allSettled(
      Array.from({ length: 45 }, (_, i) => send([asff({ repository: `r${i}` })])),
    );
    // Assess: the burst of 30 went through, the other 15 were refused.
    const refused = answers.filter((a) => a.status === 'rejected');
    expect(refused).toHaveLength(15);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
  });

  it('keeps one finding per Id: a later UpdatedAt replaces it, an older one is ignored', async () => {
    // Prepare
    const first = asff({ eventTime: '2025-07-24T00:00:00.000Z', message: 'first' });
    const later = asff({ eventTime: '2025-07-25T00:00:00.000Z', message: 'later' });
    // Act
    await send([first]);
    await send([later]);
    await send([first]);
    // Assess
    expect(hub.findings()).toHaveLength(1);
    expect(hub.finding(first.Id, ACCOUNT, REGION)?.Description).toBe('later');
  });
});
