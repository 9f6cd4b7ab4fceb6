/**
 * `ecr-tag-auditor explain`: which rule applies to a repository, what it expects, and for a
 * tag whether it is mutable and which filter decided (docs/cli.md).
 *
 * @module
 */

import { ACCOUNT, REGION, REPOSITORY } from '../core/intake/fields.ts';
import { satisfies } from '../core/intake/satisfies.ts';
import { describeConfig, type MutabilityConfig } from '../core/model/config.ts';
import { REPOSITORY_NAME_MAX_LENGTH } from '../core/model/repository-name.ts';
import { describePolicySource, resolveRepository } from '../core/policy/resolve.ts';
import type { Policy } from '../core/policy/types.ts';
import { compareConfigs } from '../core/semantics/compare.ts';
import { explainTag } from '../core/semantics/match.ts';
import { isValidTag, TAG_GRAMMAR } from '../core/semantics/tags.ts';
import { validateMutabilityConfig } from '../core/semantics/validate.ts';
import { loadPolicy } from '../io/policy/load.ts';
import { parseCommandArgs } from './args.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';

/** Help text of `explain`. */
const EXPLAIN_HELP = `Usage: ecr-tag-auditor explain --policy FILE --repository NAME [--tag TAG]
                              [--account ID] [--region REGION]
                              [--actual-mode MODE [--actual-filter FILTER]...]

Says which policy rule applies to a repository and the configuration it expects. Without
--account, rules that select accounts do not apply (and are named); likewise --region. With --tag,
whether that tag is mutable and which exclusion filter decided. With --actual-mode (and its
filters), compares that actual configuration with the expected one exactly and names the tags
whose mutability differs.

Options:
  --policy FILE            the policy (YAML or JSON); required
  --repository NAME        the repository name, as ECR spells it (checked); required
  --account ID             the repository's 12-digit AWS account id (checked)
  --region REGION          the repository's AWS region, e.g. eu-west-1 (checked)
  --tag TAG                a tag to explain
  --actual-mode MODE       MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION
  --actual-filter FILTER   an exclusion filter of the actual configuration (repeatable)
  -h, --help               show this help

Exit codes: 0 done, 2 usage or policy error.
`;

/** Runs `explain`. */
export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('explain', argv, {
    policy: { type: 'string' },
    repository: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    tag: { type: 'string' },
    'actual-mode': { type: 'string' },
    'actual-filter': { type: 'string', multiple: true },
  });
  if (values.help) {
    io.stdout.write(EXPLAIN_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`explain: unexpected argument "${positionals[0]}"`);
  if (!values.policy) throw new UsageError('explain: --policy FILE is required');
  if (!values.repository) throw new UsageError('explain: --repository NAME is required');
  // Checked as ECR checks it (the intake's rule): `Prod/API` names no repository, and would
  // otherwise be answered with whatever rule its spelling happens to miss.
  if (!satisfies(values.repository, REPOSITORY)) {
    throw new UsageError(
      `explain: --repository "${values.repository}" is not a valid ECR repository name (lower-case letters and digits, with single . _ - or / between them, at most ${REPOSITORY_NAME_MAX_LENGTH} characters)`,
    );
  }
  if (values.account !== undefined && !satisfies(values.account, ACCOUNT)) {
    throw new UsageError(
      `explain: --account "${values.account}" is not ${ACCOUNT.what} (12 digits)`,
    );
  }
  if (values.region !== undefined && !satisfies(values.region, REGION)) {
    throw new UsageError(
      `explain: --region "${values.region}" is not ${REGION.what} (such as eu-west-1 or us-gov-west-1)`,
    );
  }
  if (values.tag !== undefined && !isValidTag(values.tag)) {
    throw new UsageError(
      `explain: --tag "${values.tag}" is not a valid image tag (${TAG_GRAMMAR})`,
    );
  }
  const actual =
    values['actual-mode'] === undefined
      ? null
      : actualConfig(values['actual-mode'], values['actual-filter'] ?? []);
  if (actual === null && values['actual-filter'])
    throw new UsageError('explain: --actual-filter needs --actual-mode');

  const policy = await loadPolicy(values.policy);
  const account = values.account ?? null;
  const region = values.region ?? null;
  const out: string[] = [
    `Repository: ${values.repository}`,
    ...scopeLines(policy, 'account', account),
    ...scopeLines(policy, 'region', region),
  ];
  const resolved = resolveRepository(policy, { account, region, repository: values.repository });
  if (resolved.ignored) {
    out.push(`Ignored by the policy (pattern "${resolved.by}"): never audited.`);
    io.stdout.write(`${out.join('\n')}\n`);
    return EXIT.OK;
  }
  const expected = resolved.config;
  out.push(
    `Rule: ${describePolicySource(policy, resolved.rule)}`,
    `Expected: ${describeConfig(expected)}`,
  );
  if (values.tag !== undefined)
    out.push(`Tag ${values.tag} (expected): ${tagLine(expected, values.tag)}`);
  if (actual) {
    out.push(`Actual: ${describeConfig(actual)}`);
    if (values.tag !== undefined)
      out.push(`Tag ${values.tag} (actual): ${tagLine(actual, values.tag)}`);
    const known = values.tag === undefined ? [] : [values.tag];
    const { direction, witnesses } = compareConfigs(expected, actual, { knownTags: known });
    out.push(
      `Comparison: ${direction}${witnesses.length > 0 ? `; mutability differs for: ${witnesses.join(', ')}` : ''}`,
    );
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return EXIT.OK;
}

/**
 * The `Account:` (`Region:`) line: the value given, or, when it is absent and some rule selects
 * by it, what explain assumes — that those rules do not apply — naming them.
 */
function scopeLines(policy: Policy, what: 'account' | 'region', value: string | null): string[] {
  const label = what === 'account' ? 'Account' : 'Region';
  if (value !== null) return [`${label}: ${value}`];
  const key = what === 'account' ? 'accounts' : 'regions';
  const selecting = policy.rules.filter((rule) => rule[key] !== undefined);
  if (selecting.length === 0) return [];
  const names = selecting.map((rule) => describePolicySource(policy, rule)).join(', ');
  return [`${label}: not given (--${what}); rules that select ${key} do not apply: ${names}`];
}

function tagLine(config: MutabilityConfig, tag: string): string {
  const { immutable, reason } = explainTag(config, tag);
  return `${immutable ? 'immutable' : 'mutable'} — ${reason}`;
}

function actualConfig(mode: string, filters: string[]): MutabilityConfig {
  const input =
    filters.length > 0
      ? { imageTagMutability: mode, imageTagMutabilityExclusionFilters: filters }
      : { imageTagMutability: mode };
  const result = validateMutabilityConfig(input);
  if (!result.ok) {
    throw new UsageError(
      `explain: the actual configuration is not valid for ECR: ${result.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return result.config;
}
