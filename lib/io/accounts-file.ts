/**
 * The `--accounts` file of `scan`: the accounts to scan, one 12-digit id a line; `#` starts a
 * comment (a whole line, or after the id), blank lines are skipped (docs/cli.md#scanning-several-accounts).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';

/**
 * The accounts file could not be read, or a line of it is not an account id (`line` says which,
 * from 1; undefined when the file could not be read).
 *
 * @example
 * ```ts
 * throw new AccountsFileError('accounts.txt', 'line 3: not a 12-digit account id: "1234"', 3);
 * ```
 */
export class AccountsFileError extends Error {
  override readonly name = 'AccountsFileError';
  /** The file. */
  readonly file: string;
  /** The bad line, from 1. */
  readonly line: number | undefined;

  /**
   * @param file - the file.
   * @param reason - what is wrong.
   * @param line - the bad line, from 1, if any.
   * @param options - `cause`: the read error, if any.
   */
  constructor(file: string, reason: string, line?: number, options?: ErrorOptions) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`, options);
    this.file = file;
    this.line = line;
  }
}

/**
 * The account ids of an accounts file's text, in file order (repeats kept: the planner drops
 * them). Throws {@link AccountsFileError} at the first line that is not an id.
 *
 * @example
 * ```ts
 * parseAccounts('accounts.txt', '# prod\n111111111111\n222222222222  # staging\n');
 * // ['111111111111', '222222222222']
 * ```
 */
export function parseAccounts(file: string, text: string): string[] {
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (!/^\d{12}$/.test(line)) {
      throw new AccountsFileError(
        file,
        `not a 12-digit account id: "${line.slice(0, 40)}"`,
        index + 1,
      );
    }
    ids.push(line);
  });
  return ids;
}

/**
 * Reads and parses an accounts file; see {@link parseAccounts}.
 *
 * @example
 * ```ts
 * const accounts = await readAccountsFile('accounts.txt');
 * ```
 */
export async function readAccountsFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AccountsFileError(file, `cannot read: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  return parseAccounts(file, text);
}
