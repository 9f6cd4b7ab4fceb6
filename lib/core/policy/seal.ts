/**
 * Sealing a validated policy: a deeply frozen copy with its globs compiled. The resolvers cache
 * compiled globs and results per policy object, which is only sound while the policy cannot
 * change. Both ways a policy comes to exist go through here: read from a file (lib/io/policy/parse.ts), and
 * inlined into the Lambda bundles as the JSON of a policy validated at build time.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';
import { preparePolicy } from './resolve.ts';
import type { Policy } from './types.ts';

/** A frozen copy of a validated configuration. */
function freezeConfig(config: MutabilityConfig): MutabilityConfig {
  return Object.freeze({
    imageTagMutability: config.imageTagMutability,
    imageTagMutabilityExclusionFilters: Object.freeze(
      config.imageTagMutabilityExclusionFilters.map((f) =>
        Object.freeze({ filterType: f.filterType, filter: f.filter }),
      ),
    ),
  });
}

/** A frozen copy of a rule's selector as a one-key object, or no key when the rule has none. */
function selector<K extends string>(
  key: K,
  values: readonly string[] | undefined,
): { readonly [P in K]?: readonly string[] } {
  return values === undefined
    ? {}
    : ({ [key]: Object.freeze([...values]) } as { [P in K]: readonly string[] });
}

/**
 * Seals a validated policy: copies it deeply frozen (only the fields a {@link Policy} has) and
 * compiles its globs once.
 *
 * @param policy - a policy that passed validation (`parsePolicy`), or its JSON read back.
 * @returns the sealed copy; callers use it, never the argument.
 */
export function sealPolicy(policy: Policy): Policy {
  const sealed: Policy = Object.freeze({
    file: policy.file,
    default: freezeConfig(policy.default),
    rules: Object.freeze(
      policy.rules.map((rule) =>
        Object.freeze({
          ...selector('repositories', rule.repositories),
          ...selector('accounts', rule.accounts),
          ...selector('regions', rule.regions),
          config: freezeConfig(rule.config),
          index: rule.index,
          line: rule.line,
          // Only `true` is kept: anything else (absent, false) leaves automatic remediation off.
          ...(rule.remediate === true ? { remediate: true as const } : {}),
        }),
      ),
    ),
    ignore: Object.freeze([...policy.ignore]),
  });
  preparePolicy(sealed);
  return sealed;
}
