/**
 * What identifies a repository or a creation template across the product: the account and the
 * region it lives in, and its name or prefix.
 *
 * @module
 */

/** Identifies a repository within the auditor's state. */
export interface RepositoryRef {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
}

/** Identifies a creation template within the auditor's state. */
export interface TemplateRef {
  readonly account: string;
  readonly region: string;
  readonly templatePrefix: string;
}
