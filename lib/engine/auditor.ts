/**
 * The auditor: applies domain events to a ledger and returns findings. The CLI runs it over an
 * in-memory ledger, the Lambda handlers over DynamoDB; both judge with the same pure decisions.
 *
 * @module
 */
import type { MutabilityConfig } from '../config.ts';
import type { DomainEvent } from '../events/types.ts';
import type { Finding } from '../findings.ts';
import type { Policy } from '../policy/types.ts';
import {
  blockedFinding,
  type ConfigTarget,
  decideConfig,
  type Provenance,
  pushFinding,
} from './decide.ts';
import type { Ledger } from './ledger.ts';
import type { TagRecord } from './records.ts';

/** An auditor over one policy and one ledger. */
export interface Auditor {
  /** Applies one domain event; returns its findings (often none). */
  apply(event: DomainEvent): Promise<Finding[]>;
  /**
   * Judges a configuration seen in a snapshot or a scan, and records it. `knownTags` are the
   * witness candidates when the caller has them already; else the ledger's tags are read.
   */
  observeConfig(
    target: ConfigTarget,
    config: MutabilityConfig,
    at: Provenance,
    knownTags?: Iterable<string>,
  ): Promise<Finding[]>;
}

const list = (finding: Finding | null): Finding[] => (finding ? [finding] : []);

/**
 * True when a push of `digest` (event id `eventId`, at any time) to a tag whose record is `prev`
 * would neither change the record nor yield a finding: the tag points at that digest already and
 * is not deleted, and the push is not a redelivery of the event that moved the tag there. Such a
 * push — a duplicate delivery, the same push seen through ECR and CloudTrail, an identical
 * re-push: most pushes of a long replay — can be passed over without applying it.
 *
 * It restates what `pushTransition` and `pushFinding` (decide.ts) do in that case; a property
 * test (test/engine/replay-fast-paths.test.ts) checks that they agree.
 */
export function isInertPush(
  prev: TagRecord | undefined,
  digest: string,
  eventId: string | null,
): boolean {
  return (
    prev !== undefined &&
    !prev.deleted &&
    prev.digest === digest &&
    (eventId === null || prev.eventId !== eventId || prev.movedFrom === null)
  );
}

/**
 * True when {@link isInertPush} gives the same answer whatever the push's event id, given the
 * tag's record: the id matters only where the record names the event that moved the tag.
 */
export function inertPushIgnoresEventId(prev: TagRecord | undefined): boolean {
  return prev === undefined || prev.movedFrom === null || prev.eventId === null;
}

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

  const apply = async (event: DomainEvent): Promise<Finding[]> => {
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

  return { apply, observeConfig };
}
