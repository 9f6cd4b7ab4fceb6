/**
 * The `securityhub-import` function's work (docs/securityhub.md): one finding event from the
 * auditor's bus — routed there by the stack's rule `<stack>-securityhub-import`, only when the
 * `securityHubMinSeverity` parameter is set — imported into Security Hub. Anything that is not
 * the auditor's own finding event fails the invocation (it then reaches the failure queue), as
 * does a finding Security Hub did not import: nothing is dropped silently.
 *
 * @module
 */
import * as v from 'valibot';
import type { SecurityHubImporter } from '../aws/securityhub-import.ts';
import { FINDING_EVENT_DETAIL_TYPE, FINDING_EVENT_SOURCE } from '../core/delivery/finding-event.ts';
import type { Finding } from '../core/model/findings.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';
import { FindingSchema } from '../io/state/finding.ts';

/** The event is not a finding event of the auditor's own stack; `cause` says why when known. */
export class NotAFindingEventError extends Error {
  override readonly name = 'NotAFindingEventError';
}

/** A setting of the import function is missing or wrong: the function cannot run. */
export class SecurityHubConfigurationError extends Error {
  override readonly name = 'SecurityHubConfigurationError';
}

/** The import function's settings. */
export interface SecurityHubSettings {
  /** The role assumed in a member account to import its findings (its name, the same in each). */
  readonly importRoleName: string;
  /** The function's region. */
  readonly region: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Reads SECURITYHUB_IMPORT_ROLE_NAME (serverless.yml sets it) and AWS_REGION (Lambda does).
 *
 * @example
 * ```ts
 * readSecurityHubSettings({ SECURITYHUB_IMPORT_ROLE_NAME: 'ecr-tag-auditor-securityhub-import', AWS_REGION: 'eu-west-1' });
 * ```
 */
export function readSecurityHubSettings(
  env: Readonly<Record<string, string | undefined>>,
): SecurityHubSettings {
  const importRoleName = env.SECURITYHUB_IMPORT_ROLE_NAME ?? '';
  const region = env.AWS_REGION ?? '';
  const problems: string[] = [];
  if (!ROLE_NAME.test(importRoleName))
    problems.push(`SECURITYHUB_IMPORT_ROLE_NAME is not a role name (got "${importRoleName}")`);
  if (region === '') problems.push('AWS_REGION is not set');
  if (problems.length > 0) throw new SecurityHubConfigurationError(problems.join('; '));
  return { importRoleName, region };
}

const FindingEvent = v.object({
  source: v.literal(FINDING_EVENT_SOURCE),
  'detail-type': v.literal(FINDING_EVENT_DETAIL_TYPE),
  account: v.string(),
  detail: FindingSchema,
});

/**
 * The finding of `event` when it is a finding event put by the stack's own account
 * (`ownAccount`); otherwise a {@link NotAFindingEventError}. The bus of an organization
 * deployment accepts events from every account of the organization, and EventBridge lets any of
 * them use the `ecr-tag-auditor` source: only the envelope's `account`, which EventBridge sets,
 * tells the auditor's findings from a member's imitation (the rule matches it too).
 *
 * @example
 * ```ts
 * findingOfEvent(event, '111122223333'); // the finding in event.detail
 * ```
 */
function findingOfEvent(event: unknown, ownAccount: string): Finding {
  const parsed = v.safeParse(FindingEvent, event);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue ? v.getDotPath(issue) : null;
    throw new NotAFindingEventError(
      `not a finding event of ecr-tag-auditor: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`,
    );
  }
  if (parsed.output.account !== ownAccount) {
    throw new NotAFindingEventError(
      `finding event put by account ${parsed.output.account}, not by the auditor's account ${ownAccount}`,
    );
  }
  return parsed.output.detail as Finding;
}

/** What {@link importFindingEvent} needs. */
export interface SecurityHubImportRuntime {
  readonly importer: SecurityHubImporter;
  /** The account of the function (and of the stack that put the event). */
  readonly ownAccount: string;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
}

/**
 * Imports the finding of one event; rejects when the event is not the auditor's finding event
 * or the import failed (the invocation then fails and Lambda retries it).
 *
 * @example
 * ```ts
 * await importFindingEvent(event, { importer, ownAccount, log, metrics });
 * ```
 */
export async function importFindingEvent(
  event: unknown,
  runtime: SecurityHubImportRuntime,
): Promise<void> {
  const finding = findingOfEvent(event, runtime.ownAccount);
  const context = { findingId: finding.id, account: finding.account, region: finding.region };
  try {
    await runtime.importer.importFindings([finding]);
  } catch (error) {
    runtime.metrics.count('SecurityHubImportFailures');
    runtime.log.error('Finding not imported into Security Hub', {
      ...context,
      error: (error as Error).message,
    });
    throw error;
  }
  runtime.metrics.count('SecurityHubImported');
  runtime.log.info('Finding imported into Security Hub', context);
}
