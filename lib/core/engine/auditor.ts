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
  type Change,
  type ConfigTarget,
  decideConfig,
  decideTag,
  forgetConfigBefore,
  type Provenance,
  recheckedMoves,
} from './decide.ts';
import type { Ledger } from './ledger.ts';
import type { TagRecord } from './records.ts';
import { forgetTagBefore, type TagObservation, tagState } from './tag-history.ts';

/** Ledger writes of one repository made at once by a reconciliation (a first scan seeds every tag). */
const LEDGER_WRITE_CONCURRENCY = 16;

/** How a scan's listing of one repository is reconciled with the ledger. */
export interface TagListing {
  /** The tag → digest map ECR listed. */
  readonly tags: ReadonlyMap<string, string>;
  /** What the ledger held of the repository's tags ({@link Auditor.knownTags}), read meanwhile. */
  readonly known: ReadonlyMap<string, TagRecord>;
  /**
   * When, how and by whom it was seen (a scan: no event id, no actor). The time is when the
   * listing of the repository began: what it shows cannot be older, and a push it did not show
   * cannot be older either (docs/ledger.md#the-scans-reconciliation).
   */
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

  const observeTag = async (
    ref: RepositoryRef,
    tag: string,
    observation: TagObservation,
    at: Provenance,
  ): Promise<Found[]> => [
    ...(await ledger.updateTag(ref, tag, (prev) =>
      decideTag(policy, ref, tag, prev, observation, at),
    )),
  ];

  /** A delete by digest: every tag that may have pointed at it then (the decision checks). */
  const deleteByDigest = async (
    ref: RepositoryRef,
    digest: string,
    change: Change,
    at: Provenance,
  ) => {
    const found: Found[] = [];
    for (const [tag, record] of await ledger.tags(ref)) {
      if (!record.entries.some((entry) => entry.digest === digest)) continue;
      const observation = { kind: 'delete', digest, ...change, onlyIfAt: true } as const;
      found.push(...(await observeTag(ref, tag, observation, at)));
    }
    return found;
  };

  /** A repository deleted: what the ledger holds of it from before the delete is forgotten. */
  const forgetRepository = async (ref: RepositoryRef, change: Change): Promise<Found[]> => {
    for (const tag of (await ledger.tags(ref)).keys()) {
      await ledger.updateTag(ref, tag, (prev) => ({
        next: forgetTagBefore(prev, change.time),
        found: [],
      }));
    }
    await ledger.updateConfig({ kind: 'repository', ref }, (prev) =>
      forgetConfigBefore(prev, change),
    );
    return [];
  };

  const apply = async (event: DomainEvent): Promise<Found[]> => {
    const at = {
      time: event.time,
      eventId: event.eventId,
      actor: event.actor,
      detectedBy: 'event' as const,
    };
    const change = { time: event.time, eventId: event.eventId };
    const { account, region } = event;
    if (event.type === 'template-config' || event.type === 'template-deleted') {
      const target: ConfigTarget = {
        kind: 'template',
        ref: { account, region, templatePrefix: event.templatePrefix },
      };
      if (event.type === 'template-deleted') {
        await ledger.updateConfig(target, (prev) => forgetConfigBefore(prev, change));
        return [];
      }
      return observeConfig(target, event.config, at);
    }
    const ref = { account, region, repository: event.repository };
    switch (event.type) {
      case 'push':
        if (event.tag === null) return [];
        return observeTag(ref, event.tag, { kind: 'push', digest: event.digest, ...change }, at);
      case 'delete':
        if (event.tag !== null) {
          const observation = { kind: 'delete', digest: event.digest, ...change } as const;
          return observeTag(ref, event.tag, observation, at);
        }
        return event.digest === null ? [] : deleteByDigest(ref, event.digest, change, at);
      case 'overwrite-blocked':
        return list(blockedFinding(policy, ref, event.tag, event.digest, at));
      case 'repository-config':
        return observeConfig({ kind: 'repository', ref }, event.config, at);
      case 'repository-deleted':
        return forgetRepository(ref, change);
    }
  };

  const reconcileTags = async (ref: RepositoryRef, listing: TagListing): Promise<void> => {
    const { tags: current, known, at, recheckFrom, report } = listing;
    const change = { time: at.time, eventId: null };
    const writes: (() => Promise<void>)[] = [];
    const observe = (tag: string, observation: TagObservation) =>
      writes.push(async () => {
        for (const found of await observeTag(ref, tag, observation, at)) report(found);
      });
    for (const [tag, record] of known) {
      // Moves that an earlier scan recorded: their alerts may have been lost if that run failed
      // after the write — whatever the tag did since. The alert log says whether they were sent.
      for (const found of recheckedMoves(policy, ref, tag, record, at, recheckFrom)) report(found);
      // Gone from ECR: deleted at some time before the listing, content not named.
      if (tagState(record).live && !current.has(tag))
        observe(tag, { kind: 'delete', digest: null, ...change });
    }
    for (const [tag, digest] of current) {
      const state = tagState(known.get(tag));
      if (state.live && state.digest === digest) continue;
      observe(tag, { kind: 'push', digest, ...change });
    }
    await forEachLimited(writes, LEDGER_WRITE_CONCURRENCY, (write) => write());
  };

  return { apply, observeConfig, reconcileTags, knownTags: (ref) => ledger.tags(ref) };
}
