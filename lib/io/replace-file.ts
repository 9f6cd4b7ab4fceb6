/**
 * Replacing a file atomically and safely: the new content goes to a temporary file created
 * exclusively beside it, which is then renamed over it.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A fresh temporary name beside `file`. Random, so that nobody can plant a symlink there in
 * advance (a name built from the pid can be guessed).
 */
function temporaryBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Replaces `file` with `content`: a reader sees the old file or the new one, never a part, and a
 * crash leaves the old one. The temporary file is created with `wx` (O_CREAT|O_EXCL), which
 * fails on anything already at its name — a symlink included, which is never followed — and it
 * is in `file`'s directory, so the rename stays on one file system. Throws the file system's error;
 * the temporary file is removed when anything fails after it was created.
 *
 * @example
 * ```ts
 * await replaceFile('state.json', `${JSON.stringify(document)}\n`);
 * ```
 */
export async function replaceFile(file: string, content: string): Promise<void> {
  const temporary = temporaryBeside(file);
  const handle = await open(temporary, 'wx');
  try {
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
