/**
 * Line splitting: text into lines on `\n` (a trailing `\r` dropped), numbered from 1, in
 * batches of one chunk each so that a long input costs one await per chunk, not per line.
 *
 * @module
 */
import { CR, OPEN_BRACE, OPEN_BRACKET } from './chars.ts';

/**
 * Splits text into lines on `\n`, dropping a trailing `\r`; holds at most one partial line.
 * Yields the lines of each chunk together: one await per chunk, not per line.
 *
 * @example
 * ```ts
 * const lines = new Lines(splitLines(decodeUtf8(bytesOf(stream))));
 * ```
 */
export async function* splitLines(texts: AsyncIterable<string>): AsyncGenerator<string[]> {
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
