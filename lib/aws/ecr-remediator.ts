/**
 * The remediation's {@link Remediator} port over the ECR API: PutImageTagMutability and
 * UpdateRepositoryCreationTemplate sent as the plan spells them, and the configuration read back
 * with DescribeRepositories or DescribeRepositoryCreationTemplates.
 *
 * @module
 */
import {
  DescribeRepositoriesCommand,
  DescribeRepositoryCreationTemplatesCommand,
  type ECRClient,
  PutImageTagMutabilityCommand,
  type PutImageTagMutabilityCommandInput,
  UpdateRepositoryCreationTemplateCommand,
  type UpdateRepositoryCreationTemplateCommandInput,
} from '@aws-sdk/client-ecr';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Remediator } from '../core/remediation/apply.ts';
import type { RemediationPlan } from '../core/remediation/plan.ts';
import type { RemediationRequest } from '../core/remediation/request.ts';
import type { Registry, RegistryConfigSource } from '../core/scan/registry.ts';
import { createScanEcrClient } from './clients.ts';
import { createEcrRegistry } from './ecr-registry.ts';
import { createMemberRegistry } from './member-registry.ts';

/**
 * The repository or template was not there when read back (deleted meanwhile).
 *
 * @example
 * ```ts
 * throw new ReadBackError('repository payments is gone');
 * ```
 */
export class ReadBackError extends Error {
  override readonly name = 'ReadBackError';
}

/**
 * A remediator writing and reading through `ecr` (its account and region).
 *
 * @example
 * ```ts
 * const remediator = createEcrRemediator(createScanEcrClient({ region: 'eu-west-1' }));
 * await remediator.send(plan.request);
 * ```
 */
export function createEcrRemediator(ecr: ECRClient): Remediator {
  return {
    async send(request: RemediationRequest): Promise<void> {
      // The inputs are the API's own shapes; the template's other settings are passed through as
      // DescribeRepositoryCreationTemplates returned them.
      if (request.operation === 'PutImageTagMutability') {
        await ecr.send(
          new PutImageTagMutabilityCommand(request.input as PutImageTagMutabilityCommandInput),
        );
      } else {
        await ecr.send(
          new UpdateRepositoryCreationTemplateCommand(
            request.input as UpdateRepositoryCreationTemplateCommandInput,
          ),
        );
      }
    },

    async readBack(plan: RemediationPlan): Promise<RegistryConfigSource> {
      if (plan.repository !== null) {
        const answer = await ecr.send(
          new DescribeRepositoriesCommand({
            registryId: plan.account,
            repositoryNames: [plan.repository],
          }),
        );
        const found = answer.repositories?.find((r) => r.repositoryName === plan.repository);
        if (!found) throw new ReadBackError(`repository ${plan.repository} is not listed`);
        return found;
      }
      const prefix = plan.templatePrefix ?? '';
      const answer = await ecr.send(
        new DescribeRepositoryCreationTemplatesCommand({ prefixes: [prefix] }),
      );
      const found = answer.repositoryCreationTemplates?.find((t) => t.prefix === prefix);
      if (!found) throw new ReadBackError(`creation template ${prefix} is not listed`);
      return found;
    },
  };
}

/** One account-region's registry read and written through one ECR client. */
export interface RemediationAccess {
  readonly registry: Registry;
  readonly remediator: Remediator;
  /** Releases the clients. */
  destroy(): void;
}

/**
 * The registry and remediator of the caller's own account in `region` (default: the SDK's), with
 * the default credential chain; `region()` resolves the region the client uses.
 *
 * @example
 * ```ts
 * const access = openRemediation({ region: 'eu-west-1' });
 * try { … } finally { access.destroy(); }
 * ```
 */
export function openRemediation(options: { readonly region?: string } = {}): RemediationAccess & {
  region(): Promise<string>;
} {
  const ecr = createScanEcrClient(options);
  return {
    registry: createEcrRegistry(ecr),
    remediator: createEcrRemediator(ecr),
    region: () => ecr.config.region(),
    destroy: () => ecr.destroy(),
  };
}

/**
 * The registry and remediator of a member account in `region`, through `roleName` assumed there
 * (session `ecr-tag-auditor-remediate`): the role must allow the remediation's writes
 * (docs/remediation.md#iam). Rejects with `AssumeRoleError` when it cannot be assumed.
 *
 * @example
 * ```ts
 * const access = await openMemberRemediation({ account, region, roleName: 'ecr-remediate' });
 * ```
 */
export async function openMemberRemediation(options: {
  readonly account: string;
  readonly region: string;
  readonly roleName: string;
  /** The STS client of a region, the caller's (as for {@link createMemberRegistry}). */
  readonly sts?: (region: string) => STSClient;
}): Promise<RemediationAccess> {
  let client: ECRClient | undefined;
  const registry = await createMemberRegistry({
    ...options,
    sessionName: 'ecr-tag-auditor-remediate',
    // The client the registry reads with, kept so that the writes use the same credentials.
    ecr: (region, credentials) => {
      client = createScanEcrClient({ region, credentials });
      return client;
    },
  });
  return {
    registry,
    remediator: createEcrRemediator(client as ECRClient),
    destroy: () => registry.destroy(),
  };
}
