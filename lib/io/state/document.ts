/**
 * The JSON form of the auditor's state (the `--state` file, docs/ledger.md#the-cli-state-file):
 * converting a state to it, and reading it back with every field validated.
 *
 * @module
 */
import * as v from 'valibot';
import { emptyState, type LedgerState, stateKey } from '../../core/engine/memory-ledger.ts';
import type { ConfigRecord, TagRecord } from '../../core/engine/records.ts';
import { isRecord } from '../../core/model/json.ts';
import type { RepositoryRef, TemplateRef } from '../../core/model/refs.ts';
import { quote } from '../../core/model/text.ts';
import { isValidTag, TAG_MAX_LENGTH } from '../../core/semantics/tags.ts';
import { StateFileInvalidError } from './errors.ts';
import {
  AccountText,
  ConfigSchema,
  EventIdText,
  RegionText,
  RepositoryText,
  TemplatePrefixText,
  TimeText,
} from './fields.ts';
import { FindingSchema } from './finding.ts';
import { readTagRecord } from './tag-record.ts';

const RecordFields = {
  config: v.nullable(ConfigSchema),
  configTime: v.nullable(TimeText),
  drift: v.nullable(
    v.strictObject({
      // Canonical keys (docs/semantics.md), only ever compared.
      actualKey: v.string(),
      expectedKey: v.string(),
      since: v.nullable(TimeText),
      changes: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
  eventId: v.nullable(EventIdText),
  finding: v.nullable(FindingSchema),
};

const DocumentSchema = v.strictObject({
  // 2: tag histories; 1 (before them) is still read, each tag as its current content.
  version: v.picklist([1, 2]),
  repositories: v.array(
    v.strictObject({
      account: AccountText,
      region: RegionText,
      repository: RepositoryText,
      ...RecordFields,
      // Read key by key below (readTags): valibot's record() drops the keys `__proto__`,
      // `constructor` and `prototype`, which are valid image tags.
      tags: v.custom<Readonly<Record<string, unknown>>>(isRecord, 'Invalid type: Expected object'),
    }),
  ),
  templates: v.array(
    v.strictObject({
      account: AccountText,
      region: RegionText,
      templatePrefix: TemplatePrefixText,
      ...RecordFields,
    }),
  ),
});

/**
 * The JSON form of a {@link LedgerState}.
 *
 * @example
 * ```ts
 * const document: StateDocument = { version: 2, repositories: [], templates: [] };
 * ```
 */
export interface StateDocument {
  readonly version: 2;
  readonly repositories: readonly (RepositoryRef &
    ConfigRecord & { readonly tags: Readonly<Record<string, TagRecord>> })[];
  readonly templates: readonly (TemplateRef & ConfigRecord)[];
}

/**
 * Converts a state to its JSON form.
 *
 * @example
 * ```ts
 * const text = `${JSON.stringify(serializeState(ledger.state))}\n`;
 * ```
 */
export function serializeState(state: LedgerState): StateDocument {
  return {
    version: 2,
    repositories: [...state.repositories.values()].map(({ ref, record, tags }) => ({
      ...ref,
      ...record,
      // fromEntries defines own properties, so a tag named `__proto__` is data, not a prototype,
      // and JSON.stringify writes it like any other key.
      tags: Object.fromEntries(tags),
    })),
    templates: [...state.templates.values()].map(({ ref, record }) => ({ ...ref, ...record })),
  };
}

/** The tags of repository `index`, read key by key from the object JSON.parse made. */
function readTags(
  tags: Readonly<Record<string, unknown>>,
  index: number,
  file: string,
  version: 1 | 2,
): Map<string, TagRecord> {
  const read = new Map<string, TagRecord>();
  // Object.entries lists own keys only; JSON.parse makes `__proto__` an own key like any other.
  for (const [tag, value] of Object.entries(tags)) {
    if (tag.length > TAG_MAX_LENGTH || !isValidTag(tag)) {
      throw new StateFileInvalidError(
        file,
        `repositories.${index}.tags`,
        `key ${quote(tag)} is not a valid image tag`,
      );
    }
    const record = readTagRecord(value, version);
    if ('reason' in record) {
      const below = record.path === '' ? '' : `.${record.path}`;
      throw new StateFileInvalidError(
        file,
        `repositories.${index}.tags.${tag}${below}`,
        record.reason,
      );
    }
    read.set(tag, record);
  }
  return read;
}

/**
 * Reads a state from its JSON form, every field validated; `file` names it in errors.
 *
 * @throws {StateFileInvalidError} naming the file and the path of the first bad field.
 * @example
 * ```ts
 * const state = parseStateDocument(JSON.parse(text), 'state.json');
 * ```
 */
export function parseStateDocument(json: unknown, file: string): LedgerState {
  const parsed = v.safeParse(DocumentSchema, json);
  if (!parsed.success) {
    const [issue] = parsed.issues;
    throw new StateFileInvalidError(file, v.getDotPath(issue) ?? '(root)', issue.message);
  }
  const state = emptyState();
  const once = (seen: Map<string, unknown>, key: string, where: string) => {
    // Two entries for one repository or template: keeping either would silently drop the other.
    if (seen.has(key))
      throw new StateFileInvalidError(file, where, 'a second entry for the same name');
  };
  parsed.output.repositories.forEach(({ account, region, repository, tags, ...record }, index) => {
    const key = stateKey(account, region, repository);
    once(state.repositories, key, `repositories.${index}`);
    state.repositories.set(key, {
      ref: { account, region, repository },
      record,
      tags: readTags(tags, index, file, parsed.output.version),
    });
  });
  parsed.output.templates.forEach(({ account, region, templatePrefix, ...record }, index) => {
    const key = stateKey(account, region, templatePrefix);
    once(state.templates, key, `templates.${index}`);
    state.templates.set(key, {
      ref: { account, region, templatePrefix },
      record,
    });
  });
  return state;
}
