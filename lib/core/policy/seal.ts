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
          repositories: Object.freeze([...rule.repositories]),
          config: freezeConfig(rule.config),
          index: rule.index,
          line: rule.line,
        }),
      ),
    ),
    ignore: Object.freeze([...policy.ignore]),
  });
  preparePolicy(sealed);
  return sealed;
}
