/**
 * The files of a directory input: every regular file below it, recursively, sorted by path.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A file found, or a directory that could not be listed (with the reason). */
export interface Listed {
  readonly path: string;
  readonly error?: unknown;
}

/**
 * Regular files below `dir`, sorted by path (UTF-16 code units, so independent of locale). A
 * symbolic link to a file is listed; one to a directory is not followed, to avoid cycles.
 *
 * @example
 * ```ts
 * for (const entry of await listFiles('events/')) read(entry.path);
 * ```
 */
export async function listFiles(dir: string): Promise<Listed[]> {
  const found: Listed[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    try {
      for (const entry of await readdir(current, { withFileTypes: true })) {
        const path = join(current, entry.name);
        if (entry.isDirectory()) pending.push(path);
        else if (entry.isFile() || (entry.isSymbolicLink() && (await isFileTarget(path)))) {
          found.push({ path });
        }
      }
    } catch (error) {
      found.push({ path: current, error });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function isFileTarget(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    // A dangling link is listed as a file, so that opening it reports the reason.
    return true;
  }
}
