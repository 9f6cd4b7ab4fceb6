/**
 * The shape of an ECR tag-mutability configuration, as the ECR API spells it
 * (`botocore/data/ecr/2015-09-21/service-2.json`).
 *
 * @module
 */

/** The four values of `imageTagMutability`. */
export const MUTABILITY_MODES = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
] as const;

/** One value of `imageTagMutability`. */
export type Mutability = (typeof MUTABILITY_MODES)[number];

/** One entry of `imageTagMutabilityExclusionFilters`. `WILDCARD` is the only filter type. */
export interface ExclusionFilter {
  readonly filterType: 'WILDCARD';
  readonly filter: string;
}

/** A repository's (or creation template's) tag-mutability settings. */
export interface MutabilityConfig {
  readonly imageTagMutability: Mutability;
  /** Empty for the plain modes; 1–5 entries for the `*_WITH_EXCLUSION` modes. */
  readonly imageTagMutabilityExclusionFilters: readonly ExclusionFilter[];
}

/**
 * The key of the mode in a configuration object, as ECR, CloudTrail and the policy spell it.
 *
 * @example
 * ```ts
 * input[MODE_KEY]; // input.imageTagMutability
 * ```
 */
export const MODE_KEY = 'imageTagMutability' satisfies keyof MutabilityConfig;

/**
 * The key of the exclusion filter list in a configuration object.
 *
 * @example
 * ```ts
 * input[FILTERS_KEY]; // input.imageTagMutabilityExclusionFilters
 * ```
 */
export const FILTERS_KEY = 'imageTagMutabilityExclusionFilters' satisfies keyof MutabilityConfig;

/**
 * Every key of a configuration object; any other key is unknown.
 *
 * @example
 * ```ts
 * Object.keys(input).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
 * ```
 */
export const CONFIG_KEYS = [MODE_KEY, FILTERS_KEY] as const;

/**
 * Every key of an exclusion filter object.
 *
 * @example
 * ```ts
 * const [typeKey, valueKey] = FILTER_KEYS; // 'filterType', 'filter'
 * ```
 */
export const FILTER_KEYS = [
  'filterType',
  'filter',
] as const satisfies readonly (keyof ExclusionFilter)[];

/** Characters of a filter value, as a regular-expression class body (service model). */
const FILTER_CLASS = '0-9a-zA-Z._*-';

/** The longest filter value (service model). */
const FILTER_MAX_LENGTH = 128;

/** ECR's limits on exclusion filters (service model, Terraform provider docs). */
export const FILTER_LIMITS = {
  /** Minimum number of filters in a `*_WITH_EXCLUSION` mode. */
  minFilters: 1,
  /** Maximum number of filters. */
  maxFilters: 5,
  /** Maximum number of `*` in one filter. */
  maxWildcards: 2,
  /** Maximum length of one filter value. */
  maxLength: FILTER_MAX_LENGTH,
  /** Pattern of one filter value: the authority, whatever the other limits say. */
  pattern: new RegExp(`^[${FILTER_CLASS}]{1,${FILTER_MAX_LENGTH}}$`),
  /** Pattern of one character of a filter value, for naming the offending ones. */
  char: new RegExp(`^[${FILTER_CLASS}]$`),
} as const;

/** True for the two modes that require an exclusion filter list. */
export function hasExclusions(mode: Mutability): boolean {
  return mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION';
}

/**
 * What `mode` makes of a tag, given whether one of the configuration's exclusion filters matches
 * it (docs/semantics.md): `IMMUTABLE` every tag immutable, `MUTABLE` none,
 * `IMMUTABLE_WITH_EXCLUSION` the tags matching no filter, `MUTABLE_WITH_EXCLUSION` the tags
 * matching some filter. The one definition of the four modes' meaning.
 *
 * @example
 * ```ts
 * isImmutableUnder('IMMUTABLE_WITH_EXCLUSION', true); // false: an excluded tag stays mutable
 * isImmutableUnder('MUTABLE', true); // false: plain modes ignore their filters
 * ```
 */
export function isImmutableUnder(mode: Mutability, matched: boolean): boolean {
  switch (mode) {
    case 'IMMUTABLE':
      return true;
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !matched;
    case 'MUTABLE_WITH_EXCLUSION':
      return matched;
  }
}

/** One line for people: `IMMUTABLE_WITH_EXCLUSION [dev-*, sha256-*]`, or the bare mode. */
export function describeConfig(config: MutabilityConfig): string {
  const filters = config.imageTagMutabilityExclusionFilters.map((f) => f.filter);
  return filters.length === 0
    ? config.imageTagMutability
    : `${config.imageTagMutability} [${filters.join(', ')}]`;
}
