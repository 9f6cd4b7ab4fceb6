/**
 * The issue collector of a policy file: every problem found is recorded at its `FILE:LINE:COL`,
 * and all of them are thrown together as one {@link PolicyError} (docs/policy.md).
 *
 * @module
 */
import { PolicyError, type PolicyIssue } from './errors.ts';
import { POLICY_LIMITS } from './limits.ts';
import { oneLine } from './message-text.ts';

/** Turns a source offset into a 1-based line and column (the parser's line counter). */
export type LinePosition = (offset: number) => { readonly line: number; readonly col: number };

/**
 * Builds issues for one file and turns them into the final {@link PolicyError}.
 *
 * @example
 * ```ts
 * const issues = new PolicyIssues('policy.yml', (offset) => lines.linePos(offset));
 * issues.at(12, 'version must be 1, found the number 2');
 * issues.throwIfAny(); // throws PolicyError: policy.yml:2:10: version must be 1, …
 * ```
 */
export class PolicyIssues {
  readonly list: PolicyIssue[] = [];

  private readonly file: string;
  private readonly position: LinePosition | null;

  /**
   * @param file - the name used in messages.
   * @param position - where an offset is; null before the text is parsed (every issue is then
   *   at 1:1).
   */
  constructor(file: string, position: LinePosition | null) {
    this.file = file;
    this.position = position;
  }

  /** Records an issue at a source offset (null: the start of the file). */
  at(offset: number | null, message: string): void {
    let line = 1;
    let column = 1;
    if (offset !== null && this.position !== null) {
      const pos = this.position(offset);
      // The LineCounter answers 0 for offsets before the first newline it has seen.
      line = Math.max(1, pos.line);
      column = Math.max(1, pos.col);
    }
    this.list.push({ file: this.file, line, column, message: oneLine(message) });
  }

  /** Throws every recorded issue as one error, in file order, if there is any. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    // Stable sort: issues at the same position keep the order in which they were found.
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
    const seen = new Set<string>();
    const unique = sorted.filter((issue) => {
      const key = `${issue.line}:${issue.column}:${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    let shown = unique;
    if (unique.length > POLICY_LIMITS.maxIssues) {
      shown = unique.slice(0, POLICY_LIMITS.maxIssues - 1);
      const last = shown[shown.length - 1] as PolicyIssue;
      shown.push({
        ...last,
        message: `${unique.length - shown.length} more problems not shown`,
      });
    }
    throw new PolicyError(shown);
  }
}
