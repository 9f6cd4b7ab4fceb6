/**
 * `ecr-tag-auditor check-policy FILE`: validates a policy file (docs/policy.md).
 *
 * @module
 */
import { describeConfig } from '../core/model/config.ts';
import { loadPolicy } from '../io/policy/load.ts';
import { parseCommandArgs } from './args.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';

/** Help text of `check-policy`. */
const CHECK_POLICY_HELP = `Usage: ecr-tag-auditor check-policy [--json] FILE

Validates a policy file (YAML or JSON) exactly as ECR validates each configuration.
Prints a summary when the policy is valid; otherwise one FILE:LINE:COL: message line
per error on stderr.

Options:
      --json  print the validated policy as JSON instead of the summary (the form
              the Lambda bundles inline at build time: defaults filled in, globs
              and filters as written)
  -h, --help  show this help

Exit codes: 0 valid, 2 invalid or unreadable.
`;

/** Runs `check-policy`. */
export async function checkPolicyCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('check-policy', argv, {
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(CHECK_POLICY_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('check-policy: give exactly one policy FILE');
  const policy = await loadPolicy(positionals[0] as string);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(policy)}\n`);
    return EXIT.OK;
  }
  io.stdout.write(
    `${policy.file}: valid: default ${describeConfig(policy.default)}, ${policy.rules.length} rule(s), ${policy.ignore.length} ignore pattern(s)\n`,
  );
  return EXIT.OK;
}
