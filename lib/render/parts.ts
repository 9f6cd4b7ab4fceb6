/**
 * Splitting the lines of a summary alert into parts, each under what SNS accepts.
 *
 * @module
 */

/** Room left in a message for everything but the description lines. */
const ENVELOPE_BYTES = 16 * 1024;

const UTF8 = new TextEncoder();

/**
 * Bytes a description line (with its line break) takes in the SNS message, where it is escaped
 * once: the description is a JSON string in the notification, which is the message. Escaping is
 * per character, so the costs of lines add up exactly.
 */
function escapedBytes(line: string): number {
  // Less the two quotes the encoding adds around it.
  return UTF8.encode(JSON.stringify(`${line}\n`)).length - 2;
}

/**
 * The lines in parts, in order, each part's lines taking at most a quarter of a message of
 * `maxBytes` (each line is at most a few KB: chatLiteral bounds the text it shows), which keeps
 * parts readable in a chat. Always at least one part (empty when there are no lines).
 *
 * @example
 * ```ts
 * splitLines(['• a', '• b'], 262_144); // [['• a', '• b']]
 * ```
 */
export function splitLines(lines: readonly string[], maxBytes: number): string[][] {
  const budget = Math.floor((maxBytes - ENVELOPE_BYTES) / 4);
  const parts: string[][] = [[]];
  let size = 0;
  for (const line of lines) {
    const cost = escapedBytes(line);
    if (size + cost > budget && (parts.at(-1)?.length ?? 0) > 0) {
      parts.push([]);
      size = 0;
    }
    parts.at(-1)?.push(line);
    size += cost;
  }
  return parts;
}
