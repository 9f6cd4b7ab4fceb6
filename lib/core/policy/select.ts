/**
 * Rule selectors (docs/policy.md): a rule applies when every selector it has — `repositories`,
 * `accounts`, `regions` — matches. Compiled once per rule, so that resolving costs only the tests.
 *
 * @module
 */
import { compileRepositoryGlob } from './glob.ts';
import type { PolicyRule } from './types.ts';

/**
 * Whether a rule applies to a repository. `account` or `region` null: not known, so an `accounts`
 * (`regions`) selector does not match. `name` null: no repository name stands for the subject (the
 * `ROOT` creation template), so a `repositories` selector does not match.
 */
export type RuleSelector = (
  account: string | null,
  region: string | null,
  name: string | null,
) => boolean;

/**
 * Compiles the selectors of a rule into one predicate. A rule without any selector (the loader
 * refuses one) would match everything.
 *
 * @param rule - a rule of a policy.
 * @returns true when every selector the rule has matches.
 *
 * @example
 * ```ts
 * const applies = compileRuleSelector({ accounts: ['111111111111'], repositories: ['prod/*'], … });
 * applies('111111111111', 'eu-west-1', 'prod/api'); // true
 * applies('222222222222', 'eu-west-1', 'prod/api'); // false: the account does not match
 * applies(null, 'eu-west-1', 'prod/api'); // false: the account is not known
 * ```
 */
export function compileRuleSelector(rule: PolicyRule): RuleSelector {
  const globs = rule.repositories?.map(compileRepositoryGlob);
  const accounts = rule.accounts === undefined ? undefined : new Set(rule.accounts);
  const regions = rule.regions === undefined ? undefined : new Set(rule.regions);
  return (account, region, name) =>
    (accounts === undefined || (account !== null && accounts.has(account))) &&
    (regions === undefined || (region !== null && regions.has(region))) &&
    (globs === undefined || (name !== null && globs.some((matches) => matches(name))));
}
