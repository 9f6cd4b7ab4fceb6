/**
 * Line splitting: text into lines on `\n` (a trailing `\r` dropped), numbered from 1, in
 * batches of one chunk each so that a long input costs one await per chunk, not per line.
 *
 * @module
 */
import { CR, LF, OPEN_BRACE, OPEN_BRACKET } from './chars.ts';
import { formatBytes, INPUT_LIMITS } from './limits.ts';

/**
 * Splits text into lines on `\n`, dropping a trailing `\r`; holds at most one partial line, of at
 * most `maxLineBytes` (docs/intake.md, "Bounds"). Yields the lines of each chunk together: one
 * await per chunk, not per line.
 *
 * A line longer than `maxLineBytes` is never held: the rest of it is skipped as it arrives, and
 * in its place comes a line no input can hold (it starts with a line feed) carrying the reason
 * (see {@link isOverLongLine}). A line still not ended after `endlessLineFactor` times the bound
 * ends the lines there, with its reason: the input is not read further.
 *
 * @example
 * ```ts
 * const lines = new Lines(splitLines(decodeUtf8(bytesOf(stream))));
 * ```
 */
export async function* splitLines(
  texts: AsyncIterable<string>,
  maxLineBytes: number = INPUT_LIMITS.maxLineBytes,
): AsyncGenerator<string[]> {
  const endlessBytes = maxLineBytes * INPUT_LIMITS.endlessLineFactor;
  let partial: string[] = [];
  let partialBytes = 0;
  // Bytes of the over-long line being skipped, or -1 while none is.
  let skipped = -1;
  for await (const text of texts) {
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (skipped >= 0) {
        lines.push(overLongLine(maxLineBytes));
        skipped = -1;
      } else if (partial.length === 0) {
        lines.push(
          longerThan(text, start, end, maxLineBytes)
            ? overLongLine(maxLineBytes)
            : withoutCr(text.slice(start, end)),
        );
      } else {
        const last = text.slice(start, end);
        lines.push(
          partialBytes + Buffer.byteLength(last) > maxLineBytes
            ? overLongLine(maxLineBytes)
            : withoutCr(partial.join('') + last),
        );
        partial = [];
        partialBytes = 0;
      }
      start = end + 1;
    }
    if (start < text.length) {
      const piece = start === 0 ? text : text.slice(start);
      const bytes = Buffer.byteLength(piece);
      if (skipped >= 0) {
        skipped += bytes;
      } else if (partialBytes + bytes > maxLineBytes) {
        // Past the bound: what was held goes, and the rest of the line is only counted.
        skipped = partialBytes + bytes;
        partial = [];
        partialBytes = 0;
      } else {
        partial.push(piece);
        partialBytes += bytes;
      }
      if (skipped > endlessBytes) {
        lines.push(endlessLine(maxLineBytes, endlessBytes));
        yield lines;
        return;
      }
    }
    if (lines.length > 0) yield lines;
  }
  if (skipped >= 0) yield [overLongLine(maxLineBytes)];
  else if (partial.length > 0) yield [withoutCr(partial.join(''))];
}

/** Whether `text` from `start` to `end` takes more than `max` bytes in UTF-8. */
function longerThan(text: string, start: number, end: number, max: number): boolean {
  const units = end - start;
  // A UTF-16 unit takes one to three bytes: count only when the answer depends on it.
  if (units * 3 <= max) return false;
  if (units > max) return true;
  return Buffer.byteLength(text.slice(start, end)) > max;
}

/** The stand-in for a line longer than the bound: a line feed, then the reason. */
function overLongLine(maxLineBytes: number): string {
  return `\nline longer than ${formatBytes(maxLineBytes)}`;
}

/**
 * How the reason of a problem that ends the reading of its input ends (an endless line, a
 * document over the bound).
 *
 * @example
 * ```ts
 * if (reason.endsWith(REST_NOT_READ)) stopReadingParts();
 * ```
 */
export const REST_NOT_READ = ': the rest of the input is not read';

/** The stand-in for a line that did not end within `endlessBytes`: the input's last line. */
function endlessLine(maxLineBytes: number, endlessBytes: number): string {
  return `\nline longer than ${formatBytes(maxLineBytes)} and not ended after ${formatBytes(endlessBytes)}${REST_NOT_READ}`;
}

/**
 * True for the stand-in of a line longer than the bound (see {@link splitLines}): a real line
 * never holds a line feed.
 *
 * @example
 * ```ts
 * if (isOverLongLine(line)) report(overLongReason(line));
 * ```
 */
export function isOverLongLine(line: string): boolean {
  return line.charCodeAt(0) === LF;
}

/**
 * The reason an over-long line carries: `line longer than 16 MiB`.
 *
 * @example
 * ```ts
 * overLongReason(line); // 'line longer than 16 MiB'
 * ```
 */
export function overLongReason(line: string): string {
  return line.slice(1);
}

/** The line without its trailing `\r` (CRLF line ends). */
function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

/**
 * Lines with their 1-based numbers.
 *
 * @example
 * ```ts
 * const lines = new Lines(splitLines(texts));
 * for (let line = await lines.next(); line !== undefined; line = await lines.next()) use(line, lines.number);
 * ```
 */
export class Lines {
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

  /**
   * Puts back `held`, the lines last returned, in their order: they are returned again, with the
   * same numbers, before the lines not returned yet.
   */
  unread(held: readonly string[]): void {
    this.#batch = [...held, ...this.#batch.slice(this.#index)];
    this.#index = 0;
    this.number -= held.length;
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
 * True when `line` holds only whitespace (NDJSON ignores such lines).
 *
 * @example
 * ```ts
 * isBlank('  \t'); // true
 * ```
 */
export function isBlank(line: string): boolean {
  // Most lines start with `{`: decided by the first character without a regular expression.
  const c = line.charCodeAt(0);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return false;
  return !/\S/.test(line);
}
