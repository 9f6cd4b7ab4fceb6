/**
 * The auditor: applies domain events to a ledger and returns findings. The CLI runs it over an
 * in-memory ledger, the Lambda handlers over DynamoDB; both judge with the same pure decisions.
 *
 * @module
 */
import type { MutabilityConfig } from '../config.ts';
import type { DomainEvent } from '../events/types.ts';
import type { Finding } from '../findings.ts';
import type { Policy } from '../policy/index.ts';
import {
  blockedFinding,
  type ConfigTarget,
  decideConfig,
  type Provenance,
  pushFinding,
} from './decide.ts';
import type { Ledger } from './ledger.ts';

/** An auditor over one policy and one ledger. */
export interface Auditor {
  /** Applies one domain event; returns its findings (often none). */
  apply(event: DomainEvent): Promise<Finding[]>;
  /** Judges a configuration seen in a snapshot or a scan, and records it. */
  observeConfig(target: ConfigTarget, config: MutabilityConfig, at: Provenance): Promise<Finding[]>;
}

const list = (finding: Finding | null): Finding[] => (finding ? [finding] : []);

/** Creates an auditor for `policy` over `ledger`. */
export function createAuditor(policy: Policy, ledger: Ledger): Auditor {
  const observeConfig = async (target: ConfigTarget, config: MutabilityConfig, at: Provenance) => {
    const known = target.kind === 'repository' ? (await ledger.tags(target.ref)).keys() : [];
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
