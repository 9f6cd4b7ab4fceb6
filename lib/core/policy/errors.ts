/**
 * The one error type of the policy module: every failure to read or validate a policy file,
 * including YAML syntax errors and unreadable files, is a {@link PolicyError}, so that the CLI can
 * print it as plain lines (exit code 2) and never as a stack trace.
 *
 * @module
 */

/** One problem in a policy file. */
export interface PolicyIssue {
  /** The file name as given to the loader. */
  readonly file: string;
  /** 1-based line of the offending node; 0 when the problem has no position (unreadable file). */
  readonly line: number;
  /** 1-based column of the offending node; 0 when {@link PolicyIssue.line} is 0. */
  readonly column: number;
  /** One line, without the position prefix. */
  readonly message: string;
}

/**
 * Formats an issue as `FILE:LINE:COL: message`, or `FILE: message` when it has no position.
 *
 * @param issue - the issue to format.
 * @returns one line of text.
 */
function formatPolicyIssue(issue: PolicyIssue): string {
  return issue.line > 0
    ? `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`
    : `${issue.file}: ${issue.message}`;
}

/**
 * A policy file that cannot be used. `message` holds every issue formatted by
 * {@link formatPolicyIssue}, one per line, in file order.
 */
export class PolicyError extends Error {
  /** Every issue found, in file order; never empty. */
  readonly errors: readonly PolicyIssue[];

  /**
   * @param errors - the issues; at least one.
   * @param options - `cause` when the error wraps a lower-level one (an I/O error, say).
   */
  constructor(errors: readonly PolicyIssue[], options?: { cause?: unknown }) {
    super(errors.map(formatPolicyIssue).join('\n'), options);
    this.name = 'PolicyError';
    this.errors = Object.freeze([...errors]);
  }
}
