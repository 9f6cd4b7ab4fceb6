/**
 * The schema of a policy (docs/policy.md), checked over the parsed YAML document so that every
 * problem is reported at the node it is about.
 *
 * @module
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { ACCOUNT, REGION } from '../../core/intake/fields.ts';
import { satisfies } from '../../core/intake/satisfies.ts';
import {
  CONFIG_KEYS,
  FILTER_KEYS,
  FILTERS_KEY,
  MODE_KEY,
  type MutabilityConfig,
} from '../../core/model/config.ts';
import { repositoryGlobProblem } from '../../core/policy/glob-check.ts';
import type { PolicyIssues } from '../../core/policy/issues.ts';
import { quote } from '../../core/policy/message-text.ts';
import type { Policy, PolicyRule } from '../../core/policy/types.ts';
import { validateMutabilityConfig } from '../../core/semantics/validate.ts';
import type { AliasTargets } from './alias-guard.ts';

/** Top-level keys of a policy. */
const ROOT_KEYS = ['version', 'default', 'rules', 'ignore'] as const;
/** The selectors of a rule: a rule has at least one, and applies where all of them match. */
const SELECTOR_KEYS = ['repositories', 'accounts', 'regions'] as const;
/**
 * A rule's switch for automatic remediation by the Lambda functions (docs/remediation.md#automatic);
 * rules only: `default` and templates are never remediated automatically.
 */
const REMEDIATE_KEY = 'remediate';
/** Why `default` takes no `remediate`, and what to write instead. */
const DEFAULT_REMEDIATE_HINT =
  'remediate is a switch of rules only: to remediate every repository, end the rules with one for repositories ["**"] that has remediate: true';
/** Keys of a rule. */
const RULE_KEYS = [...SELECTOR_KEYS, ...CONFIG_KEYS, REMEDIATE_KEY] as const;

/** What the entries of a selector list are, and why one is refused (null: accepted). */
interface ListSpec {
  /** The entries, for messages: `repository globs`. */
  readonly plural: string;
  /** One entry, for messages: `a repository glob`. */
  readonly singular: string;
  readonly problem: (value: string) => string | null;
}

const GLOBS: ListSpec = {
  plural: 'repository globs',
  singular: 'a repository glob',
  problem: repositoryGlobProblem,
};

const ACCOUNTS: ListSpec = {
  plural: 'AWS account ids',
  singular: 'an AWS account id',
  problem: (value) =>
    satisfies(value, ACCOUNT) ? null : `account ${quote(value)} is not ${ACCOUNT.what} (12 digits)`,
};

const REGIONS: ListSpec = {
  plural: 'AWS region names',
  singular: 'an AWS region name',
  problem: (value) =>
    satisfies(value, REGION)
      ? null
      : `region ${quote(value)} is not ${REGION.what} (such as eu-west-1 or us-gov-west-1)`,
};

/** What an empty document (or an empty file) is told. */
export const EMPTY_POLICY =
  'the policy file is empty; it must be a mapping with version and default';

/** A key/value pair read from a mapping; `value` is null when the key has no value node. */
interface Entry {
  readonly key: Node;
  readonly value: Node | null;
}

/** The readable part of a mapping: its allowed keys, in a `Map` so that no key reaches a prototype. */
type Fields = ReadonlyMap<string, Entry>;

/** Describes a node's value for a message: `the string "x"`, `the number 1`, `a list`, … */
function describe(node: Node | Pair | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node) || isPair(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return node.source === '' ? 'nothing' : 'null';
    if (typeof value === 'string') return `the string ${quote(value)}`;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      return `the ${typeof value === 'bigint' ? 'number' : typeof value} ${String(value)}`;
    }
    return 'a tagged value';
  }
  return 'an unsupported value';
}

/** True for a scalar written as nothing at all (`key:` with no value). */
function isEmptyScalar(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null && node.source === '');
}

function listKeys(keys: readonly string[]): string {
  return keys.length === 1 ? (keys[0] as string) : `one of ${keys.join(', ')}`;
}
/**
 * The schema walk over one parsed YAML document: validates it into a {@link Policy}, recording
 * every problem at its node. Unknown keys are reported and left out; keys are read into `Map`s,
 * never assigned onto objects, so a key such as `__proto__` can only ever be an unknown key.
 *
 * @example
 * ```ts
 * const policy = new PolicyReader(doc.contents, lines, aliases, issues).read('policy.yml');
 * issues.throwIfAny();
 * ```
 */
export class PolicyReader {
  private readonly root: Node | null;
  private readonly lines: LineCounter;
  private readonly aliases: AliasTargets;
  private readonly issues: PolicyIssues;

  constructor(root: Node | null, lines: LineCounter, aliases: AliasTargets, issues: PolicyIssues) {
    this.root = root;
    this.lines = lines;
    this.aliases = aliases;
    this.issues = issues;
  }

  /** The start offset of a node, for positions. */
  private start(node: Node | Pair | null | undefined): number | null {
    if (node === null || node === undefined) return null;
    if (isPair(node)) return this.start(node.key as Node | null);
    return node.range?.[0] ?? null;
  }

  private report(node: Node | Pair | null | undefined, message: string): void {
    this.issues.at(this.start(node), message);
  }

  /** Follows an alias to its anchored node, as resolved (and bounded) by {@link checkStructure}. */
  private deref(node: unknown): Node | null {
    if (isAlias(node)) return this.aliases.get(node) ?? null;
    if (isScalar(node) || isMap(node) || isSeq(node)) return node;
    return null;
  }

  /** The node an issue about an entry's value points at: the value, or the key if it is empty. */
  private valueOrKey(entry: Entry): Node {
    const value = this.deref(entry.value);
    return value === null || isEmptyScalar(value) ? entry.key : value;
  }

  /**
   * Reads a mapping's keys. Unknown keys are reported at the key and left out, so that later
   * checks (and the ECR validator) see only known keys.
   */
  private fields(
    map: YAMLMap,
    allowed: readonly string[],
    where: string,
    hints: Readonly<Record<string, string>> = {},
  ): Fields {
    const fields = new Map<string, Entry>();
    for (const pair of map.items) {
      const key = this.deref(pair.key);
      const value = (pair.value as Node | null) ?? null;
      if (key === null || !isScalar(key) || key.value === null) {
        this.report(
          key ?? value ?? map,
          `a key in ${where} must be a string, found ${describe(key)}`,
        );
        continue;
      }
      const name = String(key.value);
      if (!allowed.includes(name)) {
        const hint = Object.hasOwn(hints, name) ? ` (${hints[name]})` : '';
        this.report(
          key,
          `unknown key ${quote(name)} in ${where}; expected ${listKeys(allowed)}${hint}`,
        );
        continue;
      }
      if (fields.has(name)) {
        // yaml's uniqueKeys compares values, so `1:` and `"1":` pass it; they collide here.
        this.report(key, `duplicate key ${quote(name)} in ${where}`);
        continue;
      }
      fields.set(name, { key, value });
    }
    return fields;
  }

  /** Reads the whole policy; returns null when there were issues (they are recorded). */
  read(file: string): Policy | null {
    const root = this.deref(this.root);
    if (isEmptyScalar(root)) {
      // A document of comments or a lone `---`: say so rather than "found nothing" at its end.
      this.issues.at(null, EMPTY_POLICY);
      return null;
    }
    if (root === null || !isMap(root)) {
      this.report(
        root,
        `the policy must be a mapping with the keys version and default (and optionally rules and ignore), found ${describe(root)}`,
      );
      return null;
    }
    const fields = this.fields(root, ROOT_KEYS, 'the policy');

    const version = fields.get('version');
    if (version === undefined) {
      this.report(root, 'missing required key "version" (it must be 1)');
    } else {
      const value = this.deref(version.value);
      if (!isScalar(value) || value.value !== 1) {
        this.report(this.valueOrKey(version), `version must be 1, found ${describe(value)}`);
      }
    }

    let defaultConfig: MutabilityConfig | null = null;
    const defaults = fields.get('default');
    if (defaults === undefined) {
      this.report(
        root,
        'missing required key "default" (the configuration of repositories that no rule matches)',
      );
    } else {
      const value = this.deref(defaults.value);
      if (value === null || !isMap(value)) {
        this.report(
          this.valueOrKey(defaults),
          `default must be a mapping with imageTagMutability (and imageTagMutabilityExclusionFilters for the *_WITH_EXCLUSION modes), found ${describe(value)}`,
        );
      } else {
        defaultConfig = this.config(
          value,
          this.fields(value, CONFIG_KEYS, 'default', { [REMEDIATE_KEY]: DEFAULT_REMEDIATE_HINT }),
        );
      }
    }

    const rules = this.rules(fields.get('rules'));
    const ignoreEntry = fields.get('ignore');
    const ignore = ignoreEntry === undefined ? [] : this.list(ignoreEntry, 'ignore', GLOBS, false);

    if (defaultConfig === null || rules === null || this.issues.list.length > 0) return null;
    return { file, default: defaultConfig, rules, ignore };
  }

  private rules(entry: Entry | undefined): PolicyRule[] | null {
    if (entry === undefined) return [];
    const list = this.deref(entry.value);
    if (list === null || !isSeq(list)) {
      this.report(this.valueOrKey(entry), `rules must be a list of rules, found ${describe(list)}`);
      return null;
    }
    const rules: PolicyRule[] = [];
    let complete = true;
    list.items.forEach((item, index) => {
      const map = this.deref(item);
      if (map === null || !isMap(map)) {
        this.report(
          map ?? list,
          `a rule must be a mapping with a selector (repositories, accounts or regions) and imageTagMutability, found ${describe(map)}`,
        );
        complete = false;
        return;
      }
      const fields = this.fields(map, RULE_KEYS, 'a rule');
      const selectors = this.selectors(map, fields);
      if (selectors === null) complete = false;
      const remediate = this.remediate(fields.get(REMEDIATE_KEY));
      if (remediate === null) complete = false;
      const config = this.config(map, fields);
      if (config === null) {
        complete = false;
        return;
      }
      const offset = this.start(map);
      const line = offset === null ? 1 : Math.max(1, this.lines.linePos(offset).line);
      if (selectors !== null && remediate !== null) {
        rules.push({ ...selectors, config, index, line, ...(remediate ? { remediate } : {}) });
      }
    });
    return complete ? rules : null;
  }

  /**
   * Reads the selectors of a rule; null when there is none, or one is invalid (reported). A
   * selector that is present must list at least one entry: an empty list would select nothing.
   */
  private selectors(
    map: YAMLMap,
    fields: Fields,
  ): Pick<PolicyRule, 'repositories' | 'accounts' | 'regions'> | null {
    if (!SELECTOR_KEYS.some((key) => fields.has(key))) {
      this.report(
        map,
        'a rule needs at least one selector: repositories (repository globs), accounts (AWS account ids) or regions (AWS region names)',
      );
      return null;
    }
    const before = this.issues.list.length;
    const selected: { repositories?: string[]; accounts?: string[]; regions?: string[] } = {};
    const specs = { repositories: GLOBS, accounts: ACCOUNTS, regions: REGIONS } as const;
    for (const key of SELECTOR_KEYS) {
      const entry = fields.get(key);
      if (entry !== undefined) selected[key] = this.list(entry, key, specs[key], true);
    }
    return this.issues.list.length === before ? selected : null;
  }

  /**
   * Reads a rule's `remediate`: a boolean (absent: false); null when it is something else
   * (reported). YAML's `yes`/`on` are strings under the core schema, and refused as such.
   */
  private remediate(entry: Entry | undefined): boolean | null {
    if (entry === undefined) return false;
    const value = this.deref(entry.value);
    if (isScalar(value) && typeof value.value === 'boolean') return value.value;
    this.report(
      this.valueOrKey(entry),
      `remediate must be true or false, found ${describe(value)}`,
    );
    return null;
  }

  /** Reads a list of strings of one kind; invalid entries are reported and left out. */
  private list(entry: Entry, key: string, spec: ListSpec, requireOne: boolean): string[] {
    const list = this.deref(entry.value);
    if (list === null || !isSeq(list)) {
      const hint =
        isScalar(list) && (typeof list.value === 'string' || typeof list.value === 'number')
          ? ` (write [${quote(String(list.source ?? list.value))}])`
          : '';
      this.report(
        this.valueOrKey(entry),
        `${key} must be a list of ${spec.plural}, found ${describe(list)}${hint}`,
      );
      return [];
    }
    if (requireOne && list.items.length === 0) {
      this.report(list, `${key} must list at least one ${spec.singular.replace(/^an? /, '')}`);
    }
    const values: string[] = [];
    for (const item of list.items) {
      const node = this.deref(item);
      if (node === null || !isScalar(node) || typeof node.value !== 'string') {
        // An account id written unquoted reads as a number (and loses leading zeros): say how.
        const hint =
          isScalar(node) && typeof node.value === 'number' && spec === ACCOUNTS
            ? ` (quote it: ${quote(String(node.source ?? node.value))})`
            : '';
        this.report(
          node ?? (isPair(item) ? item : list),
          `${spec.singular} must be a string, found ${describe(isPair(item) ? item : node)}${hint}`,
        );
        continue;
      }
      const problem = spec.problem(node.value);
      if (problem !== null) {
        this.report(node, problem);
        continue;
      }
      values.push(node.value);
    }
    return values;
  }

  /**
   * Validates a configuration with the ECR validator and maps its issues back to nodes. Only
   * known keys are passed (unknown ones were reported by {@link PolicyReader.fields}), so every
   * issue the validator raises is about a value, and is reported at that value.
   */
  private config(map: YAMLMap, fields: Fields): MutabilityConfig | null {
    const input: { imageTagMutability?: unknown; imageTagMutabilityExclusionFilters?: unknown } =
      {};
    const mode = fields.get(MODE_KEY);
    if (mode !== undefined) input.imageTagMutability = this.plain(mode.value, 0);
    const filters = fields.get(FILTERS_KEY);
    if (filters !== undefined) {
      input.imageTagMutabilityExclusionFilters = this.filtersInput(filters.value);
    }
    const result = validateMutabilityConfig(input);
    if (result.ok) return result.config;
    for (const issue of result.issues) {
      this.issues.at(this.locate(map, issue.path), issue.message);
    }
    return null;
  }

  /** The filter list as plain values; filter objects keep only their known keys. */
  private filtersInput(node: Node | null): unknown {
    const list = this.deref(node);
    if (list === null || !isSeq(list)) return this.plain(list, 0);
    return list.items.map((item) => {
      const filter = this.deref(item);
      if (filter === null || !isMap(filter)) return this.plain(item, 1);
      const fields = this.fields(filter, FILTER_KEYS, 'an exclusion filter');
      const object: Record<string, unknown> = {};
      for (const key of FILTER_KEYS) {
        const entry = fields.get(key);
        if (entry !== undefined) object[key] = this.plain(entry.value, 2);
      }
      return object;
    });
  }

  /**
   * Converts a node to a plain value for the validator. Deeper than a configuration can be, a
   * collection is passed empty: its type alone is wrong, and this keeps the work bounded.
   */
  private plain(raw: unknown, depth: number): unknown {
    // A flow sequence item such as `[a: b]` is a bare pair: it reads as a one-key mapping.
    if (isPair(raw)) return depth >= 3 ? {} : this.plainObject([raw], depth);
    const node = this.deref(raw);
    if (node === null) return null;
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      return depth >= 3 ? [] : node.items.map((item) => this.plain(item, depth + 1));
    }
    if (!isMap(node) || depth >= 3) return {};
    return this.plainObject(node.items as Pair[], depth);
  }

  private plainObject(pairs: readonly Pair[], depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (const pair of pairs) {
      const key = this.deref(pair.key);
      const name = isScalar(key) ? String(key.value) : '';
      // defineProperty, not assignment: a `__proto__` key becomes an own property, nothing more.
      Object.defineProperty(object, name, {
        value: this.plain(pair.value, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }

  /**
   * The offset an issue path of the validator points at, relative to a configuration mapping: the
   * deepest node on the path that exists; a key whose value is empty; the mapping itself when the
   * first key is missing.
   */
  private locate(map: YAMLMap, path: readonly (string | number)[]): number | null {
    let node: Node = map;
    let offset = this.start(map);
    for (const segment of path) {
      if (isMap(node) && typeof segment === 'string') {
        const pair = node.items.find((p) => {
          const key = this.deref(p.key);
          return isScalar(key) && String(key.value) === segment;
        });
        if (pair === undefined) break;
        const value = this.deref(pair.value);
        if (value === null || isEmptyScalar(value)) {
          offset = this.start(pair.key as Node);
          break;
        }
        node = value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = this.deref(node.items[segment]);
        if (item === null) break;
        node = item;
      } else {
        break;
      }
      offset = this.start(node);
    }
    return offset;
  }
}
