/**
 * What the CLI touches of the outside world, passed in so that tests run it in-process.
 *
 * @module
 */

/** Where a command writes and what it knows of its terminal. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes (docs/cli.md). Precedence when several apply: USAGE > INPUT > FINDINGS. */
export const EXIT = {
  OK: 0,
  /** A finding at or above `--fail-on`. */
  FINDINGS: 1,
  /** A usage or policy error. */
  USAGE: 2,
  /** Some input was malformed or unreadable; the rest was processed. */
  INPUT: 3,
} as const;

/** A usage error: bad flags or arguments. Printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True when colour is wanted: a terminal, and no `NO_COLOR` (https://no-color.org). */
export function wantsColour(io: CliIO): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}
