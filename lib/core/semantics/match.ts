/**
 * Tag-level semantics (docs/semantics.md): whether a filter matches a tag, and whether a configuration
 * makes a tag immutable.
 *
 * @module
 */
import {
  type ExclusionFilter,
  hasExclusions,
  isImmutableUnder,
  type MutabilityConfig,
} from '../model/config.ts';
import { compileGlob, matchTokens } from './glob.ts';
import { isValidTag } from './tags.ts';

/**
 * True when the whole `tag` matches `filter` read as a glob: `*` matches any run of characters
 * (zero or more under `WILDCARD_MATCHES_EMPTY`), everything else matches itself
 * (case-sensitively under `FILTER_MATCH_IS_CASE_SENSITIVE`).
 */
export function filterMatches(filter: string, tag: string): boolean {
  return matchTokens(compileGlob(filter), tag);
}

/** The first filter of `config` that matches `tag`, or null. Filters of plain modes count too. */
function firstMatchingFilter(config: MutabilityConfig, tag: string): ExclusionFilter | null {
  for (const f of config.imageTagMutabilityExclusionFilters) {
    if (filterMatches(f.filter, tag)) return f;
  }
  return null;
}

/**
 * True when `config` makes `tag` immutable: `IMMUTABLE` every tag, `MUTABLE` none,
 * `IMMUTABLE_WITH_EXCLUSION` the tags matching no filter, `MUTABLE_WITH_EXCLUSION` the tags
 * matching some filter. The tag's validity is not checked; callers that care use `isValidTag`.
 */
export function isTagImmutable(config: MutabilityConfig, tag: string): boolean {
  const mode = config.imageTagMutability;
  // The plain modes ignore their filters, so they are not matched.
  return isImmutableUnder(mode, hasExclusions(mode) && firstMatchingFilter(config, tag) !== null);
}

/** What {@link explainTag} says about one tag. */
export interface TagExplanation {
  /** Whether the configuration makes the tag immutable. */
  readonly immutable: boolean;
  /** The first filter that matches the tag in a `*_WITH_EXCLUSION` mode, else null. */
  readonly decidedBy: ExclusionFilter | null;
  /** One line for humans. */
  readonly reason: string;
}

/**
 * Explains {@link isTagImmutable} for one tag: which filter decided (the first that matches,
 * since matching is an OR and the first is the one a reader finds first) and why.
 */
export function explainTag(config: MutabilityConfig, tag: string): TagExplanation {
  const mode = config.imageTagMutability;
  const note = isValidTag(tag) ? '' : ` (note: "${tag}" is not a valid image tag)`;
  if (!hasExclusions(mode)) {
    const immutable = isImmutableUnder(mode, false);
    return {
      immutable,
      decidedBy: null,
      reason: `imageTagMutability is ${mode}, so every tag is ${immutable ? 'immutable' : 'mutable'}${note}`,
    };
  }
  const decidedBy = firstMatchingFilter(config, tag);
  const immutable = isImmutableUnder(mode, decidedBy !== null);
  const state = immutable ? 'immutable' : 'mutable';
  const reason =
    decidedBy === null
      ? `tag "${tag}" matches no exclusion filter, so under ${mode} it is ${state}${note}`
      : `tag "${tag}" matches exclusion filter "${decidedBy.filter}", so under ${mode} it is ${state}${note}`;
  return { immutable, decidedBy, reason };
}
