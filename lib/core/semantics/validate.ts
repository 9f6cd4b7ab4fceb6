/**
 * Validation of tag-mutability configurations: strict, as ECR validates a request (docs/semantics.md,
 * plus unknown keys), for configurations people write; lenient for configurations AWS
 * reported itself.
 *
 * @module
 */

import { ABSENT_FILTER_LIST_IS_EMPTY, DEFAULT_MUTABILITY } from '../model/assumptions.ts';
import {
  CONFIG_KEYS,
  type ExclusionFilter,
  FILTER_KEYS,
  FILTER_LIMITS,
  FILTERS_KEY,
  hasExclusions,
  MODE_KEY,
  MUTABILITY_MODES,
  type Mutability,
  type MutabilityConfig,
} from '../model/config.ts';
import { isRecord } from '../model/json.ts';

/**
 * One problem in a configuration. `path` leads from the validated object to the offending
 * value (`['imageTagMutabilityExclusionFilters', 2, 'filter']`), so that a loader can turn it
 * into a file position. For a missing key the path names that key; the loader then points at
 * the deepest part of the path that exists.
 */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** The result of {@link validateMutabilityConfig}. */
export type ConfigValidation =
  | { ok: true; config: MutabilityConfig }
  | { ok: false; issues: ConfigIssue[] };

const MODES_TEXT = MUTABILITY_MODES.join(', ');

/** A short rendering of a wrong value for messages; never dumps a whole object. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isMutability(value: unknown): value is Mutability {
  return typeof value === 'string' && (MUTABILITY_MODES as readonly string[]).includes(value);
}

/** Issues of one filter value; several at once so that one round of fixes is enough. */
function filterValueIssues(filter: string): string[] {
  const messages: string[] = [];
  if (filter.length === 0) {
    messages.push('filter must not be empty');
  } else if (filter.length > FILTER_LIMITS.maxLength) {
    messages.push(
      `filter is ${filter.length} characters long; ECR allows at most ${FILTER_LIMITS.maxLength}`,
    );
  }
  const bad = [...new Set([...filter].filter((ch) => !FILTER_LIMITS.char.test(ch)))];
  if (bad.length > 0) {
    const listed = bad.map((ch) => JSON.stringify(ch)).join(', ');
    messages.push(
      `filter ${JSON.stringify(filter)} contains ${listed}; ECR allows only letters, digits, ".", "_", "-" and "*"`,
    );
  }
  const stars = filter.split('*').length - 1;
  if (stars > FILTER_LIMITS.maxWildcards) {
    messages.push(
      `filter ${JSON.stringify(filter)} has ${stars} wildcards; ECR allows at most ${FILTER_LIMITS.maxWildcards}`,
    );
  }
  if (messages.length === 0 && !FILTER_LIMITS.pattern.test(filter)) {
    messages.push(
      `filter ${JSON.stringify(filter)} does not match ${FILTER_LIMITS.pattern.source}`,
    );
  }
  return messages;
}

/** Validates one list entry; pushes its issues and returns the normalized filter when sound. */
function validateFilterEntry(
  entry: unknown,
  path: (string | number)[],
  issues: ConfigIssue[],
): ExclusionFilter | null {
  const before = issues.length;
  let value: string | null = null;
  let valuePath = path;
  if (typeof entry === 'string') {
    value = entry;
  } else if (isRecord(entry)) {
    for (const key of Object.keys(entry)) {
      if (!(FILTER_KEYS as readonly string[]).includes(key)) {
        issues.push({ path: [...path, key], message: `unknown key "${key}"` });
      }
    }
    if (entry.filterType === undefined) {
      issues.push({
        path: [...path, 'filterType'],
        message: 'filterType is required; ECR\'s only filter type is "WILDCARD"',
      });
    } else if (entry.filterType !== 'WILDCARD') {
      issues.push({
        path: [...path, 'filterType'],
        message: `filterType must be "WILDCARD"; got ${describe(entry.filterType)}`,
      });
    }
    valuePath = [...path, 'filter'];
    if (entry.filter === undefined) {
      issues.push({ path: valuePath, message: 'filter is required' });
    } else if (typeof entry.filter !== 'string') {
      issues.push({
        path: valuePath,
        message: `filter must be a string; got ${describe(entry.filter)}`,
      });
    } else {
      value = entry.filter;
    }
  } else {
    issues.push({
      path,
      message: `a filter must be a string or an object {filterType: "WILDCARD", filter}; got ${describe(entry)}`,
    });
  }
  if (value !== null) {
    for (const message of filterValueIssues(value)) issues.push({ path: valuePath, message });
  }
  return value !== null && issues.length === before
    ? { filterType: 'WILDCARD', filter: value }
    : null;
}

/**
 * Validates a configuration someone wrote (a policy file) exactly as ECR would validate the
 * request, plus unknown keys, and reports every issue rather than the first. Filters may be
 * written as strings; the result spells each as `{filterType: 'WILDCARD', filter}`.
 * A plain mode accepts an absent, null or empty filter list: all three mean "no filters".
 */
export function validateMutabilityConfig(input: unknown): ConfigValidation {
  if (!isRecord(input)) {
    return {
      ok: false,
      issues: [
        {
          path: [],
          message: `expected an object with ${MODE_KEY} and, for the *_WITH_EXCLUSION modes, ${FILTERS_KEY}; got ${describe(input)}`,
        },
      ],
    };
  }
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(input)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key))
      issues.push({ path: [key], message: `unknown key "${key}"` });
  }

  const mode = input[MODE_KEY];
  if (mode === undefined) {
    issues.push({ path: [MODE_KEY], message: `${MODE_KEY} is required; one of ${MODES_TEXT}` });
  } else if (!isMutability(mode)) {
    issues.push({
      path: [MODE_KEY],
      message: `${MODE_KEY} must be one of ${MODES_TEXT}; got ${describe(mode)}`,
    });
  }
  const knownMode = isMutability(mode) ? mode : null;

  const list = input[FILTERS_KEY];
  const filters: ExclusionFilter[] = [];
  if (list === undefined || list === null) {
    if (knownMode !== null && hasExclusions(knownMode)) {
      issues.push({
        path: [FILTERS_KEY],
        message: `ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as ${knownMode}`,
      });
    }
  } else if (!Array.isArray(list)) {
    issues.push({
      path: [FILTERS_KEY],
      message: `${FILTERS_KEY} must be a list; got ${describe(list)}`,
    });
  } else {
    if (knownMode !== null && !hasExclusions(knownMode) && list.length > 0) {
      issues.push({
        path: [FILTERS_KEY],
        message: `${FILTERS_KEY} is only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not with ${knownMode}`,
      });
    } else if (
      knownMode !== null &&
      hasExclusions(knownMode) &&
      list.length < FILTER_LIMITS.minFilters
    ) {
      issues.push({
        path: [FILTERS_KEY],
        message: `${FILTERS_KEY} has no filters; ECR requires ${FILTER_LIMITS.minFilters} to ${FILTER_LIMITS.maxFilters} when imageTagMutability is ${knownMode}`,
      });
    }
    if (list.length > FILTER_LIMITS.maxFilters) {
      issues.push({
        path: [FILTERS_KEY],
        message: `${FILTERS_KEY} has ${list.length} filters; ECR allows at most ${FILTER_LIMITS.maxFilters}`,
      });
    }
    list.forEach((entry: unknown, i) => {
      const filter = validateFilterEntry(entry, [FILTERS_KEY, i], issues);
      if (filter !== null) filters.push(filter);
    });
  }

  if (issues.length > 0 || knownMode === null) return { ok: false, issues };
  return {
    ok: true,
    config: {
      imageTagMutability: knownMode,
      imageTagMutabilityExclusionFilters: hasExclusions(knownMode) ? filters : [],
    },
  };
}

/**
 * Reads a configuration that AWS reported (a CreateRepository response, a DescribeRepositories
 * entry, a creation template) leniently: an absent mode is `DEFAULT_MUTABILITY`, an absent
 * list follows `ABSENT_FILTER_LIST_IS_EMPTY`, and filter values are taken as they are, because
 * AWS already accepted them. Only values of the wrong type, an unknown mode or an unknown
 * filter type are errors (returned as a message), because their meaning is unknown.
 * Filters reported with a plain mode are dropped: they have no effect there.
 */
export function normalizeRepositoryConfig(obj: {
  imageTagMutability?: unknown;
  imageTagMutabilityExclusionFilters?: unknown;
}): MutabilityConfig | string {
  const rawMode = obj.imageTagMutability;
  let mode: Mutability;
  if (rawMode === undefined || rawMode === null) {
    mode = DEFAULT_MUTABILITY;
  } else if (isMutability(rawMode)) {
    mode = rawMode;
  } else {
    return `${MODE_KEY} must be one of ${MODES_TEXT}; got ${describe(rawMode)}`;
  }
  const list = obj.imageTagMutabilityExclusionFilters;
  if (list === undefined || list === null) {
    if (hasExclusions(mode) && !ABSENT_FILTER_LIST_IS_EMPTY) {
      return `${FILTERS_KEY} is missing with imageTagMutability ${mode}`;
    }
    return { imageTagMutability: mode, imageTagMutabilityExclusionFilters: [] };
  }
  if (!Array.isArray(list)) return `${FILTERS_KEY} must be a list; got ${describe(list)}`;
  const filters: ExclusionFilter[] = [];
  for (const [i, entry] of list.entries()) {
    if (typeof entry === 'string') {
      filters.push({ filterType: 'WILDCARD', filter: entry });
    } else if (isRecord(entry) && typeof entry.filter === 'string') {
      if (entry.filterType !== undefined && entry.filterType !== 'WILDCARD') {
        return `${FILTERS_KEY}[${i}].filterType must be "WILDCARD"; got ${describe(entry.filterType)}`;
      }
      filters.push({ filterType: 'WILDCARD', filter: entry.filter });
    } else {
      return `${FILTERS_KEY}[${i}] must be {filterType: "WILDCARD", filter: string}; got ${describe(entry)}`;
    }
  }
  // What ECR itself would refuse cannot have come from ECR: reject it rather than judge it.
  if (filters.length > FILTER_LIMITS.maxFilters) {
    return `${FILTERS_KEY} has ${filters.length} filters; ECR allows at most ${FILTER_LIMITS.maxFilters}`;
  }
  for (const [i, { filter }] of filters.entries()) {
    if (!FILTER_LIMITS.pattern.test(filter) || wildcards(filter) > FILTER_LIMITS.maxWildcards) {
      return `${FILTERS_KEY}[${i}].filter ${describe(filter)} is not a filter ECR accepts`;
    }
  }
  return {
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: hasExclusions(mode) ? filters : [],
  };
}

function wildcards(filter: string): number {
  return filter.split('*').length - 1;
}
