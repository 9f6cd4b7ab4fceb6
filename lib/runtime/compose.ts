/**
 * Builds the handlers' dependencies from their settings and SDK clients: the one place where
 * the runtime's parts are wired together, so that tests wire the same parts to their fakes.
 *
 * @module
 */
import type { LedgerAndAlertClients } from '../aws/clients.ts';
import { createDynamoLedger } from '../aws/dynamodb-ledger.ts';
import { createPendingScope, type PendingScope } from '../aws/pending.ts';
import { createScanCursor, type ScanCursor } from '../aws/scan-cursor.ts';
import { createAuditor } from '../core/engine/auditor.ts';
import type { Ledger } from '../core/engine/ledger.ts';
import type { Policy } from '../core/policy/types.ts';
import type { RuntimeLog, RuntimeMetrics } from '../core/telemetry.ts';
import type { AuditDeps } from './audit-event.ts';
import type { RuntimeSettings } from './settings.ts';

/** Clients and telemetry a handler brings. */
export interface RuntimeClients extends LedgerAndAlertClients {
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
}

/** The wired parts: the audit dependencies and the ledger behind them. */
export interface Composition extends AuditDeps {
  readonly policy: Policy;
  readonly ledger: Ledger;
  readonly pending: PendingScope;
  /** Where the scheduled scan continues (read and written by the scan function only). */
  readonly scanCursor: ScanCursor;
}

/** Wires policy, DynamoDB ledger, auditor and alert delivery. */
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
  };
}
