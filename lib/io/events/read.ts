/**
 * Streaming intake (docs/intake.md, docs/cli.md): files, directories and stdin, each plain or gzipped, holding one
 * JSON document (an event, an array of events, a CloudTrail log file) or NDJSON. NDJSON is read
 * line by line and never held whole; only a document that spans lines is parsed whole.
 *
 * Line numbers: an NDJSON item has the number of its line. An element of a JSON array or of a
 * CloudTrail log file's `Records` has the line on which the element begins; a CloudTrail log
 * file is usually one line, so a malformed element's reason also names its position
 * (`Records[17]: ...`, 0-based). An input that cannot be read at all is reported on line 0.
 *
 * @module
 */
import type { ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ndjson, parseLines } from './format.ts';
import { gunzipIfNeeded } from './gzip.ts';
import type { IntakeItem, Take } from './item.ts';
import { INPUT_LIMITS } from './limits.ts';
import { Lines, splitLines } from './lines.ts';
import { unreadable } from './malformed.ts';
import { bytesOf, decodeUtf8 } from './text.ts';
import { listFiles } from './walk.ts';

export { formatLocation, type IntakeItem } from './item.ts';

/** Options of {@link readInputs}. */
export interface ReadOptions {
  /** What `-` reads; `process.stdin` by default (tests pass a Readable). */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * The bound on a line and on a document spanning lines, in UTF-8 bytes (docs/intake.md,
   * "Bounds"); `INPUT_LIMITS.maxLineBytes`, 16 MiB, by default. Tests lower it.
   */
  readonly maxLineBytes?: number;
}

/**
 * Options of {@link readInputBatches}: also a consumer that takes some NDJSON values directly.
 */
export interface BatchReadOptions extends ReadOptions {
  /**
   * Offered every value that is a whole NDJSON line (not an element of an array or of
   * `Records`), after the items before it were yielded, so that input order holds; true means
   * taken: no item is made for it. Replay takes the common ECR Image Action push this way,
   * without building an item and a domain event for it.
   */
  readonly take?: (value: unknown) => boolean;
}

/**
 * Reads every input in order and yields one item per event found. An input is a file, a
 * directory (every regular file below it, recursively, sorted by path) or `-` for stdin. A
 * missing or unreadable input yields one malformed item on line 0, and reading goes on with the
 * next input; a line that is not JSON yields a malformed item and the following lines are read.
 *
 * @param inputs - Paths, or `-` for stdin.
 * @param options - See {@link ReadOptions}.
 */
export async function* readInputs(
  inputs: readonly string[],
  options: ReadOptions = {},
): AsyncGenerator<IntakeItem> {
  for await (const batch of readInputBatches(inputs, options)) yield* batch;
}

/**
 * {@link readInputs} in batches: the same items in the same order, yielded as the arrays read
 * from one chunk of input (NDJSON: the lines of one read). For consumers that go through many
 * items, one await per chunk instead of one per item.
 */
export async function* readInputBatches(
  inputs: readonly string[],
  options: BatchReadOptions = {},
): AsyncGenerator<IntakeItem[]> {
  const how: How = {
    take: options.take,
    maxLineBytes: options.maxLineBytes ?? INPUT_LIMITS.maxLineBytes,
  };
  for (const input of inputs) {
    if (input === '-') yield* readStream('-', options.stdin ?? process.stdin, how);
    else yield* readPath(input, how);
  }
}

/** How every input is read: the NDJSON consumer and the bound on a line. */
interface How {
  readonly take: Take;
  readonly maxLineBytes: number;
}

async function* readPath(path: string, how: How): AsyncGenerator<IntakeItem[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    yield [unreadable(path, error)];
    return;
  }
  // Anything that is not a directory is read, so that a FIFO (`<(zcat ...)`) works too.
  if (!isDirectory) {
    yield* readFile(path, how);
    return;
  }
  for (const entry of await listFiles(path)) {
    if (entry.error === undefined) yield* readFile(entry.path, how);
    else yield [unreadable(entry.path, entry.error)];
  }
}

/** Bytes per read of a file: fewer, larger reads cost less per line than the default 64 KiB. */
const FILE_CHUNK_BYTES = 256 * 1024;

async function* readFile(path: string, how: How): AsyncGenerator<IntakeItem[]> {
  let stream: ReadStream;
  try {
    // Opened first so that ENOENT/EACCES surface here, before any streaming starts.
    stream = (await open(path, 'r')).createReadStream({ highWaterMark: FILE_CHUNK_BYTES });
  } catch (error) {
    yield [unreadable(path, error)];
    return;
  }
  try {
    yield* readStream(path, stream, how);
  } finally {
    // Also when the consumer stops early: closes the file handle.
    stream.destroy();
  }
}

/**
 * NDJSON in bytes `start` to `end` (exclusive) of a file that is neither gzipped nor one
 * document spanning lines — what {@link readInputBatches} reads there when the whole file is
 * read, with lines numbered from 1 at `start`. `start` and `end` must be 0, the file's size, or
 * just after a line feed, with `start < end`; a part from 0 decides NDJSON or document as a
 * whole input does.
 * `onLines` gets the number of lines read. For reading one large file in parts at once (replay).
 */
export async function* readFileRange(
  path: string,
  start: number,
  end: number,
  options: { readonly take?: (value: unknown) => boolean; onLines?: (count: number) => void },
): AsyncGenerator<IntakeItem[]> {
  let stream: ReadStream;
  try {
    stream = (await open(path, 'r')).createReadStream({
      start,
      end: end - 1,
      highWaterMark: FILE_CHUNK_BYTES,
    });
  } catch (error) {
    yield [unreadable(path, error)];
    return;
  }
  const lines = new Lines(splitLines(decodeUtf8(bytesOf(stream), start > 0)));
  try {
    if (start === 0) yield* parseLines(path, lines, options.take, INPUT_LIMITS.maxLineBytes);
    else yield* ndjson(path, lines, options.take);
  } catch (error) {
    yield [unreadable(path, error)];
  } finally {
    options.onLines?.(lines.number);
    await lines.close();
    stream.destroy();
  }
}

async function* readStream(
  source: string,
  input: AsyncIterable<unknown>,
  how: How,
): AsyncGenerator<IntakeItem[]> {
  const lines = new Lines(splitLines(decodeUtf8(gunzipIfNeeded(bytesOf(input))), how.maxLineBytes));
  try {
    yield* parseLines(source, lines, how.take, how.maxLineBytes);
  } catch (error) {
    // A read error or a corrupt gzip stream mid-way: what was read before stands.
    yield [unreadable(source, error)];
  } finally {
    // When the consumer stops early, this releases the gunzip stream and the input.
    await lines.close();
  }
}
