import type { Mutability, MutabilityConfig } from '../../lib/core/model/config.ts';

/**
 * A tag-mutability configuration from a mode and filter strings (each a `WILDCARD` filter), in the
 * engine's form: the filter list is always present, empty for plain modes.
 *
 * @example
 * ```ts
 * config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*');
 * config('MUTABLE'); // { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] }
 * ```
 */
export function config(mode: Mutability, ...filters: string[]): MutabilityConfig {
  return {
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: filters.map((filter) => ({
      filterType: 'WILDCARD',
      filter,
    })),
  };
}
