/**
 * The ledger: where the auditor keeps what ECR does not — each tag's history and each
 * repository's (and template's) actual configuration and drift. An interface, so that the CLI
 * keeps it in memory and the Lambda handlers in DynamoDB, with the same decisions.
 *
 * @module
 */
import type { Found } from '../model/delivery.ts';
import type { RepositoryRef } from '../model/refs.ts';
import type { ConfigTarget, Decision, TagDecision } from './decide.ts';
import type { ConfigRecord, TagRecord } from './records.ts';

/** Storage of the auditor's state. Every method is atomic with respect to concurrent callers. */
export interface Ledger {
  /**
   * Reads a tag's record (undefined: unknown), lets `decide` judge it, stores the new record when
   * there is one, and returns the findings — atomically (a conflicting writer makes it decide
   * again on the newer record).
   */
  updateTag(
    ref: RepositoryRef,
    tag: string,
    decide: (prev: TagRecord | undefined) => TagDecision,
  ): Promise<readonly Found[]>;
  /** Every tag the ledger knows in a repository (witness candidates; the scan's reconciliation). */
  tags(ref: RepositoryRef): Promise<ReadonlyMap<string, TagRecord>>;
  /**
   * Reads a repository's or template's record, lets `decide` judge it, stores the new record
   * when there is one, and returns the finding with its delivery decision — atomically (a
   * conflicting writer makes it decide again on the newer record).
   */
  updateConfig(
    target: ConfigTarget,
    decide: (prev: ConfigRecord) => Decision<ConfigRecord>,
  ): Promise<Found | null>;
}
