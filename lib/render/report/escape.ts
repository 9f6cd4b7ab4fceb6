/**
 * The one escaping of the HTML report: every string that comes from findings (repository names,
 * tags, actors, event ids, filters, messages) reaches the page only through {@link escapeHtml},
 * in text and in attribute values alike.
 *
 * @module
 */
import { printable } from '../printable.ts';

const ENTITIES = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
} as const;

/**
 * `text` as HTML text or as a quoted attribute value: the five characters that can end a text
 * run or an attribute (`& < > " '`) as entities, and — first — control characters and
 * direction overrides as visible `\uXXXX` escapes ({@link printable}), so that a name can
 * neither break a line nor reorder what is displayed around it.
 *
 * @example
 * ```ts
 * escapeHtml('<img src=x onerror="alert(1)">'); // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ENTITIES[c as keyof typeof ENTITIES]);
}
