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
import type { STSClient } from '@aws-sdk/client-sts';
import type { Registry } from '../core/scan/registry.ts';
import { assumeRoleCredentials, memberRoleArn } from './assume-role.ts';
import { createScanEcrClient, createStsClient } from './clients.ts';
import { createEcrRegistry } from './ecr-registry.ts';

/** Credentials as the ECR client takes them. */
type Credentials = NonNullable<ECRClientConfig['credentials']>;

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
  /**
   * The STS client of a region, the caller's: not destroyed with the registry, so that one serves
   * every account of its region (regional-sts-clients.ts). Default: a {@link createStsClient} of the
   * registry's own, destroyed with it.
   */
  readonly sts?: (region: string) => STSClient;
  /** Builds the ECR client; default {@link createScanEcrClient} with those credentials. */
  readonly ecr?: (region: string, credentials: Credentials) => ECRClient;
}

/** A member account's registry, and the release of its clients. */
export interface MemberRegistry extends Registry {
  /** The role assumed. */
  readonly roleArn: string;
  /** Releases the ECR client, and the STS client if it was the registry's own. */
  destroy(): void;
}

/**
 * Assumes the role in the member account and returns the registry of that account in that
 * region. Rejects with an AssumeRoleError (lib/aws/assume-role.ts) when the role cannot be assumed.
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
  // Only a client made here is the registry's to destroy.
  const releaseSts = options.sts ? () => {} : () => sts.destroy();
  let credentials: Credentials;
  try {
    credentials = await assumeRoleCredentials({
      sts,
      roleArn,
      sessionName: options.sessionName ?? 'ecr-tag-auditor-scan',
      ...(options.durationSeconds === undefined
        ? {}
        : { durationSeconds: options.durationSeconds }),
    });
  } catch (error) {
    releaseSts();
    throw error;
  }
  const ecr = (options.ecr ?? defaultEcr)(options.region, credentials);
  return {
    ...createEcrRegistry(ecr),
    roleArn,
    destroy: () => {
      ecr.destroy();
      releaseSts();
    },
  };
}

function defaultEcr(region: string, credentials: Credentials): ECRClient {
  return createScanEcrClient({ region, credentials });
}
