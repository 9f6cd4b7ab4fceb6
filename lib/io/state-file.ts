/**
 * The `--state` file: the auditor's state as JSON, so that a run continues where an earlier one
 * stopped. A run loads it, and saves it back only if no other run saved it in between
 * (docs/cli.md#the-state-file-and-concurrent-runs).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { emptyState, type LedgerState } from '../core/engine/memory-ledger.ts';
import { replaceFile } from './replace-file.ts';
import { parseStateDocument, serializeState } from './state/document.ts';
import { StateFileChangedError, StateFileError, StateFileLockedError } from './state/errors.ts';

/** A state file as a run loaded it. */
export interface LoadedStateFile {
  /** The state it held (empty when there was no file). */
  readonly state: LedgerState;
  /** Whether there was a file (a run that only reads the state may want one). */
  readonly existed: boolean;
  /**
   * Saves `state` over the file, unless the file changed since it was loaded.
   *
   * @throws {StateFileChangedError} another run saved the file meanwhile.
   * @throws {StateFileLockedError} the save lock exists (another run is saving).
   * @throws {StateFileError} the file cannot be read or written.
   */
  save(state: LedgerState): Promise<void>;
}

/** What `file` holds; null when there is no such file. */
async function readIfAny(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/** What tells two contents apart: SHA-256 (null for no file). */
function fingerprint(content: Buffer | null): string | null {
  return content === null ? null : createHash('sha256').update(content).digest('hex');
}

/**
 * Runs `save` holding `FILE.lock`, created exclusively: two runs saving at the same moment cannot
 * both pass the check that the file is unchanged. Held for the save only, so that a run killed
 * any other time leaves no lock behind.
 */
async function withSaveLock(file: string, save: () => Promise<void>): Promise<void> {
  const lock = `${file}.lock`;
  try {
    await (await open(lock, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new StateFileLockedError(file, lock, { cause: error });
    }
    throw new StateFileError(`${file}: cannot write: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    await save();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/**
 * Loads a state file; a file that does not exist yet is an empty state. What it held is
 * remembered (its SHA-256), so that {@link LoadedStateFile.save} can tell whether another run
 * saved it since.
 *
 * @throws {StateFileError} the file cannot be read, is not JSON, or is not a valid state
 *   ({@link StateFileInvalidError}, naming the field).
 * @example
 * ```ts
 * const stateFile = await loadStateFile('state.json');
 * const ledger = createMemoryLedger(stateFile.state);
 * // … the run …
 * await stateFile.save(ledger.state);
 * ```
 */
export async function loadStateFile(file: string): Promise<LoadedStateFile> {
  const content = await readIfAny(file);
  const loaded = fingerprint(content);
  const save = (state: LedgerState) =>
    withSaveLock(file, async () => {
      if (fingerprint(await readIfAny(file)) !== loaded) throw new StateFileChangedError(file);
      try {
        // Atomic, and never through a symlink planted beside the file (lib/io/replace-file.ts).
        await replaceFile(file, `${JSON.stringify(serializeState(state))}\n`);
      } catch (error) {
        throw new StateFileError(`${file}: cannot write: ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
  if (content === null) return { state: emptyState(), existed: false, save };
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new StateFileError(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  return { state: parseStateDocument(json, file), existed: true, save };
}
