/**
 * The failures of the `--state` file, one class per kind; the CLI reports each as one line naming
 * the file, with exit code 2 (docs/cli.md).
 *
 * @module
 */

/**
 * The state file could not be read, parsed or written.
 *
 * @example
 * ```ts
 * throw new StateFileError(`${file}: cannot read: ${error.message}`, { cause: error });
 * ```
 */
export class StateFileError extends Error {
  override readonly name: string = 'StateFileError';
}

/**
 * The state file is JSON, but not a state this program wrote: `path` names the first bad field
 * (`repositories.0.tags.v1.digest`, `(root)` for the document itself).
 *
 * @example
 * ```ts
 * throw new StateFileInvalidError(file, 'repositories.0.account', 'not a valid AWS account id');
 * ```
 */
export class StateFileInvalidError extends StateFileError {
  override readonly name = 'StateFileInvalidError';
  /** The state file. */
  readonly file: string;
  /** Dot path of the bad field in the document. */
  readonly path: string;
  constructor(file: string, path: string, reason: string) {
    super(`${file}: ${path}: ${reason}`);
    this.file = file;
    this.path = path;
  }
}
