/**
 * The bounds on what the event reader holds at once (docs/intake.md, "Bounds"): a line, and a
 * document spanning lines, are held whole to be parsed, so each has a size past which it is
 * reported instead; a line past a further bound ends the reading of its input, so that an endless
 * line (`/dev/zero`, a gzip bomb) cannot keep the reader busy forever.
 *
 * @module
 */

/**
 * The default bounds: a line or a document spanning lines may hold 16 MiB; a line still not
 * ended after four times that (64 MiB) ends its input.
 *
 * @example
 * ```ts
 * splitLines(texts, INPUT_LIMITS.maxLineBytes);
 * ```
 */
export const INPUT_LIMITS = {
  /** A line, or a document spanning lines, longer than this (UTF-8 bytes) is malformed. */
  maxLineBytes: 16 * 2 ** 20,
  /** A line still not ended after this many times `maxLineBytes` ends the reading of its input. */
  endlessLineFactor: 4,
} as const;

/**
 * A size as the reasons spell it: `16 MiB`, `4 KiB`, `100 bytes`.
 *
 * @example
 * ```ts
 * formatBytes(16 * 2 ** 20); // '16 MiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
