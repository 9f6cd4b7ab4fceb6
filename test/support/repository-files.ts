/**
 * The files of the repository, for tests that check the repository itself. With git, the files it
 * tracks plus the new ones it does not ignore (so a file not yet added is checked too); without
 * git (an unpacked archive), every file below the root but the installed and built folders.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders that hold what was installed or built, never the project's own files. */
const NOT_OURS = new Set(['node_modules', 'dist', '.git', 'coverage', '.serverless', '.bench-tmp']);

function viaGit(root: string): string[] | undefined {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return out.split('\0').filter((path) => path !== '');
  } catch {
    return undefined;
  }
}

function walk(root: string, dir: string, found: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_OURS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, path, found);
    else if (entry.isFile()) found.push(relative(root, path).split(sep).join('/'));
  }
  return found;
}

/**
 * The repository's files as `/`-separated paths relative to `root`: regular files only (a
 * symlinked node_modules is not one), nothing under {@link NOT_OURS}.
 *
 * @example
 * ```ts
 * const files = repositoryFiles(new URL('../../', import.meta.url));
 * // ['README.md', 'lib/cli/main.ts', …]
 * ```
 */
export function repositoryFiles(root: URL): string[] {
  const dir = fileURLToPath(root);
  const listed = viaGit(dir) ?? walk(dir, dir, []);
  return listed.filter(
    (path) =>
      !path.split('/').some((part) => NOT_OURS.has(part)) &&
      lstatSync(join(dir, path), { throwIfNoEntry: false })?.isFile() === true,
  );
}
