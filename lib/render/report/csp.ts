/**
 * The report's Content-Security-Policy: nothing may load (`default-src 'none'`), and only the
 * report's own stylesheet and script may run, each named by its SHA-256 — no `'unsafe-inline'`,
 * so markup that escaped its escaping could still neither run a script nor style the page.
 *
 * @module
 */
import { sha256Base64 } from '../../core/model/sha256.ts';

/**
 * The policy for a page whose only `<style>` holds `style` and whose only executable `<script>`
 * holds `script`: `data:` images only (the favicon link, so the browser asks for no file), no
 * `<base>`, no form submission.
 *
 * @example
 * ```ts
 * contentSecurityPolicy('p{}', ''); // "default-src 'none'; style-src 'sha256-…'; script-src 'sha256-…'; …"
 * ```
 */
export function contentSecurityPolicy(style: string, script: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${sha256Base64(style)}'`,
    `script-src 'sha256-${sha256Base64(script)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
