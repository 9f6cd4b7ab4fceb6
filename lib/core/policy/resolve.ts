/**
 * What a policy expects of a repository or a creation template (docs/policy.md). Pure functions;
 * `resolveRepository` runs once per event, so compiled globs and recent results are cached per
 * policy object.
 *
 * @module
 */
import { compileRepositoryGlob, type RepositoryMatcher } from './glob.ts';
import { compileRuleSelector, type RuleSelector } from './select.ts';
import type {
  Policy,
  PolicyResolution,
  PolicyRule,
  RepositoryQuery,
  TemplateQuery,
} from './types.ts';

/** How many repositories' results are kept per policy; an account rarely has more. */
const RESOLUTION_CACHE_SIZE = 10_000;

/** The prefix of the creation template that applies where no other template's prefix does. */
const ROOT_TEMPLATE_PREFIX = 'ROOT';

/** A policy with its selectors compiled, plus a bounded cache of results by repository. */
interface CompiledPolicy {
  readonly ignore: readonly { readonly glob: string; readonly matches: RepositoryMatcher }[];
  readonly rules: readonly { readonly rule: PolicyRule; readonly applies: RuleSelector }[];
  readonly defaultResolution: PolicyResolution;
  readonly results: Map<string, PolicyResolution>;
}

// Keyed by the policy object itself so that a policy can be dropped without unregistering it, and
// so that callers never see (or serialize) the compiled form.
const compiled = new WeakMap<Policy, CompiledPolicy>();

/**
 * Compiles a policy's globs if that was not done yet. The loader calls it so that the cost is paid
 * once at load; policies built by hand are compiled on first use.
 *
 * @param policy - the policy; it must not change afterwards (loaded policies are frozen).
 */
export function preparePolicy(policy: Policy): void {
  compiledOf(policy);
}

function compiledOf(policy: Policy): CompiledPolicy {
  let entry = compiled.get(policy);
  if (entry === undefined) {
    entry = {
      ignore: policy.ignore.map((glob) => ({ glob, matches: compileRepositoryGlob(glob) })),
      rules: policy.rules.map((rule) => ({ rule, applies: compileRuleSelector(rule) })),
      defaultResolution: Object.freeze({ ignored: false, config: policy.default, rule: null }),
      results: new Map(),
    };
    compiled.set(policy, entry);
  }
  return entry;
}

/** `name` null: the `ROOT` template, which no `ignore` glob and no `repositories` selector match. */
function evaluate(
  policy: CompiledPolicy,
  account: string | null,
  region: string | null,
  name: string | null,
): PolicyResolution {
  // `ignore` wins over every rule: an ignored repository (a pull-through cache, say) is not
  // audited at all, whatever a broader rule would expect of it. It is by name only, in every
  // account and region.
  if (name !== null) {
    for (const { glob, matches } of policy.ignore) {
      if (matches(name)) return Object.freeze({ ignored: true, by: glob });
    }
  }
  for (const { rule, applies } of policy.rules) {
    if (applies(account, region, name)) {
      return Object.freeze({ ignored: false, config: rule.config, rule });
    }
  }
  return policy.defaultResolution;
}

/**
 * Says what the policy expects of a repository: ignored (by which `ignore` glob), or the expected
 * configuration and the rule that gave it (`null` for the policy's `default`). `ignore` is checked
 * first; then the first rule whose selectors (`repositories`, `accounts`, `regions`) all match
 * wins.
 *
 * @param policy - a loaded policy.
 * @param ref - the repository: account, region (null when not known: no `accounts` or `regions`
 *   selector matches then) and name, e.g. `prod/api`.
 * @returns the resolution; the same frozen object for the same repository while it stays cached.
 *
 * @example
 * ```ts
 * const r = resolveRepository(policy, { account: '111111111111', region: 'eu-west-1', repository: 'prod/api' });
 * if (!r.ignored) console.log(describePolicySource(policy, r.rule), r.config.imageTagMutability);
 * ```
 */
export function resolveRepository(policy: Policy, ref: RepositoryQuery): PolicyResolution {
  const entry = compiledOf(policy);
  // Account ids are digits and region names have no NUL: the key names one repository.
  const key = `${ref.account ?? ''}\0${ref.region ?? ''}\0${ref.repository}`;
  const cached = entry.results.get(key);
  if (cached !== undefined) return cached;
  const resolution = evaluate(entry, ref.account, ref.region, ref.repository);
  if (entry.results.size >= RESOLUTION_CACHE_SIZE) {
    // Evict the oldest entry: a bound on memory matters more than a perfect LRU here, since a miss
    // costs only a few glob matches.
    const oldest = entry.results.keys().next();
    if (oldest.done !== true) entry.results.delete(oldest.value);
  }
  entry.results.set(key, resolution);
  return resolution;
}

/**
 * Says what the policy expects of a repository creation template (docs/policy.md): the template
 * with prefix `P` in an account and region is judged as a repository named `P/` there (one
 * trailing slash; a prefix that already ends with `/` gets none added), so `ignore` globs and
 * rules apply to it as to a repository. The prefix `ROOT` (the template for repositories no other
 * prefix covers) is never ignored and no `repositories` selector matches it, since no single
 * repository name stands for it: the first rule without `repositories` whose `accounts` and
 * `regions` match judges it, else `default`.
 *
 * @param policy - a loaded policy.
 * @param ref - the template: account, region (null when not known) and prefix, e.g. `prod`,
 *   `prod/` or `ROOT`.
 * @returns the resolution, as {@link resolveRepository} gives it.
 *
 * @example
 * ```ts
 * resolveTemplate(policy, { account: '111111111111', region: 'eu-west-1', templatePrefix: 'prod' });
 * ```
 */
export function resolveTemplate(policy: Policy, ref: TemplateQuery): PolicyResolution {
  const { account, region, templatePrefix: prefix } = ref;
  const repository = templateRepositoryName(prefix);
  if (repository === null) return evaluate(compiledOf(policy), account, region, null);
  return resolveRepository(policy, { account, region, repository });
}

/**
 * The repository name a creation template is judged as (docs/policy.md#creation-templates): `P/`
 * for the prefix `P` (none added when `P` already ends with `/`); null for `ROOT`, which no single
 * repository name stands for.
 *
 * @example
 * ```ts
 * templateRepositoryName('prod'); // 'prod/'
 * templateRepositoryName('ROOT'); // null
 * ```
 */
export function templateRepositoryName(prefix: string): string | null {
  if (prefix === ROOT_TEMPLATE_PREFIX) return null;
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Names where an expected configuration comes from, for `explain` and finding messages:
 * `rule 2 (policy.yml:12)` (1-based rule number, the line where the rule starts) or `default`.
 *
 * @param policy - the policy the rule belongs to.
 * @param rule - the rule of a resolution, or null for the default.
 * @returns a short human-readable label.
 */
export function describePolicySource(policy: Policy, rule: PolicyRule | null): string {
  return rule === null ? 'default' : `rule ${rule.index + 1} (${policy.file}:${rule.line})`;
}
