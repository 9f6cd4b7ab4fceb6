/**
 * The `ecr-tag-auditor` command line: dispatch, help and the mapping of errors to one line
 * and an exit code (docs/cli.md).
 *
 * @module
 */

import { oneLine } from '../core/model/text.ts';
import { PolicyError } from '../core/policy/errors.ts';
import { StateFileError } from '../io/state/errors.ts';
import { checkPolicyCommand } from './check-policy.ts';
import { explainCommand } from './explain.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';
import { memberTemplateCommand } from './member-template.ts';
import { replayCommand } from './replay/command.ts';
import { VERSION } from './version.ts';

/** A CLI command: runs with its own argv and returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Commands by name. */
export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  replay: {
    run: replayCommand,
    summary: 'replay recorded events and CloudTrail logs through the auditor',
  },
  'check-policy': { run: checkPolicyCommand, summary: 'validate a policy file' },
  explain: {
    run: explainCommand,
    summary: 'explain the rule, expected configuration and a tag’s mutability',
  },
  'member-template': {
    run: memberTemplateCommand,
    summary: 'print the CloudFormation template for the member accounts of an organization',
  },
  scan: {
    // Loaded only for `scan`: the AWS SDK it needs is most of the CLI's start-up otherwise.
    run: async (argv, io) => (await import('./scan.ts')).scanCommand(argv, io),
    summary: 'scan a live registry (default AWS credential chain)',
  },
  remediate: {
    // Loaded only for `remediate`, like `scan`: it needs the AWS SDK.
    run: async (argv, io) => (await import('./remediate.ts')).remediateCommand(argv, io),
    summary: 'plan (and with --apply make) the changes that restore the policy',
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return `Usage: ecr-tag-auditor COMMAND [options]

Audits Amazon ECR image tags: real overwrites, and tag-mutability settings (exclusion
filters included) compared exactly with a policy.

Commands:
${lines.join('\n')}

Run \`ecr-tag-auditor COMMAND --help\` for a command's options.
Options: -h, --help  show this help;  --version  print the version.
`;
}

/** Runs the CLI with `argv` (without the node and script paths); returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // Nothing asked for: a usage error, so the help goes where errors go.
    io.stderr.write(mainHelp());
    return EXIT.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return EXIT.OK;
  }
  if (name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  try {
    if (!command)
      throw new UsageError(
        `unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`,
      );
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof PolicyError) {
    io.stderr.write(`${error.message}\n`);
    return EXIT.USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`ecr-tag-auditor: ${oneLine(error.message)} (see --help)\n`);
    return EXIT.USAGE;
  }
  if (error instanceof StateFileError) {
    io.stderr.write(`ecr-tag-auditor: ${oneLine(error.message)}\n`);
    return EXIT.USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`ecr-tag-auditor: unexpected error: ${oneLine(message)}\n`);
  if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.USAGE;
}
