/**
 * The bounds a policy file is read within (docs/policy.md): the file is untrusted input.
 *
 * @module
 */

/**
 * Limits that keep a hostile or broken policy file from exhausting memory, stack or time.
 *
 * @example
 * ```ts
 * if (bytes.length > POLICY_LIMITS.maxBytes) refuse();
 * ```
 */
export const POLICY_LIMITS = {
  /** Largest policy file read, in bytes (a real policy is a few KiB). */
  maxBytes: 1024 * 1024,
  /**
   * Most nodes that all aliases of a document may expand to, in all (an alias to a 5-filter list
   * counts 6). Bounds the billion-laughs kind of alias bomb; a real policy stays far below.
   */
  maxAliasExpansion: 10_000,
  /** Deepest nesting of collections accepted; a policy needs 5, the parser recurses per level. */
  maxDepth: 64,
  /** Most issues reported for one file; the rest are summarized in one last line. */
  maxIssues: 100,
} as const;
