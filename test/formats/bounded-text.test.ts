/**
 * Text made fit for the interchange formats (lib/render/bounded-text.ts): valid Unicode, within a
 * limit in UTF-16 code units, cut between characters with a mark.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitText, wellFormed, wellFormedJson } from '../../lib/render/bounded-text.ts';

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

describe('wellFormed', () => {
  it('replaces lone surrogates, either half, and keeps whole characters beyond U+FFFF', () => {
    expect(wellFormed('a\ud83db\udea8c🚨')).toBe('a\ufffdb\ufffdc🚨');
  });

  it('reaches into every string of a JSON value, keys left as they are', () => {
    expect(wellFormedJson({ a: ['x\ud800', { b: '\udfff' }], n: 1, z: null })).toEqual({
      a: ['x\ufffd', { b: '\ufffd' }],
      n: 1,
      z: null,
    });
  });
});

describe('fitText', () => {
  it('keeps text that fits, and cuts longer text to the limit, the mark included', () => {
    expect(fitText('abcd', 4)).toBe('abcd');
    expect(fitText('abcde', 4)).toBe('abc…');
  });

  it('never cuts a character beyond U+FFFF in half', () => {
    expect(fitText('ab🚨cd', 4)).toBe('ab…');
    expect(fitText('a🚨cd', 4)).toBe('a🚨…');
  });

  it('is at most max units, valid Unicode, and the start of the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 2, max: 200 }),
        (text, max) => {
          // Act
          const fitted = fitText(text, max);
          // Assess
          expect(fitted.length).toBeLessThanOrEqual(max);
          expect(LONE_SURROGATE.test(fitted)).toBe(false);
          const clean = wellFormed(text);
          if (clean.length <= max) expect(fitted).toBe(clean);
          else {
            expect(fitted.endsWith('…')).toBe(true);
            expect(clean.startsWith(fitted.slice(0, -1))).toBe(true);
            expect(fitted.length).toBeGreaterThanOrEqual(max - 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
