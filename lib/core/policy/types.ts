/**
 * The loaded policy (docs/policy.md): the desired tag-mutability state of every repository and
 * creation template.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';

/**
 * One entry of the policy's `rules` list. A rule has at least one selector (`repositories`,
 * `accounts`, `regions`) and applies when every selector it has matches.
 */
export interface PolicyRule {
  /** The repository globs of the rule, as written; the selector matches when any glob does. */
  readonly repositories?: readonly string[];
  /** 12-digit AWS account ids; the selector matches a repository of any of them. */
  readonly accounts?: readonly string[];
  /** AWS region names such as `eu-west-1`; the selector matches a repository in any of them. */
  readonly regions?: readonly string[];
  /** The configuration the rule expects, validated as ECR validates it. */
  readonly config: MutabilityConfig;
  /** 0-based position in {@link Policy.rules} (so `policy.rules[rule.index] === rule`). */
  readonly index: number;
  /** 1-based line of the policy file where the rule starts, for messages. */
  readonly line: number;
  /**
   * `remediate: true`: the `api-call` function restores the repositories this rule selects when
   * a CloudTrail event shows one loosened (docs/remediation.md#automatic). Present only when true.
   */
  readonly remediate?: true;
}

/**
 * A validated policy. Loaded policies are deeply frozen: the resolvers cache compiled globs and
 * results per policy object, which is only sound while the policy does not change.
 */
export interface Policy {
  /** The file name the policy was loaded from, as given; used in messages. */
  readonly file: string;
  /** The configuration of every repository that no rule matches. */
  readonly default: MutabilityConfig;
  /** The rules in file order; the first rule whose selectors all match wins. */
  readonly rules: readonly PolicyRule[];
  /** Globs of repositories that are never audited; checked before the rules. */
  readonly ignore: readonly string[];
}

/** What the policy says about one repository (or creation template). */
export type PolicyResolution =
  | {
      readonly ignored: true;
      /** The `ignore` glob that matched. */
      readonly by: string;
    }
  | {
      readonly ignored: false;
      /** The expected configuration. */
      readonly config: MutabilityConfig;
      /** The rule that gave it; null when it is the policy's `default`. */
      readonly rule: PolicyRule | null;
    };

/**
 * What a repository is resolved by: its account, region and name; a `RepositoryRef`
 * (lib/core/model/refs.ts) is one. An unknown account or region (explain without `--account`) is
 * null, and no `accounts` (`regions`) selector matches it.
 */
export interface RepositoryQuery {
  readonly account: string | null;
  readonly region: string | null;
  readonly repository: string;
}

/** What a creation template is resolved by; a `TemplateRef` is one. */
export interface TemplateQuery {
  readonly account: string | null;
  readonly region: string | null;
  readonly templatePrefix: string;
}
