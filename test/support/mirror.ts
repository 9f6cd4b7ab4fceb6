/**
 * A temporary mirror of the repository for tests that build or package: symbolic links to every
 * top-level entry, so that the build writes its own dist/ (other test files build in the
 * repository at the same time) and a test may swap a file without touching the repository's.
 */
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, as a path. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the build or the packager writes, or git's own: never shared with a mirror. */
const NOT_MIRRORED = new Set(['dist', '.git', '.serverless']);

/** How a mirror differs from a plain set of links. */
export interface MirrorOptions {
  /** Top-level files copied rather than linked (a tool that resolves links would escape). */
  readonly copy?: readonly string[];
  /** Top-level files written with this content instead of the repository's. */
  readonly write?: Readonly<Record<string, string>>;
}

/**
 * Creates `dir` as a mirror of the repository (all but dist/, .git and .serverless linked);
 * returns `dir`.
 *
 * @example
 * ```ts
 * const repo = mirrorRepository(join(work, 'invalid'), { write: { 'policy.yml': 'version: 2' } });
 * await execFileAsync(process.execPath, ['scripts/build.mjs'], { cwd: repo });
 * ```
 */
export function mirrorRepository(dir: string, options: MirrorOptions = {}): string {
  const written = options.write ?? {};
  mkdirSync(dir);
  for (const entry of readdirSync(ROOT)) {
    if (NOT_MIRRORED.has(entry) || entry in written) continue;
    if (options.copy?.includes(entry)) copyFileSync(join(ROOT, entry), join(dir, entry));
    else symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  for (const [name, content] of Object.entries(written)) writeFileSync(join(dir, name), content);
  return dir;
}
