/**
 * The in-memory ledger of the CLI: plain maps, saved and loaded by the `--state` file.
 *
 * @module
 */
import { deleteTransition, pushTransition } from './decide.ts';
import type { Ledger } from './ledger.ts';
import {
  type ConfigRecord,
  EMPTY_CONFIG_RECORD,
  type RepositoryRef,
  type TagRecord,
  type TemplateRef,
} from './records.ts';

/** Everything known of one repository. */
export interface RepositoryState {
  readonly ref: RepositoryRef;
  record: ConfigRecord;
  readonly tags: Map<string, TagRecord>;
}

/** Everything known of one creation template. */
export interface TemplateState {
  readonly ref: TemplateRef;
  record: ConfigRecord;
}

/** The whole in-memory state: what `--state` saves and loads. */
export interface LedgerState {
  readonly repositories: Map<string, RepositoryState>;
  readonly templates: Map<string, TemplateState>;
}

/** A state with nothing known. */
export function emptyState(): LedgerState {
  return { repositories: new Map(), templates: new Map() };
}

/** The map key of a repository or template: account, region and name. */
export function stateKey(account: string, region: string, name: string): string {
  return `${account}\u0000${region}\u0000${name}`;
}

/** A {@link Ledger} over `state` (a new empty one by default). */
export function createMemoryLedger(
  state: LedgerState = emptyState(),
): Ledger & { readonly state: LedgerState } {
  const repository = ({ account, region, repository }: RepositoryRef): RepositoryState => {
    const key = stateKey(account, region, repository);
    let entry = state.repositories.get(key);
    if (!entry) {
      entry = {
        ref: { account, region, repository },
        record: EMPTY_CONFIG_RECORD,
        tags: new Map(),
      };
      state.repositories.set(key, entry);
    }
    return entry;
  };
  const template = ({ account, region, templatePrefix }: TemplateRef): TemplateState => {
    const key = stateKey(account, region, templatePrefix);
    let entry = state.templates.get(key);
    if (!entry) {
      entry = { ref: { account, region, templatePrefix }, record: EMPTY_CONFIG_RECORD };
      state.templates.set(key, entry);
    }
    return entry;
  };

  return {
    state,
    async recordPush(ref, tag, digest, change) {
      const { tags } = repository(ref);
      const prev = tags.get(tag);
      const next = pushTransition(prev, digest, change);
      if (next) tags.set(tag, next);
      return prev;
    },
    async recordDelete(ref, tag, digest, change) {
      const { tags } = repository(ref);
      const targets =
        tag !== null
          ? [tag]
          : [...tags].filter(([, r]) => !r.deleted && r.digest === digest).map(([t]) => t);
      for (const t of targets) {
        const next = deleteTransition(tags.get(t), digest, change);
        if (next) tags.set(t, next);
      }
    },
    async tags(ref) {
      return new Map(
        state.repositories.get(stateKey(ref.account, ref.region, ref.repository))?.tags,
      );
    },
    async updateConfig(target, decide) {
      const entry = target.kind === 'repository' ? repository(target.ref) : template(target.ref);
      const { next, finding } = decide(entry.record);
      if (next) entry.record = next;
      return finding;
    },
    async forget(target) {
      const { account, region } = target.ref;
      if (target.kind === 'repository')
        state.repositories.delete(stateKey(account, region, target.ref.repository));
      else state.templates.delete(stateKey(account, region, target.ref.templatePrefix));
    },
  };
}
