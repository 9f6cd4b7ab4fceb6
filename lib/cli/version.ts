/**
 * The program's version, set at build time: what `--version` prints and the OCSF output names
 * as its product's version.
 *
 * @module
 */

/** The version the build defines (package.json); absent when run from the sources. */
declare const __VERSION__: string | undefined;

/**
 * The version, `dev` when run from the sources (tests).
 *
 * @example
 * ```ts
 * io.stdout.write(`${VERSION}\n`);
 * ```
 */
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
