/**
 * Which accounts and regions a command reaches (`scan`, `remediate`): the caller's own account
 * with the default credential chain, or — like c7n-org and Prowler — many accounts, from a file
 * or the organization, each through a role assumed there (docs/cli.md#scanning-several-accounts).
 * The options, their checks and the account-regions, defined once.
 *
 * @module
 */
import { createOrganizationsClient } from '../aws/clients.ts';
import { listActiveAccounts } from '../aws/organization-accounts.ts';
import { planWorkItems, type WorkItem } from '../core/org/plan.ts';
import { readAccountsFile } from '../io/accounts-file.ts';
import { UsageError } from './io.ts';

/**
 * The options, as `parseCommandArgs` takes them; spread into a command's own.
 *
 * @example
 * ```ts
 * parseCommandArgs('scan', argv, { policy: { type: 'string' }, ...ACCOUNT_SCOPE_OPTIONS });
 * ```
 */
export const ACCOUNT_SCOPE_OPTIONS = {
  accounts: { type: 'string' },
  organization: { type: 'boolean' },
  'role-name': { type: 'string' },
  regions: { type: 'string' },
} as const;

/** Many accounts: where they come from, the role assumed in each, and the regions. */
export interface AccountScope {
  /** `--accounts FILE`; undefined: `--organization`. */
  readonly accountsFile: string | undefined;
  readonly roleName: string;
  /** `--regions`, as given; undefined: the command's region. */
  readonly regions: string | undefined;
}

/**
 * Checks the options of `command`: null for the caller's own account (no `--accounts`, no
 * `--organization`), else the scope; a usage error for a combination that makes no sense.
 *
 * @example
 * ```ts
 * const scope = accountScope('scan', values); // null: one account-region
 * ```
 */
export function accountScope(
  command: string,
  values: {
    readonly accounts?: string | boolean;
    readonly organization?: string | boolean;
    readonly 'role-name'?: string | boolean;
    readonly regions?: string | boolean;
  },
): AccountScope | null {
  const text = (value: string | boolean | undefined) =>
    typeof value === 'string' ? value : undefined;
  const accountsFile = text(values.accounts);
  const organization = values.organization === true;
  if (accountsFile !== undefined && organization) {
    throw new UsageError(`${command}: --accounts and --organization cannot be used together`);
  }
  if (accountsFile === undefined && !organization) {
    for (const flag of ['role-name', 'regions'] as const) {
      if (values[flag] !== undefined) {
        throw new UsageError(`${command}: --${flag} needs --accounts FILE or --organization`);
      }
    }
    return null;
  }
  const roleName = text(values['role-name']);
  if (!roleName) {
    throw new UsageError(
      `${command}: --role-name NAME is required with --accounts or --organization`,
    );
  }
  return { accountsFile, roleName, regions: text(values.regions) };
}

/**
 * The account-regions of `scope`: its accounts (the file's, or the organization's `ACTIVE`
 * ones) in each of its regions (default `region`). Any problem — a file that cannot be read, a
 * line or region that is not one, an organization that cannot be listed, no account at all — is
 * a usage error, before anything is read from a registry.
 *
 * @example
 * ```ts
 * const items = await accountRegions('scan', scope, 'eu-west-1');
 * ```
 */
export async function accountRegions(
  command: string,
  scope: AccountScope,
  region: string,
): Promise<WorkItem[]> {
  const accounts = await (async () => {
    try {
      if (scope.accountsFile !== undefined) return await readAccountsFile(scope.accountsFile);
      const organizations = createOrganizationsClient({ region });
      try {
        return await listActiveAccounts(organizations);
      } finally {
        organizations.destroy();
      }
    } catch (error) {
      throw new UsageError(`${command}: ${(error as Error).message}`, { cause: error });
    }
  })();
  const regions =
    scope.regions === undefined
      ? [region]
      : scope.regions
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r !== '');
  let items: WorkItem[];
  try {
    items = planWorkItems(accounts, regions).flat();
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`, { cause: error });
  }
  if (items.length === 0) throw new UsageError(`${command}: no accounts to ${command}`);
  return items;
}
