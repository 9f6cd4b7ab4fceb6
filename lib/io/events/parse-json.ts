/**
 * JSON.parse without exceptions, and the line of a parse error in a document spanning lines.
 *
 * @module
 */

/** A parse result: the value, or the parser's message. */
export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * @example
 * ```ts
 * const parsed = parseJson(line);
 * if (!parsed.ok) report(parsed.message);
 * ```
 */
export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

/**
 * @example
 * ```ts
 * errorMessage(new SyntaxError('Unexpected token')); // 'Unexpected token'
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The line of the position V8 reports (`... at position 42 ...`), else the document's first.
 *
 * @example
 * ```ts
 * errorLine('{\n"a": ]', 'Unexpected token at position 7', 1); // 2
 * ```
 */
export function errorLine(text: string, message: string, firstLine: number): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return firstLine;
  let line = firstLine;
  const end = Math.min(Number(position), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}
