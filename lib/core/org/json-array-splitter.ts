/**
 * Splits a JSON array arriving in chunks into the JSON text of its elements, one at a time, so
 * that a large array (a `ResultWriter` result file) is read without holding it whole. Pure: the
 * caller feeds the chunks and parses each element.
 *
 * @module
 */

/** The text is not one JSON array (of any values). */
class NotAJsonArrayError extends Error {
  override readonly name = 'NotAJsonArrayError';
}

/**
 * A push parser that tracks strings, escapes and nesting only; each element's text is parsed by
 * the caller (`JSON.parse`), which validates it.
 *
 * @example
 * ```ts
 * const splitter = new JsonArraySplitter();
 * splitter.push('[{"a":1},{"b":'); // ['{"a":1}']
 * splitter.push('"]"}]');          // ['{"b":"]"}']
 * splitter.end();                  // ok: the array was closed
 * ```
 */
export class JsonArraySplitter {
  private state: 'before' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element = '';

  /** Feeds the next chunk; returns the elements it completed, in order. */
  push(chunk: string): string[] {
    const done: string[] = [];
    for (const char of chunk) {
      if (this.state === 'before') {
        if (char === '[') this.state = 'inside';
        else if (!/\s/.test(char)) throw new NotAJsonArrayError(`expected "[", got "${char}"`);
        continue;
      }
      if (this.state === 'after') {
        if (!/\s/.test(char)) throw new NotAJsonArrayError(`text after the array: "${char}"`);
        continue;
      }
      if (this.inString) {
        this.element += char;
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (this.depth === 0 && (char === ',' || char === ']')) {
        const text = this.element.trim();
        if (text !== '') done.push(text);
        else if (char === ',') throw new NotAJsonArrayError('an empty element');
        this.element = '';
        if (char === ']') this.state = 'after';
        continue;
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth++;
      else if (char === '}' || char === ']') this.depth--;
      this.element += char;
    }
    return done;
  }

  /** Checks that the array was complete. */
  end(): void {
    if (this.state !== 'after') throw new NotAJsonArrayError('the array was not closed');
  }
}
