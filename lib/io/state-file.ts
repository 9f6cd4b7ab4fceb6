/**
 * The `--state` file: the auditor's state as JSON, so that `replay` can continue where an
 * earlier run stopped.
 *
 * @module
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { emptyState, type LedgerState } from '../core/engine/memory-ledger.ts';
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

/** Saves a state file atomically (write to a sibling, then rename), so a crash never truncates it. */
export async function saveStateFile(file: string, state: LedgerState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(serializeState(state))}\n`);
    await rename(temporary, file);
  } catch (error) {
    throw new StateFileError(`${file}: cannot write: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
