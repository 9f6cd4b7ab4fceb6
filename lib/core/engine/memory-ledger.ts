/**
 * The in-memory ledger of the CLI: plain maps, saved and loaded by the `--state` file.
 *
 * @module
 */

import type { RepositoryRef, TemplateRef } from '../model/refs.ts';
import type { Ledger } from './ledger.ts';
import { type ConfigRecord, EMPTY_CONFIG_RECORD, type TagRecord } from './records.ts';

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

/** The in-memory ledger: a {@link Ledger}, its state, and a synchronous read of one tag. */
export interface MemoryLedger extends Ledger {
  readonly state: LedgerState;
  /** The record of one tag (undefined: unknown), read at once; see {@link Ledger.tags}. */
  peekTag(ref: RepositoryRef, tag: string): TagRecord | undefined;
}

/** A {@link Ledger} over `state` (a new empty one by default). */
export function createMemoryLedger(state: LedgerState = emptyState()): MemoryLedger {
  // Repositories by account, region and name: the lookup of every event, made without building
  // the joined state key. Filled from `state.repositories` as repositories are used; `forget`
  // removes from both.
  const index = new Map<string, Map<string, Map<string, RepositoryState>>>();
  const names = (account: string, region: string): Map<string, RepositoryState> => {
    let regions = index.get(account);
    if (!regions) {
      regions = new Map();
      index.set(account, regions);
    }
    let found = regions.get(region);
    if (!found) {
      found = new Map();
      regions.set(region, found);
    }
    return found;
  };
  // And by the ref object itself, for callers that pass the same object for a repository each
  // time (replay does). Replaced when a repository is forgotten.
  const byRef = new WeakMap<RepositoryRef, RepositoryState>();
  const known = (ref: RepositoryRef): RepositoryState | undefined => {
    const cached = byRef.get(ref);
    if (cached) return cached;
    const { account, region, repository } = ref;
    const entry = index.get(account)?.get(region)?.get(repository);
    if (entry) return entry;
    const stored = state.repositories.get(stateKey(account, region, repository));
    if (stored) names(account, region).set(repository, stored);
    return stored;
  };
  const repository = (ref: RepositoryRef): RepositoryState => {
    const found = known(ref);
    if (found) return found;
    const { account, region, repository } = ref;
    const entry: RepositoryState = {
      ref: { account, region, repository },
      record: EMPTY_CONFIG_RECORD,
      tags: new Map(),
    };
    state.repositories.set(stateKey(account, region, repository), entry);
    names(account, region).set(repository, entry);
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
    peekTag(ref, tag) {
      let entry = byRef.get(ref);
      if (entry === undefined) {
        entry = known(ref);
        if (entry === undefined) return undefined;
        byRef.set(ref, entry);
      }
      return entry.tags.get(tag);
    },
    async updateTag(ref, tag, decide) {
      const { tags } = repository(ref);
      const { next, found } = decide(tags.get(tag));
      if (next) tags.set(tag, next);
      return found;
    },
    async tags(ref) {
      return new Map(known(ref)?.tags);
    },
    async updateConfig(target, decide) {
      const entry = target.kind === 'repository' ? repository(target.ref) : template(target.ref);
      const { next, found } = decide(entry.record);
      if (next) entry.record = next;
      return found;
    },
  };
}
