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

/**
 * The state file changed between this run's load and its save: another run saved it meanwhile.
 * Saving would discard that run's updates, so this run's state is not saved.
 *
 * @example
 * ```ts
 * throw new StateFileChangedError('state.json');
 * ```
 */
export class StateFileChangedError extends StateFileError {
  override readonly name = 'StateFileChangedError';
  constructor(file: string) {
    super(
      `${file}: changed since this run read it (another run saved it meanwhile): this run's state was not saved, so that run's is kept; run again to record what this run saw`,
    );
  }
}

/**
 * The lock that guards the save of a state file exists: another run is saving it, or one was
 * interrupted while saving.
 *
 * @example
 * ```ts
 * throw new StateFileLockedError('state.json', 'state.json.lock', { cause: error });
 * ```
 */
export class StateFileLockedError extends StateFileError {
  override readonly name = 'StateFileLockedError';
  constructor(file: string, lock: string, options?: ErrorOptions) {
    super(
      `${lock} exists: another run is saving ${file}, or one was interrupted while saving; this run's state was not saved — remove ${lock} if no run is saving, and run again`,
      options,
    );
  }
}
