/**
 * Reads and validates a policy file (docs/policy.md). YAML and JSON are read by one parser (JSON
 * is YAML), and every problem is reported as `FILE:LINE:COL: message` at the node it is about.
 * All problems of a file are collected and thrown together as one {@link PolicyError}; nothing else
 * is ever thrown for bad input.
 *
 * The file is untrusted input as far as this module is concerned: size, nesting depth and alias
 * expansion are bounded, and keys are read into `Map`s, never assigned onto objects, so a key such
 * as `__proto__` can only ever be an unknown key.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import {
  CONFIG_KEYS,
  FILTER_KEYS,
  FILTERS_KEY,
  MODE_KEY,
  type MutabilityConfig,
} from '../../core/model/config.ts';
import { REPOSITORY_NAME_MAX_LENGTH } from '../../core/model/repository-name.ts';
import { oneLine, quote } from '../../core/model/text.ts';
import { PolicyError, type PolicyIssue } from '../../core/policy/errors.ts';
import { sealPolicy } from '../../core/policy/seal.ts';
import type { Policy, PolicyRule } from '../../core/policy/types.ts';
import { validateMutabilityConfig } from '../../core/semantics/validate.ts';

/** Limits that keep a hostile or broken policy file from exhausting memory, stack or time. */
export const POLICY_LIMITS = {
  /** Largest policy file read, in bytes (a real policy is a few KiB). */
  maxBytes: 1024 * 1024,
  /**
   * Most nodes that all aliases of a document may expand to, in all (an alias to a 5-filter list
   * counts 6). Bounds the billion-laughs kind of alias bomb; a real policy stays far below.
   */
  maxAliasExpansion: 10_000,
  /** Deepest nesting of collections accepted; a policy needs 5, the parser recurses per level. */
  maxDepth: 64,
  /** Most issues reported for one file; the rest are summarized in one last line. */
  maxIssues: 100,
} as const;

/** Top-level keys of a policy. */
const ROOT_KEYS = ['version', 'default', 'rules', 'ignore'] as const;
/** Keys of a rule. */
const RULE_KEYS = ['repositories', ...CONFIG_KEYS] as const;

const EMPTY_POLICY = 'the policy file is empty; it must be a mapping with version and default';

/** Characters of an ECR repository name (`(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*…`) plus `*`. */
const GLOB_CHARACTER = /[a-z0-9._/*-]/;

/**
 * The options of the one YAML parse. `uniqueKeys` makes duplicate keys errors; `resolveKnownTags:
 * false` turns YAML 1.1 tags (`!!binary`, `!!set`, `!!timestamp`…) into unresolved-tag warnings,
 * which are reported as errors like every warning: a policy has no use for tags, and a value that
 * silently turns into a Buffer or a Date is a trap.
 */
const YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  strict: true,
  version: '1.2',
  schema: 'core',
  merge: false,
  resolveKnownTags: false,
  intAsBigInt: false,
  keepSourceTokens: false,
} as const;

/** A key/value pair read from a mapping; `value` is null when the key has no value node. */
interface Entry {
  readonly key: Node;
  readonly value: Node | null;
}

/** Where each alias of a document points; filled by {@link checkStructure}. */
type AliasTargets = ReadonlyMap<Alias, Node>;

/** The readable part of a mapping: its allowed keys, in a `Map` so that no key reaches a prototype. */
type Fields = ReadonlyMap<string, Entry>;

/** How user text is quoted into an issue: up to 80 characters, cut with an ASCII mark. */
const QUOTED = { max: 80, mark: '...' } as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Builds issues for one file and turns them into the final {@link PolicyError}. */
class Issues {
  readonly list: PolicyIssue[] = [];

  private readonly file: string;
  private readonly lines: LineCounter | null;

  constructor(file: string, lines: LineCounter | null) {
    this.file = file;
    this.lines = lines;
  }

  /** Records an issue at a source offset (null: the start of the file). */
  at(offset: number | null, message: string): void {
    let line = 1;
    let column = 1;
    if (offset !== null && this.lines !== null) {
      const pos = this.lines.linePos(offset);
      // The LineCounter answers 0 for offsets before the first newline it has seen.
      line = Math.max(1, pos.line);
      column = Math.max(1, pos.col);
    }
    this.list.push({
      file: this.file,
      line,
      column,
      message: oneLine(message) || 'invalid policy',
    });
  }

  /** Throws every recorded issue as one error, in file order, if there is any. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    // Stable sort: issues at the same position keep the order in which they were found.
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
    const seen = new Set<string>();
    const unique = sorted.filter((issue) => {
      const key = `${issue.line}:${issue.column}:${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    let shown = unique;
    if (unique.length > POLICY_LIMITS.maxIssues) {
      shown = unique.slice(0, POLICY_LIMITS.maxIssues - 1);
      const last = shown[shown.length - 1] as PolicyIssue;
      shown.push({
        ...last,
        message: `${unique.length - shown.length} more problems not shown`,
      });
    }
    throw new PolicyError(shown);
  }
}

/** Describes a node's value for a message: `the string "x"`, `the number 1`, `a list`, … */
function describe(node: Node | Pair | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node) || isPair(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return node.source === '' ? 'nothing' : 'null';
    if (typeof value === 'string') return `the string ${quote(value, QUOTED)}`;
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

/** The schema walk over one parsed YAML document. */
class PolicyReader {
  private readonly root: Node | null;
  private readonly lines: LineCounter;
  private readonly aliases: AliasTargets;
  private readonly issues: Issues;

  constructor(root: Node | null, lines: LineCounter, aliases: AliasTargets, issues: Issues) {
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
  private fields(map: YAMLMap, allowed: readonly string[], where: string): Fields {
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
        this.report(
          key,
          `unknown key ${quote(name, QUOTED)} in ${where}; expected ${listKeys(allowed)}`,
        );
        continue;
      }
      if (fields.has(name)) {
        // yaml's uniqueKeys compares values, so `1:` and `"1":` pass it; they collide here.
        this.report(key, `duplicate key ${quote(name, QUOTED)} in ${where}`);
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
        defaultConfig = this.config(value, this.fields(value, CONFIG_KEYS, 'default'));
      }
    }

    const rules = this.rules(fields.get('rules'));
    const ignoreEntry = fields.get('ignore');
    const ignore = ignoreEntry === undefined ? [] : this.globs(ignoreEntry, 'ignore', false);

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
          `a rule must be a mapping with repositories and imageTagMutability, found ${describe(map)}`,
        );
        complete = false;
        return;
      }
      const fields = this.fields(map, RULE_KEYS, 'a rule');
      const repositoriesEntry = fields.get('repositories');
      let repositories: string[] = [];
      if (repositoriesEntry === undefined) {
        this.report(map, 'missing required key "repositories" (a list of repository globs)');
        complete = false;
      } else {
        repositories = this.globs(repositoriesEntry, 'repositories', true);
      }
      const config = this.config(map, fields);
      if (config === null) {
        complete = false;
        return;
      }
      const offset = this.start(map);
      const line = offset === null ? 1 : Math.max(1, this.lines.linePos(offset).line);
      rules.push({ repositories, config, index, line });
    });
    return complete ? rules : null;
  }

  /** Reads a list of repository globs; invalid entries are reported and left out. */
  private globs(entry: Entry, key: string, requireOne: boolean): string[] {
    const list = this.deref(entry.value);
    if (list === null || !isSeq(list)) {
      const hint =
        isScalar(list) && typeof list.value === 'string'
          ? ` (write [${quote(list.value, QUOTED)}])`
          : '';
      this.report(
        this.valueOrKey(entry),
        `${key} must be a list of repository globs, found ${describe(list)}${hint}`,
      );
      return [];
    }
    if (requireOne && list.items.length === 0) {
      this.report(list, `${key} must list at least one repository glob`);
    }
    const globs: string[] = [];
    for (const item of list.items) {
      const node = this.deref(item);
      if (node === null || !isScalar(node) || typeof node.value !== 'string') {
        this.report(
          node ?? (isPair(item) ? item : list),
          `a repository glob must be a string, found ${describe(isPair(item) ? item : node)}`,
        );
        continue;
      }
      const problem = globProblem(node.value);
      if (problem !== null) {
        this.report(node, problem);
        continue;
      }
      globs.push(node.value);
    }
    return globs;
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

/** Why a repository glob can never match an ECR repository name, or null when it can. */
function globProblem(glob: string): string | null {
  if (glob === '') return 'a repository glob must not be empty';
  for (const char of glob) {
    if (!GLOB_CHARACTER.test(char)) {
      // A glob that can match nothing would silently hand its repositories to a later rule or the
      // default; a mistyped `Prod/*` must be an error, not a hole in the audit.
      return `repository glob ${quote(glob, QUOTED)} can never match: ${quote(char, QUOTED)} does not occur in ECR repository names (a-z, 0-9, ".", "_", "-", "/")`;
    }
  }
  const literal = glob.replace(/\*/g, '').length;
  if (literal > REPOSITORY_NAME_MAX_LENGTH) {
    return `repository glob ${quote(glob, QUOTED)} can never match: it has ${literal} characters besides "*" and ECR repository names have at most ${REPOSITORY_NAME_MAX_LENGTH}`;
  }
  return null;
}

/** The key text at a source offset (for duplicate-key messages); null when it cannot be read. */
function keyTextAt(text: string, offset: number): string | null {
  const match = /^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s:#,[\]{}][^:#\n]*?))\s*:/.exec(
    text.slice(offset, offset + 300),
  );
  if (match === null) return null;
  if (match[1] !== undefined) {
    try {
      return String(JSON.parse(`"${match[1]}"`));
    } catch {
      return match[1];
    }
  }
  return match[2] !== undefined ? match[2].replace(/''/g, "'") : (match[3] ?? null);
}

/** One line for a parser error or warning. */
function yamlMessage(error: YAMLError, text: string): string {
  const first = error.message.split('\n')[0] ?? error.code;
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = keyTextAt(text, error.pos[0]);
      return key === null ? 'duplicate key' : `duplicate key ${quote(key, QUOTED)}`;
    }
    case 'RESOURCE_EXHAUSTION':
      return 'the document is nested too deeply to be read';
    case 'TAG_RESOLVE_FAILED':
      return `unsupported YAML tag (${first}); a policy holds plain strings, numbers and lists only`;
    default:
      return `YAML syntax error: ${first}`;
  }
}

/** The children of a collection in document order; a pair contributes its key, then its value. */
function childrenOf(node: Node): unknown[] {
  if (!isMap(node) && !isSeq(node)) return [];
  const children: unknown[] = [];
  for (const item of node.items as unknown[]) {
    if (isPair(item)) children.push(item.key, item.value);
    else children.push(item);
  }
  return children;
}

/**
 * One iterative pass over the document, before any schema check: bounds the nesting depth,
 * resolves every alias to the last anchor of that name before it (YAML's rule), refuses an alias
 * inside the node it names, and refuses documents whose aliases expand to more than
 * {@link POLICY_LIMITS.maxAliasExpansion} nodes in all (an alias bomb: a few lines whose aliases
 * nest into billions of nodes). yaml's own `maxAliasCount` guard lives in `toJS`, which this
 * module does not use, and it resolves aliases by re-walking the document, which is quadratic.
 */
function checkStructure(doc: Document.Parsed, issues: Issues): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  // Expanded size of every node whose subtree is complete; an anchor not in here is an ancestor.
  const sizes = new Map<Node, number>();
  let expansion = 0;
  const root = doc.contents as Node | null;
  if (root === null || isAlias(root)) return targets;
  if (root.anchor !== undefined) anchors.set(root.anchor, root);
  const stack: { node: Node; children: unknown[]; next: number; size: number }[] = [
    { node: root, children: childrenOf(root), next: 0, size: 1 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    if (frame.next >= frame.children.length) {
      stack.pop();
      sizes.set(frame.node, frame.size);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.size += frame.size;
      continue;
    }
    const child = frame.children[frame.next];
    frame.next += 1;
    if (isAlias(child)) {
      const target = anchors.get(child.source);
      const size = target === undefined ? undefined : sizes.get(target);
      if (target === undefined) {
        issues.at(
          child.range?.[0] ?? null,
          `unknown alias *${child.source}: no anchor &${child.source} comes before it`,
        );
      } else if (size === undefined) {
        issues.at(
          child.range?.[0] ?? null,
          `alias *${child.source} refers to a node that contains it`,
        );
      } else {
        targets.set(child, target);
        expansion += size;
        frame.size += size;
        if (expansion > POLICY_LIMITS.maxAliasExpansion) {
          issues.at(
            child.range?.[0] ?? null,
            `YAML aliases expand to more than ${POLICY_LIMITS.maxAliasExpansion} nodes; alias bombs are refused`,
          );
          return targets;
        }
      }
      continue;
    }
    if (!isScalar(child) && !isMap(child) && !isSeq(child)) continue;
    // Registered before the children are visited, as YAML orders anchors: a self-reference then
    // finds this node, still without a size, and is reported as a cycle.
    if (child.anchor !== undefined) anchors.set(child.anchor, child);
    if (isScalar(child)) {
      sizes.set(child, 1);
      frame.size += 1;
      continue;
    }
    if (stack.length >= POLICY_LIMITS.maxDepth) {
      issues.at(
        child.range?.[0] ?? null,
        `collections are nested more than ${POLICY_LIMITS.maxDepth} levels deep`,
      );
      return targets;
    }
    stack.push({ node: child, children: childrenOf(child), next: 0, size: 1 });
  }
  return targets;
}

function parseOrThrow(text: string, file: string): Policy {
  const size = byteLength(text);
  if (size > POLICY_LIMITS.maxBytes) {
    // Checked before parsing: the parser's time and memory grow with the input.
    const tooLarge = new Issues(file, null);
    tooLarge.at(
      null,
      `the policy file is ${size} bytes; at most ${POLICY_LIMITS.maxBytes} (1 MiB) are read`,
    );
    tooLarge.throwIfAny();
  }
  const lines = new LineCounter();
  const issues = new Issues(file, lines);
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
  if (docs.length === 0) {
    issues.at(null, EMPTY_POLICY);
  }
  for (const doc of docs) {
    for (const problem of [...doc.errors, ...doc.warnings]) {
      issues.at(problem.pos[0], yamlMessage(problem, text));
    }
  }
  const second = docs[1];
  if (second !== undefined) {
    issues.at(
      second.range[0],
      `the policy file must hold one YAML document, found ${docs.length} (the second starts here)`,
    );
  }
  issues.throwIfAny();
  const doc = docs[0] as Document.Parsed;
  const aliases = checkStructure(doc, issues);
  issues.throwIfAny();
  const policy = new PolicyReader(doc.contents as Node | null, lines, aliases, issues).read(file);
  issues.throwIfAny();
  if (policy === null) throw new Error('the policy reader found no issue but returned no policy');
  return sealPolicy(policy);
}

/**
 * Parses and validates a policy (docs/policy.md) from its text, YAML or JSON.
 *
 * @param text - the file's content.
 * @param fileName - the name used in messages and kept as {@link Policy.file}.
 * @returns the policy, deeply frozen, its globs compiled.
 * @throws {@link PolicyError} with every problem of the file, each at its `FILE:LINE:COL`; never
 *   any other exception.
 */
export function parsePolicy(text: string, fileName: string): Policy {
  try {
    return parseOrThrow(text, fileName);
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    // A bug or an exhausted resource inside a library: still one clean line, never a stack trace.
    throw new PolicyError(
      [
        {
          file: fileName,
          line: 1,
          column: 1,
          message: oneLine(`cannot read the policy: ${errorText(error)}`),
        },
      ],
      { cause: error },
    );
  }
}

/** A short reason for an I/O failure, without Node's repetition of the path. */
function ioReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return errorText(error);
  }
}

/** Reads at most one byte more than the limit, so that even `/dev/zero` cannot exhaust memory. */
async function readBounded(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(POLICY_LIMITS.maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a policy file and validates it like {@link parsePolicy}.
 *
 * @param path - the file; it is named as given in messages and in {@link Policy.file}.
 * @returns the policy.
 * @throws {@link PolicyError} when the file cannot be read (`FILE: cannot read the policy file:
 *   REASON`, no position, with the I/O error as `cause`), is over 1 MiB or not UTF-8, or is not
 *   a valid policy.
 */
export async function loadPolicy(path: string): Promise<Policy> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path);
  } catch (error) {
    throw new PolicyError(
      [
        {
          file: path,
          line: 0,
          column: 0,
          message: oneLine(`cannot read the policy file: ${ioReason(error)}`),
        },
      ],
      { cause: error },
    );
  }
  if (bytes.length > POLICY_LIMITS.maxBytes) {
    throw new PolicyError([
      {
        file: path,
        line: 1,
        column: 1,
        message: `the policy file is larger than ${POLICY_LIMITS.maxBytes} bytes (1 MiB)`,
      },
    ]);
  }
  let text: string;
  try {
    // fatal: a policy in another encoding must not be read as replacement characters that then
    // fail (or pass) validation in confusing ways. The decoder also drops a UTF-8 BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new PolicyError(
      [{ file: path, line: 1, column: 1, message: 'the policy file is not valid UTF-8' }],
      { cause: error },
    );
  }
  return parsePolicy(text, path);
}
