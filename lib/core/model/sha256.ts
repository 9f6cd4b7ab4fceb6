/**
 * SHA-256 of text, in Base64: what a Content-Security-Policy hash source (`'sha256-…'`) names.
 * Here, in the core, because the core is the one room allowed `node:crypto`, and rendering may
 * import only the core.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * The SHA-256 of `text`'s UTF-8 bytes, in standard Base64 (with padding).
 *
 * @example
 * ```ts
 * sha256Base64(''); // '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
 * ```
 */
export function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
