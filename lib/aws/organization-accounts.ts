/**
 * The accounts of an AWS organization, for the organization-wide scan: ListAccounts, from the
 * management account or a delegated administrator, at its largest page (20).
 *
 * @module
 */
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';

/** ListAccounts' largest page (`MaxResults` 1–20). */
const ORGANIZATIONS_PAGE_SIZE = 20;

/**
 * The organization's accounts could not be listed (not the management account nor a delegated
 * administrator, Organizations not in use, throttled beyond the retries); `cause` is the error.
 *
 * @example
 * ```ts
 * throw new ListAccountsError({ cause: error });
 * ```
 */
export class ListAccountsError extends Error {
  override readonly name = 'ListAccountsError';

  /** @param options - `cause`: the Organizations error. */
  constructor(options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot list the organization's accounts${reason}`, options);
  }
}

/**
 * The ids of the organization's active accounts, in the order Organizations lists them: the
 * suspended ones, and those closing or not yet active, cannot be scanned. An account's `State`
 * is read, or the `Status` AWS retired in September 2026 where only that is given.
 *
 * @example
 * ```ts
 * const accounts = await listActiveAccounts(createOrganizationsClient()); // ['111111111111', …]
 * ```
 */
export async function listActiveAccounts(client: OrganizationsClient): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const page of paginateListAccounts(
      { client, pageSize: ORGANIZATIONS_PAGE_SIZE },
      {},
    )) {
      for (const account of page.Accounts ?? []) {
        if (account.Id && (account.State ?? account.Status) === 'ACTIVE') ids.push(account.Id);
      }
    }
  } catch (error) {
    throw new ListAccountsError({ cause: error });
  }
  return ids;
}
