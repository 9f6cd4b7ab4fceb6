/**
 * Builds the handlers' dependencies from their settings and SDK clients: the one place where
 * the runtime's parts are wired together, so that tests wire the same parts to their fakes.
 *
 * @module
 */
import type { LedgerAndAlertClients } from '../aws/clients.ts';
import { createDynamoLedger } from '../aws/dynamodb-ledger.ts';
import { createPendingScope, type PendingScope } from '../aws/pending.ts';
import { createRemediationLimit } from '../aws/remediation-limit.ts';
import { createScanCursor, type ScanCursor } from '../aws/scan-cursor.ts';
import { createAuditor } from '../core/engine/auditor.ts';
import type { Ledger } from '../core/engine/ledger.ts';
import type { Policy } from '../core/policy/types.ts';
import type { Remediator } from '../core/remediation/apply.ts';
import { remediationEnabled } from '../core/remediation/automatic.ts';
import { DEFAULT_RATE_LIMIT } from '../core/remediation/rate-limit.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';
import type { AuditDeps } from './audit-event.ts';
import type { RuntimeSettings } from './settings.ts';

/** Clients and telemetry a handler brings. */
export interface RuntimeClients extends LedgerAndAlertClients {
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
  /**
   * The function's own registry, written by automatic remediation: given to `api-call` only,
   * and used only when a policy rule has `remediate: true`.
   */
  readonly remediator?: () => Remediator;
}

/** The wired parts: the audit dependencies and the ledger behind them. */
export interface Composition extends AuditDeps {
  readonly policy: Policy;
  readonly ledger: Ledger;
  readonly pending: PendingScope;
  /** Where the scheduled scan continues (read and written by the scan function only). */
  readonly scanCursor: ScanCursor;
}

/**
 * Wires policy, DynamoDB ledger, auditor and alert delivery — and automatic remediation, when
 * the clients bring a remediator and a rule of the policy enables it (off otherwise).
 */
export function compose(
  settings: RuntimeSettings,
  policy: Policy,
  clients: RuntimeClients,
): Composition {
  const pending = createPendingScope();
  const ledger = createDynamoLedger({
    client: clients.dynamo,
    tableName: settings.tableName,
    onItem: pending.report,
    onWrite: pending.wrote,
  });
  return {
    policy,
    ledger,
    pending,
    scanCursor: createScanCursor({ dynamo: clients.dynamo, tableName: settings.tableName }),
    auditor: createAuditor(policy, ledger),
    alerts: {
      sns: clients.sns,
      topicArn: settings.topicArn,
      events: clients.events,
      eventBusArn: settings.eventBusArn,
      dynamo: clients.dynamo,
      tableName: settings.tableName,
      minSeverity: settings.minSeverity,
    },
    log: clients.log,
    metrics: clients.metrics,
    ...(clients.remediator && remediationEnabled(policy)
      ? {
          remediation: {
            policy,
            remediator: clients.remediator(),
            limit: createRemediationLimit({
              dynamo: clients.dynamo,
              tableName: settings.tableName,
              rate: DEFAULT_RATE_LIMIT,
            }),
            rate: DEFAULT_RATE_LIMIT,
            now: Date.now,
            sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
            log: clients.log,
            metrics: clients.metrics,
          },
        }
      : {}),
  };
}
