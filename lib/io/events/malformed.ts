/**
 * The malformed items of the reader itself: input that is not JSON, or cannot be read.
 *
 * @module
 */
import type { IntakeItem } from './item.ts';

/**
 * The item of a line or document that is not JSON, its reason kept one short line.
 *
 * @example
 * ```ts
 * notJson('events.ndjson', 3, 'Unexpected end of JSON input');
 * ```
 */
export function notJson(source: string, line: number, message: string): IntakeItem {
  return {
    source,
    line,
    result: { kind: 'malformed', reason: `not JSON: ${shortMessage(message)}` },
  };
}

/**
 * A parser's message cut to one short line: V8 quotes a snippet of the input in it.
 *
 * @example
 * ```ts
 * shortMessage(error.message); // at most 121 characters
 * ```
 */
export function shortMessage(message: string): string {
  return message.length > 120 ? `${message.slice(0, 120)}…` : message;
}

/**
 * The item of a problem the reader itself finds at `line`: a line or a document over its bound.
 *
 * @example
 * ```ts
 * readerProblem('events.ndjson', 3, 'line longer than 16 MiB');
 * ```
 */
export function readerProblem(source: string, line: number, reason: string): IntakeItem {
  return { source, line, result: { kind: 'malformed', reason } };
}

/**
 * The item of an input that cannot be read (line 0), or whose reading failed mid-way.
 *
 * @example
 * ```ts
 * unreadable('missing.json', error); // reason: 'cannot read: ENOENT: no such file or directory'
 * ```
 */
export function unreadable(source: string, error: unknown): IntakeItem {
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
