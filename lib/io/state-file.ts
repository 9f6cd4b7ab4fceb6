/**
 * The `--state` file: the auditor's state as JSON, so that `replay` can continue where an
 * earlier run stopped.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { emptyState, type LedgerState } from '../core/engine/memory-ledger.ts';
import { replaceFile } from './replace-file.ts';
import { parseStateDocument, serializeState } from './state/document.ts';
import { StateFileError } from './state/errors.ts';

/** Loads a state file; a file that does not exist yet is an empty state. */
export async function loadStateFile(file: string): Promise<LedgerState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new StateFileError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseStateDocument(json, file);
}

/**
 * Saves a state file atomically (lib/io/replace-file.ts), so that a crash never truncates it and
 * a symlink planted beside it is never followed.
 */
export async function saveStateFile(file: string, state: LedgerState): Promise<void> {
  try {
    await replaceFile(file, `${JSON.stringify(serializeState(state))}\n`);
  } catch (error) {
    throw new StateFileError(`${file}: cannot write: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
