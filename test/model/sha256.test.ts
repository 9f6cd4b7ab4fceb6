/** SHA-256 in Base64 (lib/core/model/sha256.ts): what a CSP hash source names. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Base64 } from '../../lib/core/model/sha256.ts';

describe('sha256Base64', () => {
  it('gives the published digests of FIPS 180-2 test vectors, in Base64', () => {
    // Act / Assess: "abc" is ba7816bf…f20015ad in hex; "" is e3b0c442…7852b855.
    expect(sha256Base64('abc')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(sha256Base64('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('hashes the UTF-8 bytes, as a browser hashes a script or style element', () => {
    // Prepare: "é" is the two bytes c3 a9 in UTF-8, the one byte e9 in Latin-1.
    const utf8 = createHash('sha256').update(Uint8Array.of(0xc3, 0xa9)).digest('base64');
    const latin1 = createHash('sha256').update(Uint8Array.of(0xe9)).digest('base64');

    // Act
    const hash = sha256Base64('é');

    // Assess
    expect(hash).toBe(utf8);
    expect(hash).not.toBe(latin1);
  });
});
