/**
 * Where replay cuts a large NDJSON file into parts read at once, each after a line feed.
 *
 * @module
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';

/**
 * Files from this size are read in parts at once, on worker threads, when there are cores.
 *
 * @example
 * ```ts
 * await replay({ policy, inputs, parallelMinBytes: PARALLEL_MIN_BYTES });
 * ```
 */
export const PARALLEL_MIN_BYTES = 32 * 2 ** 20;
/** At most this many threads read one file, the main one included: one part each. */
const MAX_THREADS = 4;
/** How far from a part's nominal start a line feed is looked for. */
const BOUNDARY_WINDOW = 1 << 20;

/**
 * Where to cut a file into parts read at once: byte offsets from 0 to its size, each after a line
 * feed. Null — read it whole, on this thread — for anything but a large regular file that is
 * NDJSON (not gzipped, its first line a JSON value: readInputs's rule), or with one core.
 *
 * @example
 * ```ts
 * const bounds = await partsOf('events.ndjson', PARALLEL_MIN_BYTES); // [0, 104857623, …, size]
 * ```
 */
export async function partsOf(path: string, minBytes: number): Promise<number[] | null> {
  const threads = Math.min(MAX_THREADS, availableParallelism());
  if (threads < 2) return null;
  const parts = threads;
  let handle: FileHandle | undefined;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size < Math.max(minBytes, 1)) return null;
    handle = await open(path, 'r');
    const head = Buffer.alloc(Math.min(BOUNDARY_WINDOW, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return null;
    const text = new TextDecoder('utf-8').decode(head.subarray(0, bytesRead));
    const lines = text.split('\n');
    // The last piece may be cut short; the first non-blank line must be whole and JSON.
    const first = lines.slice(0, -1).find((line) => /\S/.test(line));
    if (first === undefined) return null;
    try {
      JSON.parse(first);
    } catch {
      return null;
    }
    const bounds = [0];
    const window = Buffer.alloc(BOUNDARY_WINDOW);
    for (let k = 1; k < parts; k++) {
      const at = Math.floor((info.size * k) / parts);
      const { bytesRead: n } = await handle.read(window, 0, window.length, at);
      const feed = window.subarray(0, n).indexOf(0x0a);
      const bound = feed < 0 ? -1 : at + feed + 1;
      // A part would be empty (or a line longer than the window): fewer parts will do.
      if (bound <= (bounds.at(-1) as number) || bound >= info.size) continue;
      bounds.push(bound);
    }
    bounds.push(info.size);
    return bounds.length > 2 ? bounds : null;
  } catch {
    return null; // the plain path reports what is wrong with the input
  } finally {
    await handle?.close();
  }
}
