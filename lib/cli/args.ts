/**
 * Flag parsing for the CLI commands, on `node:util` `parseArgs`, turning its errors into
 * one-line usage errors.
 *
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io.ts';

/** Options of one command, as `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` for `command`; `--help`/`-h` is added to every command. */
export function parseCommandArgs<O extends CommandOptions>(
  command: string,
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${command}: ${parseArgsReason(error as NodeJS.ErrnoException)}`, {
      cause: error,
    });
  }
}

/**
 * One line from a `parseArgs` error. Its message for an unknown option goes on about positional
 * arguments (with unbalanced quotes); the one for an ambiguous value spans three lines, the last
 * of which holds the fix (`--tag=-XYZ`), so its lines are joined rather than cut.
 */
function parseArgsReason(error: NodeJS.ErrnoException): string {
  const unknown = /^Unknown option '([^']*)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    return `unknown option ${unknown[1]}`;
  }
  return error.message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** The value of a one-of flag, or a usage error listing the allowed values. */
export function oneOf<T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const upper = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (upper === undefined) {
    throw new UsageError(
      `${command}: --${flag} must be one of ${allowed.join(', ')} (got "${value}")`,
    );
  }
  return upper;
}
