/**
 * The auditor: applies domain events to a ledger and returns findings, each with its delivery
 * decision (lib/core/model/delivery.ts). The CLI runs it over an in-memory ledger and keeps only
 * the findings; the Lambda handlers run it over DynamoDB and hand the decisions to alert delivery.
 * Both judge with the same pure decisions.
 *
 * @module
 */

import type { DomainEvent } from '../intake/types.ts';
import { forEachLimited } from '../limited.ts';
import type { MutabilityConfig } from '../model/config.ts';
import type { Found } from '../model/delivery.ts';
import type { RepositoryRef } from '../model/refs.ts';
import type { Policy } from '../policy/types.ts';
import {
  blockedFinding,
  type ConfigTarget,
  decideConfig,
  lastMoveFinding,
  type Provenance,
  pushFinding,
} from './decide.ts';
import type { Ledger } from './ledger.ts';
import type { TagRecord } from './records.ts';

/** Ledger writes of one repository made at once by a reconciliation (a first scan seeds every tag). */
const LEDGER_WRITE_CONCURRENCY = 16;

/** How a scan's listing of one repository is reconciled with the ledger. */
export interface TagListing {
  /** The tag → digest map ECR listed. */
  readonly tags: ReadonlyMap<string, string>;
  /** What the ledger held of the repository's tags ({@link Auditor.knownTags}), read meanwhile. */
  readonly known: ReadonlyMap<string, TagRecord>;
  /** When, how and by whom it was seen (a scan: no event id, no actor). */
  readonly at: Provenance & { readonly time: string };
  /**
   * Moves that earlier scans recorded at or after this instant (epoch ms) are reported again, so
   * that an alert an interrupted run lost is still delivered (the alert log drops the copies).
   */
  readonly recheckFrom: number;
  /**
   * Told of each finding as soon as the write that made it applied, so that a write failing later
   * in the same repository loses none of the findings already made.
   */
  readonly report: (found: Found) => void;
}

/** An auditor over one policy and one ledger. */
export interface Auditor {
  /** Applies one domain event; returns its findings (often none) with their delivery decisions. */
  apply(event: DomainEvent): Promise<Found[]>;
  /**
   * Judges a configuration seen in a snapshot or a scan, and records it. `knownTags` are the
   * witness candidates when the caller has them already; else the ledger's tags are read.
   */
  observeConfig(
    target: ConfigTarget,
    config: MutabilityConfig,
    at: Provenance,
    knownTags?: Iterable<string>,
  ): Promise<Found[]>;
  /**
   * Reconciles the tags a scan listed with the ledger: a tag whose digest differs from the
   * ledger's was moved without an event reaching us (an overwrite finding), unseen tags seed the
   * ledger, and tags the ledger holds that ECR no longer lists are tombstoned.
   */
  reconcileTags(ref: RepositoryRef, listing: TagListing): Promise<void>;
  /** Every tag the ledger knows in a repository (what {@link TagListing.known} needs). */
  knownTags(ref: RepositoryRef): Promise<ReadonlyMap<string, TagRecord>>;
}

const list = (found: Found | null): Found[] => (found ? [found] : []);

/** Creates an auditor for `policy` over `ledger`. */
export function createAuditor(policy: Policy, ledger: Ledger): Auditor {
  const observeConfig = async (
    target: ConfigTarget,
    config: MutabilityConfig,
    at: Provenance,
    knownTags?: Iterable<string>,
  ) => {
    const known =
      knownTags ?? (target.kind === 'repository' ? (await ledger.tags(target.ref)).keys() : []);
    return list(
      await ledger.updateConfig(target, (prev) =>
        decideConfig(policy, target, prev, config, known, at),
      ),
    );
  };

  const apply = async (event: DomainEvent): Promise<Found[]> => {
    const at = {
      time: event.time,
      eventId: event.eventId,
      actor: event.actor,
      detectedBy: 'event' as const,
    };
    const { account, region } = event;
    if (event.type === 'template-config' || event.type === 'template-deleted') {
      const target: ConfigTarget = {
        kind: 'template',
        ref: { account, region, templatePrefix: event.templatePrefix },
      };
      if (event.type === 'template-deleted') return ledger.forget(target).then(() => []);
      return observeConfig(target, event.config, at);
    }
    const ref = { account, region, repository: event.repository };
    switch (event.type) {
      case 'push': {
        if (event.tag === null) return [];
        const prev = await ledger.recordPush(ref, event.tag, event.digest, at);
        return list(pushFinding(policy, ref, prev, event.tag, event.digest, at));
      }
      case 'delete':
        await ledger.recordDelete(ref, event.tag, event.digest, at);
        return [];
      case 'overwrite-blocked':
        return list(blockedFinding(policy, ref, event.tag, event.digest, at));
      case 'repository-config':
        return observeConfig({ kind: 'repository', ref }, event.config, at);
      case 'repository-deleted':
        await ledger.forget({ kind: 'repository', ref });
        return [];
    }
  };

  const reconcileTags = async (ref: RepositoryRef, listing: TagListing): Promise<void> => {
    const { tags: current, known, at, recheckFrom, report } = listing;
    const writes: (() => Promise<void>)[] = [];
    for (const [tag, digest] of current) {
      const record = known.get(tag);
      if (record && !record.deleted && record.digest === digest) {
        // A move that an earlier scan recorded: its alert may have been lost if that run
        // failed after the write. The alert log says whether it was sent.
        if (record.eventId === null && Date.parse(record.time) >= recheckFrom) {
          const found = lastMoveFinding(policy, ref, tag, record, at);
          if (found) report(found);
        }
        continue;
      }
      writes.push(async () => {
        const prev = await ledger.recordPush(ref, tag, digest, at);
        const found = pushFinding(policy, ref, prev, tag, digest, at);
        if (found) report(found);
      });
    }
    for (const [tag, record] of known) {
      if (!record.deleted && !current.has(tag)) {
        writes.push(() => ledger.recordDelete(ref, tag, record.digest, at));
      }
    }
    await forEachLimited(writes, LEDGER_WRITE_CONCURRENCY, (write) => write());
  };

  return { apply, observeConfig, reconcileTags, knownTags: (ref) => ledger.tags(ref) };
}
