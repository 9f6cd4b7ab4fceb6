/**
 * Text from events made safe to display: one definition for every output that shows it (the
 * table, Markdown, the HTML report).
 *
 * @module
 */

/**
 * Text from events (an actor's ARN, an exclusion filter as a CloudTrail record spelt it) with
 * every control character — line breaks, ESC, DEL, C1 — and every bidirectional override shown
 * as a `\uXXXX` escape, so that it can neither move a terminal's cursor, nor break a table row or
 * a Markdown list, nor reorder what is displayed.
 *
 * @example
 * ```ts
 * printable('v1\u001b[31m'); // 'v1\\u001b[31m'
 * ```
 */
export function printable(text: string): string {
  let out = '';
  let clean = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafe(code)) continue;
    out += `${text.slice(clean, i)}\\u${code.toString(16).padStart(4, '0')}`;
    clean = i + 1;
  }
  return clean === 0 ? text : out + text.slice(clean);
}

function isUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}
