/**
 * The registry of a member account: the scan's {@link Registry} over ECR in one account and
 * region, read with a role assumed in that account (the organization-wide scan,
 * docs/cli.md#scanning-several-accounts). The role is assumed once per registry and its
 * credentials serve the whole scan — STS's request quota cannot be raised, so an organization of
 * thousands of account-regions must not call it per page — and again only when they near their
 * expiry.
 *
 * @module
 */
import type { ECRClient, ECRClientConfig } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { Registry } from '../core/scan/registry.ts';
import { createScanEcrClient, createStsClient } from './clients.ts';
import { createEcrRegistry } from './ecr-registry.ts';

/** Credentials as the ECR client takes them. */
type Credentials = NonNullable<ECRClientConfig['credentials']>;

/** Credentials are assumed again when they have less than this left (ms). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/**
 * The role of a member account could not be assumed (its trust policy does not trust the caller,
 * the role does not exist, STS throttled beyond the retries); `cause` is the STS error.
 *
 * @example
 * ```ts
 * throw new AssumeRoleError('arn:aws:iam::111111111111:role/audit', { cause: error });
 * ```
 */
export class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  /** The role that could not be assumed. */
  readonly roleArn: string;

  /**
   * @param roleArn - the role.
   * @param options - `cause`: the STS error.
   */
  constructor(roleArn: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot assume ${roleArn}${reason}`, options);
    this.roleArn = roleArn;
  }
}

/** What {@link createMemberRegistry} needs. */
export interface MemberRegistryOptions {
  /** The 12-digit member account. */
  readonly account: string;
  /** The region scanned; STS is called at this region's endpoint too. */
  readonly region: string;
  /** The role's name (with its path, if any), the same in every account. */
  readonly roleName: string;
  /** The ARN partition; default: the region's (`aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`). */
  readonly partition?: string;
  /** `RoleSessionName` (2–64 of `[\w+=,.@-]`); default `ecr-tag-auditor-scan`. */
  readonly sessionName?: string;
  /** `DurationSeconds` (900 to the role's maximum); default 3600, every role's least maximum. */
  readonly durationSeconds?: number;
  /** Builds the STS client of a region; default {@link createStsClient} (the regional endpoint). */
  readonly sts?: (region: string) => STSClient;
  /** Builds the ECR client; default {@link createScanEcrClient} with those credentials. */
  readonly ecr?: (region: string, credentials: Credentials) => ECRClient;
}

/** A member account's registry, and the release of its clients. */
export interface MemberRegistry extends Registry {
  /** The role assumed. */
  readonly roleArn: string;
  /** Releases the ECR and STS clients. */
  destroy(): void;
}

/**
 * The ARN of `roleName` in `account`, in the partition of `region` (unless given).
 *
 * @example
 * ```ts
 * memberRoleArn('111111111111', 'eu-west-1', 'audit'); // 'arn:aws:iam::111111111111:role/audit'
 * ```
 */
export function memberRoleArn(
  account: string,
  region: string,
  roleName: string,
  partition: string = partitionOf(region),
): string {
  return `arn:${partition}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;
}

/**
 * Assumes the role in the member account and returns the registry of that account in that
 * region. Rejects with {@link AssumeRoleError} when the role cannot be assumed.
 *
 * @example
 * ```ts
 * const registry = await createMemberRegistry({ account: '111111111111', region: 'eu-west-1',
 *   roleName: 'ecr-tag-auditor-scan' });
 * try { await runScan({ registry, account: '111111111111', region: 'eu-west-1', ... }); }
 * finally { registry.destroy(); }
 * ```
 */
export async function createMemberRegistry(
  options: MemberRegistryOptions,
): Promise<MemberRegistry> {
  const roleArn = memberRoleArn(
    options.account,
    options.region,
    options.roleName,
    options.partition,
  );
  const sts = (options.sts ?? createStsClient)(options.region);
  const assume = async () => {
    try {
      const answer = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: options.sessionName ?? 'ecr-tag-auditor-scan',
          DurationSeconds: options.durationSeconds ?? 3600,
        }),
      );
      const credentials = answer.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
        throw new Error('STS answered without credentials');
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
      };
    } catch (error) {
      throw new AssumeRoleError(roleArn, { cause: error });
    }
  };
  let current: Awaited<ReturnType<typeof assume>>;
  try {
    current = await assume();
  } catch (error) {
    sts.destroy();
    throw error;
  }
  let refreshing: Promise<void> | undefined;
  // The SDK keeps the credentials this returns until they near their expiry, then asks again.
  const credentials = async () => {
    const expiry = current.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiry - Date.now() < REFRESH_BEFORE_EXPIRY_MS) {
      // One AssumeRole for the requests that find the credentials old at the same time.
      refreshing ??= assume()
        .then((fresh) => {
          current = fresh;
        })
        .finally(() => {
          refreshing = undefined;
        });
      await refreshing;
    }
    return current;
  };
  const ecr = (options.ecr ?? defaultEcr)(options.region, credentials);
  return {
    ...createEcrRegistry(ecr),
    roleArn,
    destroy: () => {
      ecr.destroy();
      sts.destroy();
    },
  };
}

function defaultEcr(region: string, credentials: Credentials): ECRClient {
  return createScanEcrClient({ region, credentials });
}

/** The ARN partition of a region. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}
