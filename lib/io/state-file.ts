/**
 * The `--state` file: the auditor's state as JSON, so that `replay` can continue where an
 * earlier run stopped.
 *
 * @module
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as v from 'valibot';
import { emptyState, type LedgerState, stateKey } from '../core/engine/memory-ledger.ts';
import type { ConfigRecord, TagRecord } from '../core/engine/records.ts';
import { MUTABILITY_MODES } from '../core/model/config.ts';
import type { Finding } from '../core/model/findings.ts';
import { isRecord } from '../core/model/json.ts';
import type { RepositoryRef, TemplateRef } from '../core/model/refs.ts';

/** The state file could not be read, parsed or written. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

const ConfigSchema = v.strictObject({
  imageTagMutability: v.picklist(MUTABILITY_MODES),
  imageTagMutabilityExclusionFilters: v.array(
    v.strictObject({ filterType: v.literal('WILDCARD'), filter: v.string() }),
  ),
});

const RecordFields = {
  config: v.nullable(ConfigSchema),
  configTime: v.nullable(v.string()),
  drift: v.nullable(
    v.strictObject({
      actualKey: v.string(),
      expectedKey: v.string(),
      since: v.nullable(v.string()),
      changes: v.number(),
    }),
  ),
  eventId: v.nullable(v.string()),
  // Written by this program; only its shape as an object is checked.
  finding: v.nullable(v.custom<Finding>(isRecord)),
};

const MoveSchema = v.strictObject({
  to: v.string(),
  since: v.string(),
  time: v.string(),
  eventId: v.nullable(v.string()),
  viaDelete: v.boolean(),
  by: v.nullable(v.string()),
});

const TagSchema = v.strictObject({
  entries: v.array(
    v.strictObject({
      kind: v.picklist(['push', 'delete']),
      digest: v.nullable(v.string()),
      time: v.string(),
      eventId: v.nullable(v.string()),
      superseded: v.nullable(MoveSchema),
    }),
  ),
  floor: v.nullable(v.string()),
});

/** A tag as version 1 files hold it (before tag histories): read as its current content. */
const TagSchemaV1 = v.pipe(
  v.object({
    digest: v.string(),
    deleted: v.boolean(),
    time: v.string(),
    eventId: v.nullable(v.string()),
  }),
  v.transform(
    ({ digest, deleted, time, eventId }): TagRecord => ({
      entries: [{ kind: deleted ? 'delete' : 'push', digest, time, eventId, superseded: null }],
      floor: null,
    }),
  ),
);

const stateSchema = <T extends v.GenericSchema<unknown, TagRecord>>(version: 1 | 2, tag: T) =>
  v.strictObject({
    version: v.literal(version),
    repositories: v.array(
      v.strictObject({
        account: v.string(),
        region: v.string(),
        repository: v.string(),
        ...RecordFields,
        tags: v.record(v.string(), tag),
      }),
    ),
    templates: v.array(
      v.strictObject({
        account: v.string(),
        region: v.string(),
        templatePrefix: v.string(),
        ...RecordFields,
      }),
    ),
  });

/** Version 2 (tag histories); version 1 files are still read. */
const StateSchema = v.union([stateSchema(2, TagSchema), stateSchema(1, TagSchemaV1)]);

/** The JSON form of an {@link LedgerState}. */
export interface StateDocument {
  readonly version: 2;
  readonly repositories: readonly (RepositoryRef &
    ConfigRecord & { readonly tags: Record<string, TagRecord> })[];
  readonly templates: readonly (TemplateRef & ConfigRecord)[];
}

/** Converts a state to its JSON form. */
function serializeState(state: LedgerState): StateDocument {
  return {
    version: 2,
    repositories: [...state.repositories.values()].map(({ ref, record, tags }) => ({
      ...ref,
      ...record,
      tags: Object.fromEntries(tags),
    })),
    templates: [...state.templates.values()].map(({ ref, record }) => ({ ...ref, ...record })),
  };
}

/** Reads a state from its JSON form; `file` names it in errors. */
function deserializeState(json: unknown, file: string): LedgerState {
  const parsed = v.safeParse(StateSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new StateFileError(`${file}: ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  }
  const state = emptyState();
  for (const { account, region, repository, tags, ...record } of parsed.output.repositories) {
    state.repositories.set(stateKey(account, region, repository), {
      ref: { account, region, repository },
      record,
      tags: new Map(Object.entries(tags)),
    });
  }
  for (const { account, region, templatePrefix, ...record } of parsed.output.templates) {
    state.templates.set(stateKey(account, region, templatePrefix), {
      ref: { account, region, templatePrefix },
      record,
    });
  }
  return state;
}

/** Loads a state file; a file that does not exist yet is an empty state. */
export async function loadStateFile(file: string): Promise<LedgerState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new StateFileError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  return deserializeState(json, file);
}

/** Saves a state file atomically (write to a sibling, then rename), so a crash never truncates it. */
export async function saveStateFile(file: string, state: LedgerState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(serializeState(state))}\n`);
    await rename(temporary, file);
  } catch (error) {
    throw new StateFileError(`${file}: cannot write: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
