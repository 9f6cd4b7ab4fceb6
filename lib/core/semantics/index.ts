/**
 * The pure semantics of ECR tag mutability: valid tags, configuration validation, filter
 * matching and exact comparison of configurations.
 *
 * @module
 */
export type { Direction } from '../model/findings.ts';
export { type CompareOptions, type Comparison, compareConfigs, configKey } from './compare.ts';
export { explainTag, filterMatches, isTagImmutable, type TagExplanation } from './match.ts';
export {
  isTagFirstChar,
  isValidTag,
  TAG_CHARS,
  TAG_GRAMMAR,
  TAG_MAX_LENGTH,
  TAG_PATTERN,
} from './tags.ts';
export {
  type ConfigIssue,
  type ConfigValidation,
  normalizeRepositoryConfig,
  validateMutabilityConfig,
} from './validate.ts';
