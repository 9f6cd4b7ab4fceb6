/**
 * Reads a policy file (docs/policy.md) with bounded I/O and validates it with {@link parsePolicy}.
 * The file is untrusted input: at most {@link POLICY_LIMITS.maxBytes} bytes are read, and it must
 * be UTF-8.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { PolicyError } from '../../core/policy/errors.ts';
import { POLICY_LIMITS } from '../../core/policy/limits.ts';
import { errorText, oneLine } from '../../core/policy/message-text.ts';
import type { Policy } from '../../core/policy/types.ts';
import { parsePolicy } from './parse.ts';

/** A short reason for an I/O failure, without Node's repetition of the path. */
function ioReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return errorText(error);
  }
}

/** Reads at most one byte more than the limit, so that even `/dev/zero` cannot exhaust memory. */
async function readBounded(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(POLICY_LIMITS.maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a policy file and validates it like {@link parsePolicy}.
 *
 * @param path - the file; it is named as given in messages and in {@link Policy.file}.
 * @returns the policy.
 * @throws {@link PolicyError} when the file cannot be read (`FILE: cannot read the policy file:
 *   REASON`, no position, with the I/O error as `cause`), is over 1 MiB or not UTF-8, or is not
 *   a valid policy.
 *
 * @example
 * ```ts
 * const policy = await loadPolicy('policy.yml');
 * ```
 */
export async function loadPolicy(path: string): Promise<Policy> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path);
  } catch (error) {
    throw new PolicyError(
      [
        {
          file: path,
          line: 0,
          column: 0,
          message: oneLine(`cannot read the policy file: ${ioReason(error)}`),
        },
      ],
      { cause: error },
    );
  }
  if (bytes.length > POLICY_LIMITS.maxBytes) {
    throw new PolicyError([
      {
        file: path,
        line: 1,
        column: 1,
        message: `the policy file is larger than ${POLICY_LIMITS.maxBytes} bytes (1 MiB)`,
      },
    ]);
  }
  let text: string;
  try {
    // fatal: a policy in another encoding must not be read as replacement characters that then
    // fail (or pass) validation in confusing ways. The decoder also drops a UTF-8 BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new PolicyError(
      [{ file: path, line: 1, column: 1, message: 'the policy file is not valid UTF-8' }],
      { cause: error },
    );
  }
  return parsePolicy(text, path);
}
