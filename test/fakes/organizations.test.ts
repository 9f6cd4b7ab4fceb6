/** The fake Organizations (test/fakes/organizations.ts) pages ListAccounts as AWS documents it. */
import { ListAccountsCommand, paginateListAccounts } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { organizationsClient } from './clients.ts';
import type { StartedServer } from './http.ts';
import { FakeOrganizations } from './organizations.ts';

const organizations = new FakeOrganizations();
let server: StartedServer;

beforeAll(async () => {
  server = await organizations.start();
  for (let i = 0; i < 45; i++) {
    organizations.addAccount(String(100_000_000_000 + i), i % 10 === 3 ? 'SUSPENDED' : 'ACTIVE');
  }
});
afterAll(() => server.close());
beforeEach(() => {
  organizations.reset();
  organizations.callerIsMember = false;
});

describe('fake Organizations ListAccounts', () => {
  it('pages every account once with NextToken, 20 at most a page, each with its State', async () => {
    // Prepare
    const client = organizationsClient(server);
    // Act
    const pages: number[] = [];
    const states: string[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      pages.push(page.Accounts?.length ?? 0);
      states.push(...(page.Accounts ?? []).map((a) => `${a.Id}:${a.State}`));
    }
    // Assess
    expect(pages).toEqual([20, 20, 5]);
    expect(new Set(states).size).toBe(45);
    expect(states.filter((s) => s.endsWith(':SUSPENDED'))).toHaveLength(5);
  });

  it.each([0, 21])('refuses MaxResults %i with InvalidInputException', async (max) => {
    // Prepare
    const client = organizationsClient(server);
    // Act
    const refused = await client
      .send(new ListAccountsCommand({ MaxResults: max }))
      .catch((error: unknown) => error);
    // Assess
    expect(refused).toMatchObject({ name: 'InvalidInputException' });
  });

  it('refuses a NextToken it did not issue, and a member account with AccessDeniedException', async () => {
    // Prepare
    const client = organizationsClient(server);
    // Act
    const badToken = await client
      .send(new ListAccountsCommand({ NextToken: 'made-up' }))
      .catch((error: unknown) => error);
    organizations.callerIsMember = true;
    const member = await client.send(new ListAccountsCommand({})).catch((error: unknown) => error);
    // Assess
    expect(badToken).toMatchObject({ name: 'InvalidInputException' });
    expect(member).toMatchObject({ name: 'AccessDeniedException' });
  });
});
