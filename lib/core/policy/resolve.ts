/**
 * What a policy expects of a repository or a creation template (docs/policy.md). Pure functions;
 * `resolveRepository` runs once per event, so compiled globs and recent results are cached per
 * policy object.
 *
 * @module
 */
import { compileRepositoryGlob, type RepositoryMatcher } from './glob.ts';
import type { Policy, PolicyResolution, PolicyRule } from './types.ts';

/** How many repository names' results are kept per policy; an account rarely has more. */
const RESOLUTION_CACHE_SIZE = 10_000;

/** The prefix of the creation template that applies where no other template's prefix does. */
const ROOT_TEMPLATE_PREFIX = 'ROOT';

/** A policy with its globs compiled, plus a bounded cache of results by repository name. */
interface CompiledPolicy {
  readonly ignore: readonly { readonly glob: string; readonly matches: RepositoryMatcher }[];
  readonly rules: readonly {
    readonly rule: PolicyRule;
    readonly matchers: readonly RepositoryMatcher[];
  }[];
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
      rules: policy.rules.map((rule) => ({
        rule,
        matchers: rule.repositories.map(compileRepositoryGlob),
      })),
      defaultResolution: Object.freeze({ ignored: false, config: policy.default, rule: null }),
      results: new Map(),
    };
    compiled.set(policy, entry);
  }
  return entry;
}

function evaluate(policy: CompiledPolicy, name: string): PolicyResolution {
  // `ignore` wins over every rule: an ignored repository (a pull-through cache, say) is not
  // audited at all, whatever a broader rule would expect of it.
  for (const { glob, matches } of policy.ignore) {
    if (matches(name)) return Object.freeze({ ignored: true, by: glob });
  }
  for (const { rule, matchers } of policy.rules) {
    if (matchers.some((matches) => matches(name))) {
      return Object.freeze({ ignored: false, config: rule.config, rule });
    }
  }
  return policy.defaultResolution;
}

/**
 * Says what the policy expects of a repository: ignored (by which `ignore` glob), or the expected
 * configuration and the rule that gave it (`null` for the policy's `default`). `ignore` is checked
 * first; then the first rule with a matching glob wins.
 *
 * @param policy - a loaded policy.
 * @param repositoryName - the repository name, e.g. `prod/api`.
 * @returns the resolution; the same frozen object for the same name while it stays cached.
 */
export function resolveRepository(policy: Policy, repositoryName: string): PolicyResolution {
  const entry = compiledOf(policy);
  const cached = entry.results.get(repositoryName);
  if (cached !== undefined) return cached;
  const resolution = evaluate(entry, repositoryName);
  if (entry.results.size >= RESOLUTION_CACHE_SIZE) {
    // Evict the oldest entry: a bound on memory matters more than a perfect LRU here, since a miss
    // costs only a few glob matches.
    const oldest = entry.results.keys().next();
    if (oldest.done !== true) entry.results.delete(oldest.value);
  }
  entry.results.set(repositoryName, resolution);
  return resolution;
}

/**
 * Says what the policy expects of a repository creation template (docs/policy.md): the template
 * with prefix `P` is judged as a repository named `P/` (one trailing slash; a prefix that already
 * ends with `/` gets none added), so `ignore` globs and rules apply to it as to a repository. The
 * prefix `ROOT` (the template for repositories no other prefix covers) is judged by `default` and
 * is never ignored: no single repository name stands for it.
 *
 * @param policy - a loaded policy.
 * @param prefix - the template's prefix, e.g. `prod`, `prod/` or `ROOT`.
 * @returns the resolution, as {@link resolveRepository} gives it.
 */
export function resolveTemplate(policy: Policy, prefix: string): PolicyResolution {
  if (prefix === ROOT_TEMPLATE_PREFIX) return compiledOf(policy).defaultResolution;
  return resolveRepository(policy, prefix.endsWith('/') ? prefix : `${prefix}/`);
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
