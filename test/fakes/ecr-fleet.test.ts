/**
 * The fake ECR fleet (test/fakes/ecr-fleet.ts) serves each request from the registry of the
 * account its key belongs to, in the region it was signed for, each with its own throttle.
 */
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecrClient } from './clients.ts';
import { FakeEcrFleet } from './ecr-fleet.ts';
import type { StartedServer } from './http.ts';

const fleet = new FakeEcrFleet();
let server: StartedServer;

beforeAll(async () => {
  fleet.registry('111111111111', 'eu-west-1').addRepository('a-eu');
  fleet.registry('111111111111', 'us-east-1').addRepository('a-us');
  fleet.registry('222222222222', 'eu-west-1').addRepository('b-eu');
  server = await fleet.start();
});
afterAll(() => server.close());

/** An ECR client with a temporary key of `account`, in `region`. */
function client(account: string, region: string, sessionToken: string | null = 'token') {
  return ecrClient(server, {
    region,
    maxAttempts: 1,
    credentials: {
      accessKeyId: `ASIA${account}AB12`,
      secretAccessKey: 'secret',
      ...(sessionToken === null ? {} : { sessionToken }),
    },
  });
}

async function names(account: string, region: string): Promise<string[]> {
  const page = await client(account, region).send(new DescribeRepositoriesCommand({}));
  return (page.repositories ?? []).map((r) => `${r.registryId}:${r.repositoryName}`);
}

describe('fake ECR fleet', () => {
  it('answers from the registry of the key account and the signed region; an unseeded one is empty', async () => {
    // Act / Assess
    expect(await names('111111111111', 'eu-west-1')).toEqual(['111111111111:a-eu']);
    expect(await names('111111111111', 'us-east-1')).toEqual(['111111111111:a-us']);
    expect(await names('222222222222', 'eu-west-1')).toEqual(['222222222222:b-eu']);
    expect(await names('222222222222', 'us-east-1')).toEqual([]);
  });

  it('refuses a key STS did not issue, and a temporary key without its token', async () => {
    // Prepare
    const stranger = ecrClient(server, { maxAttempts: 1 });
    // Act
    const unknownKey = await stranger
      .send(new DescribeRepositoriesCommand({}))
      .catch((error: unknown) => error);
    const noToken = await client('111111111111', 'eu-west-1', null)
      .send(new DescribeRepositoriesCommand({}))
      .catch((error: unknown) => error);
    // Assess
    expect(unknownKey).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(noToken).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(fleet.refused.map((r) => r.reason)).toEqual([
      'not a key the fake STS issued',
      'a temporary key without its session token',
    ]);
  });

  it('throttles each account-region on its own', async () => {
    // Prepare: one registry allows one call a second, the other is unlimited
    fleet.registry('111111111111', 'eu-west-1').rateLimit = { perSecond: 1 };
    // Act
    const limited = await Promise.allSettled(
      [1, 2, 3].map(() => names('111111111111', 'eu-west-1')),
    );
    const free = await Promise.allSettled([1, 2, 3].map(() => names('111111111111', 'us-east-1')));
    fleet.registry('111111111111', 'eu-west-1').rateLimit = undefined;
    // Assess
    expect(limited.filter((r) => r.status === 'rejected')).toHaveLength(2);
    expect(free.every((r) => r.status === 'fulfilled')).toBe(true);
  });
});
