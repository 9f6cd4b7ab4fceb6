/**
 * Credentials of a role assumed in a member account, for any SDK client: the organization scan
 * reads ECR with them (lib/aws/member-registry.ts), the Security Hub import imports a member's
 * findings with them (lib/aws/securityhub-import.ts). The role is assumed once and its
 * credentials serve every request — STS's request quota cannot be raised, so thousands of
 * account-regions must not call it per request — and again only when they near their expiry.
 *
 * @module
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { partitionOf } from '../core/model/arn.ts';

/** Credentials as an SDK client takes them (`credentials`: a provider function). */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

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

/** What {@link assumeRoleCredentials} needs. */
export interface AssumeRoleOptions {
  /** The STS client to call (a regional endpoint: lib/aws/clients.ts `createStsClient`). */
  readonly sts: STSClient;
  readonly roleArn: string;
  /** `RoleSessionName` (2–64 of `[\w+=,.@-]`). */
  readonly sessionName: string;
  /** `DurationSeconds` (900 to the role's maximum); default 3600, every role's least maximum. */
  readonly durationSeconds?: number;
}

/** A credential provider an SDK client takes, with its first credentials already fetched. */
export type RoleCredentialProvider = () => Promise<RoleCredentials>;

/**
 * Assumes `roleArn` once and resolves to a provider of its credentials, which assumes it again
 * only when they have less than five minutes left. Rejects with {@link AssumeRoleError} when
 * the role cannot be assumed (the provider rejects likewise on a failed renewal).
 *
 * @example
 * ```ts
 * const credentials = await assumeRoleCredentials({ sts, roleArn, sessionName: 'ecr-tag-auditor-scan' });
 * const ecr = new ECRClient({ region, credentials });
 * ```
 */
export async function assumeRoleCredentials(
  options: AssumeRoleOptions,
): Promise<RoleCredentialProvider> {
  const assume = async (): Promise<RoleCredentials> => {
    try {
      const answer = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
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
      throw new AssumeRoleError(options.roleArn, { cause: error });
    }
  };
  let current = await assume();
  let refreshing: Promise<void> | undefined;
  // The SDK keeps the credentials this returns until they near their expiry, then asks again.
  return async () => {
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
}
