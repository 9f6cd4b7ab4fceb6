/**
 * The ledger: where the auditor keeps what ECR does not — each tag's digest history and each
 * repository's (and template's) actual configuration and drift. An interface, so that the CLI
 * keeps it in memory and the Lambda handlers in DynamoDB, with the same transitions.
 *
 * @module
 */
import type { Found } from '../model/delivery.ts';
import type { RepositoryRef } from '../model/refs.ts';
import type { Change, ConfigTarget, Decision } from './decide.ts';
import type { ConfigRecord, TagRecord } from './records.ts';

/** Storage of the auditor's state. Every method is atomic with respect to concurrent callers. */
export interface Ledger {
  /**
   * Applies {@link pushTransition} to the tag's record atomically and returns the record from
   * before (undefined: the tag was unknown).
   */
  recordPush(
    ref: RepositoryRef,
    tag: string,
    digest: string,
    change: Change,
  ): Promise<TagRecord | undefined>;
  /**
   * Applies {@link deleteTransition}: to one tag, or, with `tag` null, to every live tag at
   * `digest` (a delete by digest).
   */
  recordDelete(
    ref: RepositoryRef,
    tag: string | null,
    digest: string | null,
    change: Change,
  ): Promise<void>;
  /** Every tag the ledger knows in a repository (witness candidates; the scan's reconciliation). */
  tags(ref: RepositoryRef): Promise<ReadonlyMap<string, TagRecord>>;
  /**
   * Reads a repository's or template's record, lets `decide` judge it, stores the new record
   * when there is one, and returns the finding with its delivery decision — atomically (a conflicting writer makes it
   * decide again on the newer record).
   */
  updateConfig(
    target: ConfigTarget,
    decide: (prev: ConfigRecord) => Decision<ConfigRecord>,
  ): Promise<Found | null>;
  /** Forgets a repository (and its tags) or a template. */
  forget(target: ConfigTarget): Promise<void>;
}
