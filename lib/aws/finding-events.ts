/**
 * Puts a finding on the auditor's event bus (`PutEvents`, lib/core/delivery/finding-event.ts for
 * its shape), as one step of alert delivery (lib/aws/alerts.ts).
 *
 * PutEvents can answer 200 and still fail an entry (`FailedEntryCount`, the entry's `ErrorCode`):
 * the SDK does not retry that, so this step does — for the errors AWS documents as retryable
 * (`ThrottlingException`, `InternalFailure`), after a pause, a few times. An entry still failing,
 * one failing for good (`AccessDeniedException`, `NotAuthorizedForSourceException`, …), or a
 * request the SDK gave up on, is a {@link FindingEventError}: the delivery fails as when SNS fails
 * — the finding kept pending, the invocation failed and retried — and is never dropped.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { findingEventEntry } from '../core/delivery/finding-event.ts';
import type { Finding } from '../core/model/findings.ts';
import { AlertDeliveryError } from './alert-error.ts';

/** What putting a finding event needs. */
export interface FindingEventDeps {
  readonly events: EventBridgeClient;
  /** The bus's ARN (or name). */
  readonly eventBusArn: string;
  /** Pauses before putting a failed entry again (default {@link ENTRY_RETRY_DELAYS_MS}). */
  readonly entryRetryDelaysMs?: readonly number[];
}

/**
 * Pauses before the extra attempts at an entry PutEvents failed with a retryable code: doubling,
 * about 1.5 s in all, well within the functions' 30 s beside the SDK's own attempts.
 */
const ENTRY_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800];

/** The per-entry error codes AWS documents as retryable (API Reference, PutEventsResultEntry). */
const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'InternalFailure',
]);

/** A finding could not be put on the event bus; the delivery fails and is retried. */
export class FindingEventError extends AlertDeliveryError {
  override readonly name = 'FindingEventError';
}

/**
 * Puts `finding` on the bus once: one PutEvents of one entry, put again while the entry fails with
 * a retryable code. Resolves once EventBridge accepted it; rejects with a
 * {@link FindingEventError} otherwise.
 *
 * @example
 * ```ts
 * await putFindingEvent(finding, { events, eventBusArn });
 * ```
 */
export async function putFindingEvent(finding: Finding, deps: FindingEventDeps): Promise<void> {
  const delays = deps.entryRetryDelaysMs ?? ENTRY_RETRY_DELAYS_MS;
  const entry = findingEventEntry(finding, deps.eventBusArn);
  for (let attempt = 0; ; attempt++) {
    let failure: { readonly code: string; readonly message: string };
    try {
      const out = await deps.events.send(new PutEventsCommand({ Entries: [entry] }));
      const [result] = out.Entries ?? [];
      // Accepted only when the entry has its event id and no error: anything else is a failure.
      if (result?.EventId && !result.ErrorCode && (out.FailedEntryCount ?? 0) === 0) return;
      failure = {
        code: result?.ErrorCode ?? 'NoResult',
        message: result?.ErrorMessage ?? 'no result for the entry',
      };
    } catch (error) {
      throw new FindingEventError(
        `could not put ${finding.id} on the event bus: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const delay = RETRYABLE_ENTRY_ERRORS.has(failure.code) ? delays[attempt] : undefined;
    if (delay === undefined) {
      throw new FindingEventError(
        `could not put ${finding.id} on the event bus: ${failure.code}: ${failure.message}`,
        { cause: failure },
      );
    }
    await sleep(delay);
  }
}
