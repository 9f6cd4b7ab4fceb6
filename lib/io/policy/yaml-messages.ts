/**
 * The YAML parser's errors and warnings as one-line policy issues.
 *
 * @module
 */
import type { YAMLError } from 'yaml';
import { quote } from '../../core/policy/message-text.ts';

/** The key text at a source offset (for duplicate-key messages); null when it cannot be read. */
function keyTextAt(text: string, offset: number): string | null {
  const match = /^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s:#,[\]{}][^:#\n]*?))\s*:/.exec(
    text.slice(offset, offset + 300),
  );
  if (match === null) return null;
  if (match[1] !== undefined) {
    try {
      return String(JSON.parse(`"${match[1]}"`));
    } catch {
      return match[1];
    }
  }
  return match[2] !== undefined ? match[2].replace(/''/g, "'") : (match[3] ?? null);
}

/**
 * One line for a parser error or warning.
 *
 * @example
 * ```ts
 * for (const problem of doc.errors) issues.at(problem.pos[0], yamlMessage(problem, text));
 * ```
 */
export function yamlMessage(error: YAMLError, text: string): string {
  const first = error.message.split('\n')[0] ?? error.code;
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = keyTextAt(text, error.pos[0]);
      return key === null ? 'duplicate key' : `duplicate key ${quote(key)}`;
    }
    case 'RESOURCE_EXHAUSTION':
      return 'the document is nested too deeply to be read';
    case 'TAG_RESOLVE_FAILED':
      return `unsupported YAML tag (${first}); a policy holds plain strings, numbers and lists only`;
    default:
      return `YAML syntax error: ${first}`;
  }
}
