/** The `--accounts` file of `scan` (lib/io/accounts-file.ts): ids a line, `#` comments. */
import { describe, expect, it } from 'vitest';
import { AccountsFileError, parseAccounts, readAccountsFile } from '../../lib/io/accounts-file.ts';
import { tempDir, write } from '../cli/support.ts';

describe('the accounts file', () => {
  it('reads one id a line, skipping comments, blank lines and spaces, CRLF too', async () => {
    // Prepare
    const file = write(
      tempDir(),
      'accounts.txt',
      '# production\r\n111111111111\r\n\r\n  222222222222   # staging\r\n#333333333333\r\n111111111111\r\n',
    );
    // Act
    const ids = await readAccountsFile(file);
    // Assess
    expect(ids).toEqual(['111111111111', '222222222222', '111111111111']);
  });

  it.each([
    ['an id of 11 digits', '11111111111', 1],
    ['an ARN', '111111111111\narn:aws:iam::111111111111:root', 2],
    ['two ids on a line', '111111111111 222222222222', 1],
  ])('refuses %s, naming the line', (_, text, line) => {
    // Act
    const refused = (() => {
      try {
        return parseAccounts('accounts.txt', text);
      } catch (error) {
        return error;
      }
    })();
    // Assess
    expect(refused).toBeInstanceOf(AccountsFileError);
    expect(refused).toMatchObject({ file: 'accounts.txt', line });
    expect((refused as Error).message).toMatch(
      new RegExp(`^accounts\\.txt:${line}: not a 12-digit`),
    );
  });

  it('refuses a file that cannot be read, with the read error as cause', async () => {
    // Act
    const refused = await readAccountsFile('/nonexistent/accounts.txt').catch((e: unknown) => e);
    // Assess
    expect(refused).toBeInstanceOf(AccountsFileError);
    expect(refused).toMatchObject({ line: undefined, cause: { code: 'ENOENT' } });
  });
});
