/** The organization's active accounts (lib/aws/organization-accounts.ts) against the fake Organizations. */
import { afterEach, describe, expect, it } from 'vitest';
import { createOrganizationsClient } from '../../lib/aws/clients.ts';
import { ListAccountsError, listActiveAccounts } from '../../lib/aws/organization-accounts.ts';
import { organizationsClient } from '../fakes/clients.ts';
import type { StartedServer } from '../fakes/http.ts';
import { type AccountState, FakeOrganizations } from '../fakes/organizations.ts';

let server: StartedServer | undefined;
afterEach(() => server?.close());

/** An organization of `n` accounts, the state of each given by `state(i)`. */
async function organization(
  n: number,
  state: (i: number) => AccountState,
  legacyStatus = false,
): Promise<FakeOrganizations> {
  const fake = new FakeOrganizations({ legacyStatus });
  for (let i = 0; i < n; i++) fake.addAccount(String(100_000_000_000 + i), state(i));
  server = await fake.start();
  return fake;
}

const stateOf = (i: number): AccountState =>
  i % 9 === 4 ? 'SUSPENDED' : i === 17 ? 'PENDING_CLOSURE' : 'ACTIVE';

describe('listActiveAccounts', () => {
  it('lists the 45 accounts in 3 pages of at most 20, keeping only the active ones', async () => {
    // Prepare
    const fake = await organization(45, stateOf);
    // Act
    const ids = await listActiveAccounts(organizationsClient(server ?? ''));
    // Assess
    const expected = fake.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
    expect(ids).toEqual(expected);
    expect(ids).toHaveLength(45 - 5 - 1);
    expect(fake.count('ListAccounts')).toBe(3);
    expect(fake.requests.map((r) => (r.body as { MaxResults?: number }).MaxResults)).toEqual([
      20, 20, 20,
    ]);
  });

  it('reads the retired Status where it is all there is', async () => {
    // Prepare: an answer with both fields; the State is what counts
    await organization(3, (i) => (i === 1 ? 'SUSPENDED' : 'ACTIVE'), true);
    // Act
    const ids = await listActiveAccounts(organizationsClient(server ?? ''));
    // Assess
    expect(ids).toEqual(['100000000000', '100000000002']);
  });

  it('rejects with ListAccountsError when the caller is not the management account', async () => {
    // Prepare
    const fake = await organization(3, () => 'ACTIVE');
    fake.callerIsMember = true;
    // Act
    const refused = await listActiveAccounts(organizationsClient(server ?? '')).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(refused).toBeInstanceOf(ListAccountsError);
    expect(refused).toMatchObject({ cause: { name: 'AccessDeniedException' } });
  });
});

describe('the default Organizations client', () => {
  it('calls the global endpoint in us-east-1, whatever region the caller is in', () => {
    // Prepare
    const client = createOrganizationsClient({ region: 'eu-west-1' });
    // Act
    const endpoint = client.config.endpointProvider({
      Region: 'eu-west-1',
      UseFIPS: false,
      UseDualStack: false,
    });
    client.destroy();
    // Assess
    expect(endpoint.url.href).toBe('https://organizations.us-east-1.amazonaws.com/');
  });
});
