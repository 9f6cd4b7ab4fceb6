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
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { own } from '../../core/intake/fields.ts';
import { normalizeEvent } from '../../core/intake/normalize.ts';
import type { NormalizeResult } from '../../core/intake/types.ts';
import { isRecord } from '../../core/model/json.ts';

/** One normalized input item and where it was found. */
export interface IntakeItem {
  /** The file's path (a directory's files are joined to it), or `-` for stdin. */
  readonly source: string;
  /**
   * 1-based line where the item begins (for an element of a JSON array or `Records` list, the
   * line where that element begins); 0 when the input itself could not be read.
   */
  readonly line: number;
  readonly result: NormalizeResult;
}

/** Options of {@link readInputs}. */
export interface ReadOptions {
  /** What `-` reads; `process.stdin` by default (tests pass a Readable). */
  readonly stdin?: NodeJS.ReadableStream;
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
  const { take } = options;
  for (const input of inputs) {
    if (input === '-') yield* readStream('-', options.stdin ?? process.stdin, take);
    else yield* readPath(input, take);
  }
}

/** See {@link BatchReadOptions.take}. */
type Take = ((value: unknown) => boolean) | undefined;

/** `file:line`, as malformed items are reported (docs/intake.md). */
export function formatLocation(item: Pick<IntakeItem, 'source' | 'line'>): string {
  return `${item.source}:${item.line}`;
}

async function* readPath(path: string, take: Take): AsyncGenerator<IntakeItem[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    yield [unreadable(path, error)];
    return;
  }
  // Anything that is not a directory is read, so that a FIFO (`<(zcat ...)`) works too.
  if (!isDirectory) {
    yield* readFile(path, take);
    return;
  }
  for (const entry of await listFiles(path)) {
    if (entry.error === undefined) yield* readFile(entry.path, take);
    else yield [unreadable(entry.path, entry.error)];
  }
}

interface Listed {
  readonly path: string;
  readonly error?: unknown;
}

/**
 * Regular files below `dir`, sorted by path (UTF-16 code units, so independent of locale). A
 * symbolic link to a file is listed; one to a directory is not followed, to avoid cycles.
 */
async function listFiles(dir: string): Promise<Listed[]> {
  const found: Listed[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    try {
      for (const entry of await readdir(current, { withFileTypes: true })) {
        const path = join(current, entry.name);
        if (entry.isDirectory()) pending.push(path);
        else if (entry.isFile() || (entry.isSymbolicLink() && (await isFileTarget(path)))) {
          found.push({ path });
        }
      }
    } catch (error) {
      found.push({ path: current, error });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function isFileTarget(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    // A dangling link is listed as a file, so that opening it reports the reason.
    return true;
  }
}

/** Bytes per read of a file: fewer, larger reads cost less per line than the default 64 KiB. */
const FILE_CHUNK_BYTES = 256 * 1024;

async function* readFile(path: string, take: Take): AsyncGenerator<IntakeItem[]> {
  let stream: ReadStream;
  try {
    // Opened first so that ENOENT/EACCES surface here, before any streaming starts.
    stream = (await open(path, 'r')).createReadStream({ highWaterMark: FILE_CHUNK_BYTES });
  } catch (error) {
    yield [unreadable(path, error)];
    return;
  }
  try {
    yield* readStream(path, stream, take);
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
    if (start === 0) yield* parseLines(path, lines, options.take);
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
  take: Take,
): AsyncGenerator<IntakeItem[]> {
  const lines = new Lines(splitLines(decodeUtf8(gunzipIfNeeded(bytesOf(input)))));
  try {
    yield* parseLines(source, lines, take);
  } catch (error) {
    // A read error or a corrupt gzip stream mid-way: what was read before stands.
    yield [unreadable(source, error)];
  } finally {
    // When the consumer stops early, this releases the gunzip stream and the input.
    await lines.close();
  }
}

async function* bytesOf(input: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    // A stream with an encoding set (or Readable.from of strings) yields strings.
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TypeError(`input stream yielded a ${typeof chunk}, not bytes`);
  }
}

/** Gunzips when the stream starts with the gzip magic bytes 1f 8b, whatever the file is called. */
async function* gunzipIfNeeded(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    size += next.value.length;
  }
  const magic = Buffer.concat(head, Math.min(size, 2));
  const all = replay(head, iterator);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    // Errors of either stream end the iteration of the last one, where readStream catches them.
    yield* pipeline(Readable.from(all), createGunzip(), () => {});
  } else {
    yield* all;
  }
}

async function* replay(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  keepBom = false,
): AsyncGenerator<string> {
  // Streaming mode keeps a multi-byte character split across chunks whole; a BOM is dropped
  // (at the start of an input only: `keepBom` for a part that starts inside one).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: keepBom });
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Splits text into lines on `\n`, dropping a trailing `\r`; holds at most one partial line.
 * Yields the lines of each chunk together: one await per chunk, not per line.
 */
async function* splitLines(texts: AsyncIterable<string>): AsyncGenerator<string[]> {
  let partial: string[] = [];
  for await (const text of texts) {
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (partial.length === 0) {
        lines.push(withoutCr(text.slice(start, end)));
      } else {
        partial.push(text.slice(start, end));
        lines.push(withoutCr(partial.join('')));
        partial = [];
      }
      start = end + 1;
    }
    if (start < text.length) partial.push(text.slice(start));
    if (lines.length > 0) yield lines;
  }
  if (partial.length > 0) yield [withoutCr(partial.join(''))];
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

/** Lines with their 1-based numbers. */
class Lines {
  /** Number of the line last returned. */
  number = 0;
  readonly #batches: AsyncIterator<string[]>;
  #batch: string[] = [];
  #index = 0;

  constructor(batches: AsyncIterable<string[]>) {
    this.#batches = batches[Symbol.asyncIterator]();
  }

  async next(): Promise<string | undefined> {
    while (this.#index >= this.#batch.length) {
      const next = await this.#batches.next();
      if (next.done) return undefined;
      this.#batch = next.value;
      this.#index = 0;
    }
    this.number += 1;
    const line = this.#batch[this.#index] as string;
    this.#index += 1;
    return line;
  }

  /**
   * The lines not returned yet of the current batch (reading the next batch when it is used
   * up), and the number of the first; undefined at the end. They count as returned.
   */
  async nextBatch(): Promise<{ lines: readonly string[]; first: number } | undefined> {
    while (this.#index >= this.#batch.length) {
      const next = await this.#batches.next();
      if (next.done) return undefined;
      this.#batch = next.value;
      this.#index = 0;
    }
    const lines = this.#index === 0 ? this.#batch : this.#batch.slice(this.#index);
    const first = this.number + 1;
    this.number += lines.length;
    this.#index = this.#batch.length;
    return { lines, first };
  }

  /** Stops reading: the generators below close, down to the input stream. */
  async close(): Promise<void> {
    await this.#batches.return?.(undefined);
  }

  /** The next line holding more than whitespace (NDJSON ignores blank lines). */
  async nextNonBlank(): Promise<string | undefined> {
    for (let line = await this.next(); line !== undefined; line = await this.next()) {
      if (/\S/.test(line)) return line;
    }
    return undefined;
  }
}

/**
 * Decides between NDJSON and one document spanning lines (docs/intake.md): a first line that parses
 * alone is NDJSON (a one-line document is the same thing); otherwise the input is one document,
 * except when the first line cannot open a document and the second is a complete object: that
 * is NDJSON with a broken first line, and holding the whole input would be wrong.
 */
async function* parseLines(source: string, lines: Lines, take: Take): AsyncGenerator<IntakeItem[]> {
  const first = await lines.nextNonBlank();
  if (first === undefined) return;
  const firstLine = lines.number;
  const firstParsed = parseJson(first);
  if (firstParsed.ok) {
    if (!take?.(firstParsed.value)) yield* itemBatches(source, firstParsed.value, firstLine);
    yield* ndjson(source, lines, take);
    return;
  }
  const second = await lines.nextNonBlank();
  if (second === undefined) {
    yield [notJson(source, firstLine, firstParsed.message)];
    return;
  }
  const secondLine = lines.number;
  const secondParsed = parseJson(second);
  if (secondParsed.ok && isRecord(secondParsed.value) && !opensDocument(first)) {
    yield [notJson(source, firstLine, firstParsed.message)];
    if (!take?.(secondParsed.value)) yield* itemBatches(source, secondParsed.value, secondLine);
    yield* ndjson(source, lines, take);
    return;
  }
  // Blank lines between the two are restored so that line numbers inside the document hold.
  const parts = [first, ...new Array<string>(secondLine - firstLine - 1).fill(''), second];
  for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
    parts.push(line);
  }
  yield* documentItems(source, parts.join('\n'), firstLine);
}

/** A line ending like the start of a pretty-printed document (`{`, `[`, `"key":`, `{"a": 1,`). */
function opensDocument(line: string): boolean {
  return /[[{,:]\s*$/.test(line);
}

/** True when `line` holds only whitespace (NDJSON ignores such lines). */
function isBlank(line: string): boolean {
  // Most lines start with `{`: decided by the first character without a regular expression.
  const c = line.charCodeAt(0);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return false;
  return !/\S/.test(line);
}

/** The remaining lines as NDJSON: one batch of items per batch of lines read. */
async function* ndjson(source: string, lines: Lines, take: Take): AsyncGenerator<IntakeItem[]> {
  for (let batch = await lines.nextBatch(); batch !== undefined; batch = await lines.nextBatch()) {
    let out: IntakeItem[] = [];
    const { lines: texts, first } = batch;
    for (let i = 0; i < texts.length; i++) {
      const line = texts[i] as string;
      if (isBlank(line)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        out.push(notJson(source, first + i, errorMessage(error)));
        continue;
      }
      if (take !== undefined) {
        // The items before this value go first, so that the consumer sees input order.
        if (out.length > 0) {
          yield out;
          out = [];
        }
        if (take(value)) continue;
      }
      appendItems(out, source, value, first + i);
    }
    if (out.length > 0) yield out;
  }
}

function* documentItems(source: string, text: string, firstLine: number): Generator<IntakeItem[]> {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    yield [notJson(source, errorLine(text, parsed.message, firstLine), parsed.message)];
    return;
  }
  const list = collection(parsed.value);
  const lines =
    list === null ? undefined : elementStartLines(text, firstLine, list.label === 'Records');
  // A mismatch (an escaped or repeated `Records` key) falls back to the document's first line.
  yield* itemBatches(
    source,
    parsed.value,
    firstLine,
    lines?.length === list?.items.length ? lines : undefined,
  );
}

/** Items of a document are yielded in batches of at most this many. */
const DOCUMENT_BATCH = 4096;

/** The items of one parsed JSON value (see {@link appendItems}), in bounded batches. */
function* itemBatches(
  source: string,
  value: unknown,
  line: number,
  elementLines?: readonly number[],
): Generator<IntakeItem[]> {
  const list = collection(value);
  if (list === null) {
    yield [{ source, line, result: normalizeEvent(value) }];
    return;
  }
  for (let start = 0; start < list.items.length; start += DOCUMENT_BATCH) {
    const out: IntakeItem[] = [];
    const end = Math.min(list.items.length, start + DOCUMENT_BATCH);
    for (let index = start; index < end; index++) {
      out.push(elementItem(source, list, index, elementLines?.[index] ?? line));
    }
    yield out;
  }
}

/**
 * Appends the items of one parsed JSON value: each element of an array or of a CloudTrail log
 * file's `Records`, else the value itself.
 */
function appendItems(out: IntakeItem[], source: string, value: unknown, line: number): void {
  // An object that is not a CloudTrail log file is the usual NDJSON line: one event.
  const list = isRecord(value) && !Object.hasOwn(value, 'Records') ? null : collection(value);
  if (list === null) {
    out.push({ source, line, result: normalizeEvent(value) });
    return;
  }
  for (let index = 0; index < list.items.length; index++) {
    out.push(elementItem(source, list, index, line));
  }
}

/** The item of element `index` of a collection; a malformed reason names its position. */
function elementItem(source: string, list: Collection, index: number, line: number): IntakeItem {
  const result = normalizeEvent(list.items[index]);
  return {
    source,
    line,
    result:
      result.kind === 'malformed'
        ? { kind: 'malformed', reason: `${list.label}[${index}]: ${result.reason}` }
        : result,
  };
}

interface Collection {
  /** `Records` for a CloudTrail log file, empty for a plain array. */
  readonly label: string;
  readonly items: readonly unknown[];
}

function collection(value: unknown): Collection | null {
  if (Array.isArray(value)) return { label: '', items: value };
  const records = own(value, 'Records');
  // A CloudTrail log file holds only Records; an event that happens to carry one is an event.
  const isEvent =
    isRecord(value) && (Object.hasOwn(value, 'eventSource') || Object.hasOwn(value, 'detail-type'));
  return Array.isArray(records) && !isEvent ? { label: 'Records', items: records } : null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The line on which each element of the top-level array (or of the top-level object's `Records`
 * array) begins. One linear pass over text that JSON.parse has already accepted, so it only
 * tracks strings, nesting and commas; raw line feeds cannot occur inside JSON strings.
 */
function elementStartLines(text: string, firstLine: number, inRecords: boolean): number[] {
  const targetDepth = inRecords ? 2 : 1;
  let lines: number[] = [];
  let line = firstLine;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inTarget = false;
  let expecting = false;
  let stringStart = 0;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        // At depth 1 the string before a `[` is always that array's key.
        if (depth === 1) lastKey = text.slice(stringStart, i + 1);
      }
      continue;
    }
    if (c === LF) line += 1;
    if (c === LF || c === CR || c === SPACE || c === TAB) continue;
    if (expecting && c !== CLOSE_BRACKET) {
      lines.push(line);
      expecting = false;
    }
    if (c === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (c === OPEN_BRACKET && depth === targetDepth && (!inRecords || lastKey === '"Records"')) {
        // A repeated key starts over: JSON.parse keeps the last one.
        lines = [];
        inTarget = true;
        expecting = true;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === targetDepth) inTarget = expecting = false;
      depth -= 1;
    } else if (c === COMMA && inTarget && depth === targetDepth) {
      expecting = true;
    }
  }
  return lines;
}

type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The line of the position V8 reports (`... at position 42 ...`), else the document's first. */
function errorLine(text: string, message: string, firstLine: number): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return firstLine;
  let line = firstLine;
  const end = Math.min(Number(position), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function notJson(source: string, line: number, message: string): IntakeItem {
  // V8 quotes a snippet of the input in its message; keep the reason one short line.
  const short = message.length > 120 ? `${message.slice(0, 120)}…` : message;
  return { source, line, result: { kind: 'malformed', reason: `not JSON: ${short}` } };
}

function unreadable(source: string, error: unknown): IntakeItem {
  return {
    source,
    line: 0,
    result: { kind: 'malformed', reason: `cannot read: ${osReason(error)}` },
  };
}

/** `ENOENT: no such file or directory`, without the path the location already shows. */
function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.replace(/, \w+ '.*'$/s, '');
  // zlib errors carry codes such as Z_BUF_ERROR but say nothing of gzip.
  return typeof code === 'string' && code.startsWith('Z_') ? `gzip: ${message}` : message;
}
