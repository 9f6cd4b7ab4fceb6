/**
 * A JSON scanner for line numbers: where each element of a document's top-level list begins.
 *
 * @module
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  CR,
  LF,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  SPACE,
  TAB,
} from './chars.ts';

/**
 * The line on which each element of the top-level array (or of the top-level object's array
 * under `key`: `Records`, `Messages`) begins. One linear pass over text that JSON.parse has already accepted, so it only
 * tracks strings, nesting and commas; raw line feeds cannot occur inside JSON strings.
 *
 * @example
 * ```ts
 * elementStartLines('[\n{},\n{}\n]', 1, null); // [2, 3]
 * ```
 */
export function elementStartLines(text: string, firstLine: number, key: string | null): number[] {
  const inKey = key !== null;
  const quotedKey = JSON.stringify(key);
  const targetDepth = inKey ? 2 : 1;
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
      if (c === OPEN_BRACKET && depth === targetDepth && (!inKey || lastKey === quotedKey)) {
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
