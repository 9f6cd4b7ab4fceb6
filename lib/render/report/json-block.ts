/**
 * Data for the report's script, in a `<script type="application/json">` block: JSON the HTML
 * parser cannot end early.
 *
 * @module
 */

const UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * `value` as JSON to put between `<script type="application/json">` and `</script>`: `<`, `>`,
 * `&`, U+2028 and U+2029 written as `\uXXXX` escapes, so that no string inside can close the
 * element (`</script>`) or open a comment that changes how the parser reads its end (`<!--`).
 * `JSON.parse` of the element's text gives `value` back.
 *
 * @example
 * ```ts
 * jsonForScript({ tag: '</script>' }); // '{"tag":"\\u003c/script\\u003e"}'
 * ```
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
