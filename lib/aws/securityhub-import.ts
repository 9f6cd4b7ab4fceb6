/**
 * Imports findings into AWS Security Hub (`BatchImportFindings`) as ASFF (docs/securityhub.md):
 * the mapping is the CLI's (`toAsff`, `asffBatches` in lib/render), each batch one account and
 * region, at most 100 findings and 6,000,000 bytes.
 *
 * With the default product ARN (`arn:…:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`) the
 * caller must be the finding's account, in the finding's region: the function's own findings are
 * imported with its own credentials, a member account's through the import role assumed in that
 * account (the member template's `SecurityHubImportRole`), from the STS endpoint of the
 * function's own region. Throttling is absorbed by the client's retries
 * (lib/aws/securityhub-client.ts); a finding Security Hub does not import (`FailedFindings`), a
 * request that fails after its retries and a role that cannot be assumed all reject, so that the
 * invocation fails and is retried — nothing is dropped. Importing the same finding again is
 * harmless: Security Hub keeps one finding per `Id` and ignores an older `UpdatedAt`.
 *
 * @module
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { STSClient } from '@aws-sdk/client-sts';
import { parseArn } from '../core/model/arn.ts';
import type { Finding } from '../core/model/findings.ts';
import { type AsffBatch, asffBatches } from '../render/asff-batches.ts';
import {
  assumeRoleCredentials,
  memberRoleArn,
  type RoleCredentialProvider,
} from './assume-role.ts';

/**
 * Security Hub did not import some findings of a request (`FailedFindings`, or fewer successes
 * than findings); `cause` is the list of failures.
 *
 * @example
 * ```ts
 * throw new FindingsNotImportedError([{ Id: 'ecr-tag-auditor/x', ErrorCode: 'InvalidInput', ErrorMessage: '…' }]);
 * ```
 */
export class FindingsNotImportedError extends Error {
  override readonly name = 'FindingsNotImportedError';
  /** The findings not imported, with Security Hub's reasons. */
  readonly failures: readonly ImportFailure[];

  /** @param failures - the findings not imported. */
  constructor(failures: readonly ImportFailure[]) {
    const listed = failures.map((f) => `${f.Id}: ${f.ErrorCode}: ${f.ErrorMessage}`).join('; ');
    super(`Security Hub did not import ${failures.length} finding(s): ${listed}`, {
      cause: failures,
    });
    this.failures = failures;
  }
}

/**
 * A `BatchImportFindings` request failed after the client's retries (throttled throughout,
 * denied, invalid, unreachable); `cause` is the SDK's error.
 *
 * @example
 * ```ts
 * throw new SecurityHubRequestError('123456789012', 'eu-west-1', { cause: error });
 * ```
 */
export class SecurityHubRequestError extends Error {
  override readonly name = 'SecurityHubRequestError';

  /**
   * @param account - the account imported into.
   * @param region - the region imported into.
   * @param options - `cause`: the SDK's error.
   */
  constructor(account: string, region: string, options: ErrorOptions) {
    const reason = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`BatchImportFindings failed in ${account} ${region}${reason}`, options);
  }
}

/** One finding Security Hub did not import. */
export interface ImportFailure {
  readonly Id: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

/** What the importer needs. */
export interface SecurityHubImportDeps {
  /** The function's own account: its findings are imported with its own credentials. */
  readonly ownAccount: string;
  /** The function's own region (and that of the STS endpoint used to assume member roles). */
  readonly ownRegion: string;
  /** The import role's name, the same in every member account. */
  readonly importRoleName: string;
  /** Builds the Security Hub client of a region, with an assumed role's credentials or its own. */
  readonly securityHub: (region: string, credentials?: RoleCredentialProvider) => SecurityHubClient;
  /** The STS client that assumes the member roles. */
  readonly sts: STSClient;
  /** The clock: `CreatedAt`/`UpdatedAt` of a finding without an event time. */
  readonly now?: () => Date;
}

/** What one {@link SecurityHubImporter.importFindings} did. */
export interface ImportResult {
  /** Requests made (batches). */
  readonly requests: number;
  /** Findings Security Hub imported. */
  readonly imported: number;
}

/** Imports findings, keeping one client per account and region for the container's life. */
export interface SecurityHubImporter {
  importFindings(findings: readonly Finding[]): Promise<ImportResult>;
}

/** Session name of the assumed import role (CloudTrail shows it in the member account). */
const SESSION_NAME = 'ecr-tag-auditor-securityhub-import';

/**
 * An importer of findings into Security Hub.
 *
 * @example
 * ```ts
 * const importer = createSecurityHubImporter({ ownAccount, ownRegion, importRoleName,
 *   securityHub: createSecurityHubClient, sts: createStsClient(ownRegion) });
 * await importer.importFindings([finding]); // { requests: 1, imported: 1 }
 * ```
 */
export function createSecurityHubImporter(deps: SecurityHubImportDeps): SecurityHubImporter {
  const clients = new Map<string, Promise<SecurityHubClient>>();
  const clientFor = (account: string, region: string): Promise<SecurityHubClient> => {
    const key = `${account}/${region}`;
    let client = clients.get(key);
    if (client === undefined) {
      client = connect(deps, account, region);
      clients.set(key, client);
      // A role that could not be assumed is tried again by the next invocation, not remembered.
      client.catch(() => clients.delete(key));
    }
    return client;
  };
  return {
    async importFindings(findings) {
      const batches = asffBatches(findings, { now: (deps.now ?? (() => new Date()))() });
      const failures: ImportFailure[] = [];
      let imported = 0;
      // Every batch is tried before failing: a retry imports the others again, harmlessly.
      let error: unknown;
      for (const batch of batches) {
        try {
          const result = await importBatch(batch, clientFor);
          imported += result.imported;
          failures.push(...result.failures);
        } catch (caught) {
          error ??= caught;
        }
      }
      if (error !== undefined) throw error;
      if (failures.length > 0) throw new FindingsNotImportedError(failures);
      return { requests: batches.length, imported };
    },
  };
}

async function connect(
  deps: SecurityHubImportDeps,
  account: string,
  region: string,
): Promise<SecurityHubClient> {
  if (account === deps.ownAccount && region === deps.ownRegion) return deps.securityHub(region);
  const credentials = await assumeRoleCredentials({
    sts: deps.sts,
    roleArn: memberRoleArn(account, region, deps.importRoleName),
    sessionName: SESSION_NAME,
  });
  return deps.securityHub(region, credentials);
}

/** Imports one batch (one product ARN: one account and region). */
async function importBatch(
  batch: AsffBatch,
  clientFor: (account: string, region: string) => Promise<SecurityHubClient>,
): Promise<{ imported: number; failures: ImportFailure[] }> {
  const product = parseArn(batch.Findings[0]?.ProductArn ?? '');
  const account = product?.account ?? '';
  const region = product?.region ?? '';
  const client = await clientFor(account, region);
  let answer: BatchImportFindingsCommandOutput;
  try {
    // AsffFinding is a subset of AwsSecurityFinding that differs only by `readonly`.
    const findings = batch.Findings as unknown as AwsSecurityFinding[];
    answer = await client.send(new BatchImportFindingsCommand({ Findings: findings }));
  } catch (error) {
    throw new SecurityHubRequestError(account, region, { cause: error });
  }
  const failures: ImportFailure[] = (answer.FailedFindings ?? []).map((f) => ({
    Id: f.Id ?? '',
    ErrorCode: f.ErrorCode ?? 'Unknown',
    ErrorMessage: f.ErrorMessage ?? '',
  }));
  const imported = answer.SuccessCount ?? 0;
  // A count that does not add up is a failure too: nothing is taken as imported unless said so.
  if (failures.length === 0 && imported < batch.Findings.length) {
    failures.push({
      Id: batch.Findings.map((f) => f.Id).join(', '),
      ErrorCode: 'NotCounted',
      ErrorMessage: `SuccessCount ${imported} for ${batch.Findings.length} finding(s)`,
    });
  }
  return { imported, failures };
}
