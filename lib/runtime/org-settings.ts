/**
 * The organization scan's settings, from the environment (runtime contract: ORG_ACCOUNTS,
 * ORG_REGIONS — default the function's own AWS_REGION —, ORG_SCAN_ROLE_NAME; serverless.yml sets
 * them from its parameters).
 *
 * @module
 */

/** An organization-scan setting is missing or wrong: the function cannot run. */
export class OrgConfigurationError extends Error {
  override readonly name = 'OrgConfigurationError';
}

/** The organization scan's settings. */
export interface OrgSettings {
  /** The accounts to scan; empty: every active account of the organization (organization mode). */
  readonly accounts: readonly string[];
  /** The regions to scan in every account. */
  readonly regions: readonly string[];
  /** The role the scan assumes in every member account (its name, the same in each). */
  readonly scanRoleName: string;
  /** Account-regions scanned at once (the Distributed Map's concurrency); default 20. */
  readonly maxConcurrency: number;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** A comma-separated list, without blanks. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * Reads the settings; every problem is named in one error.
 *
 * @example
 * ```ts
 * readOrgSettings({ ORG_ACCOUNTS: '', ORG_REGIONS: 'eu-west-1,us-east-1', ORG_SCAN_ROLE_NAME: 'ecr-tag-auditor-scan' });
 * // { accounts: [], regions: ['eu-west-1', 'us-east-1'], scanRoleName: 'ecr-tag-auditor-scan', maxConcurrency: 20 }
 * ```
 */
export function readOrgSettings(env: Readonly<Record<string, string | undefined>>): OrgSettings {
  const problems: string[] = [];
  const accounts = list(env.ORG_ACCOUNTS);
  // Default: the function's own region.
  const regions = list(env.ORG_REGIONS || env.AWS_REGION);
  const scanRoleName = env.ORG_SCAN_ROLE_NAME ?? '';
  const badAccounts = accounts.filter((a) => !ACCOUNT.test(a));
  if (badAccounts.length > 0)
    problems.push(`ORG_ACCOUNTS: not account ids: ${badAccounts.join(', ')}`);
  if (regions.length === 0) problems.push('ORG_REGIONS is not set');
  const badRegions = regions.filter((r) => !REGION.test(r));
  if (badRegions.length > 0) problems.push(`ORG_REGIONS: not regions: ${badRegions.join(', ')}`);
  if (!ROLE_NAME.test(scanRoleName)) {
    problems.push(`ORG_SCAN_ROLE_NAME is not a role name (got "${scanRoleName}")`);
  }
  const maxConcurrency = Number(env.ORG_MAX_CONCURRENCY || '20');
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000) {
    problems.push(
      `ORG_MAX_CONCURRENCY must be an integer from 1 to 10000 (got "${env.ORG_MAX_CONCURRENCY}")`,
    );
  }
  if (problems.length > 0) throw new OrgConfigurationError(problems.join('; '));
  return { accounts, regions, scanRoleName, maxConcurrency };
}

/** Whether an item names a valid account and region (the item function's input). */
export function isWorkItem(value: unknown): value is { account: string; region: string } {
  const item = value as { account?: unknown; region?: unknown } | null;
  return (
    typeof item?.account === 'string' &&
    ACCOUNT.test(item.account) &&
    typeof item.region === 'string' &&
    REGION.test(item.region)
  );
}

/** An S3 bucket name: 3–63 lower-case letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The organization scan's bucket (ORG_SCAN_BUCKET; serverless.yml sets it to the stack's bucket),
 * where org-plan writes the plan and org-summary reads the Map run's results.
 *
 * @example
 * ```ts
 * readOrgScanBucket({ ORG_SCAN_BUCKET: 'ecr-tag-auditor-dev-orgscanbucket-1a2b3c' }); // 'ecr-tag-auditor-dev-orgscanbucket-1a2b3c'
 * ```
 */
export function readOrgScanBucket(env: Readonly<Record<string, string | undefined>>): string {
  const bucket = env.ORG_SCAN_BUCKET ?? '';
  if (!BUCKET.test(bucket)) {
    throw new OrgConfigurationError(`ORG_SCAN_BUCKET is not a bucket name (got "${bucket}")`);
  }
  return bucket;
}
