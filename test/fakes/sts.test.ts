/** The fake STS (test/fakes/sts.ts) answers AssumeRole as AWS documents it, to the real SDK client. */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stsClient } from './clients.ts';
import { fault, type StartedServer } from './http.ts';
import { accountOfAccessKey, FakeSts } from './sts.ts';

const sts = new FakeSts();
let server: StartedServer;

beforeAll(async () => {
  server = await sts.start();
});
afterAll(() => server.close());
beforeEach(() => sts.reset());

const ROLE = 'arn:aws:iam::111111111111:role/ecr-tag-auditor-scan';

describe('fake STS AssumeRole', () => {
  it('returns credentials whose key names the account of the role, signed for the client region', async () => {
    // Prepare
    const client = stsClient(server, { region: 'eu-west-1' });
    // Act
    const answer = await client.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'scan-1' }),
    );
    // Assess
    const key = answer.Credentials?.AccessKeyId ?? '';
    expect(key).toMatch(/^ASIA111111111111[A-Z0-9]{4}$/);
    expect(accountOfAccessKey(key)).toBe('111111111111');
    expect(answer.Credentials?.SessionToken).toBeTruthy();
    expect(answer.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::111111111111:assumed-role/ecr-tag-auditor-scan/scan-1',
    );
    expect(sts.issued.map((c) => c.signedRegion)).toEqual(['eu-west-1']);
  });

  it.each([
    ['a session name of one character', { RoleArn: ROLE, RoleSessionName: 'x' }],
    ['a session name with a space', { RoleArn: ROLE, RoleSessionName: 'my scan' }],
    ['a session name of 65 characters', { RoleArn: ROLE, RoleSessionName: 'a'.repeat(65) }],
    ['a duration under 900 s', { RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 899 }],
    ['a duration over 43200 s', { RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 43201 }],
    [
      'a duration over the role maximum (3600 s by default)',
      { RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 7200 },
    ],
    ['a role ARN that is not one', { RoleArn: 'arn:aws:iam::1111:role/x', RoleSessionName: 'ok' }],
  ])('refuses %s with ValidationError', async (_, input) => {
    // Prepare
    const client = stsClient(server);
    // Act
    const refused = client.send(new AssumeRoleCommand(input)).catch((error: unknown) => error);
    // Assess
    expect(await refused).toMatchObject({ name: 'ValidationError' });
    expect(sts.issued).toEqual([]);
  });

  it('accepts the limits themselves, and a longer session on a role that allows it', async () => {
    // Prepare
    const long = 'arn:aws:iam::222222222222:role/long';
    sts.addRole(long, { maxSessionDuration: 43200 });
    const client = stsClient(server);
    // Act
    await client.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ab', DurationSeconds: 900 }),
    );
    await client.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: `${'a'.repeat(63)}@` }),
    );
    await client.send(
      new AssumeRoleCommand({ RoleArn: long, RoleSessionName: 'ok', DurationSeconds: 43200 }),
    );
    // Assess
    expect(sts.issued).toHaveLength(3);
  });

  it('refuses a role that does not trust the caller with AccessDenied (403), and throttles with Throttling', async () => {
    // Prepare
    sts.denyRole(ROLE);
    const client = stsClient(server, { maxAttempts: 1 });
    // Act
    const denied = await client
      .send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok' }))
      .catch((error: unknown) => error);
    sts.inject('AssumeRole', fault.throttle());
    const throttled = await client
      .send(new AssumeRoleCommand({ RoleArn: ROLE.replace('111', '333'), RoleSessionName: 'ok' }))
      .catch((error: unknown) => error);
    // Assess
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(throttled).toMatchObject({ name: 'Throttling' });
    expect(sts.issued).toEqual([]);
  });
});
