import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTagFirstChar,
  isValidTag,
  TAG_CHARS,
  TAG_GRAMMAR,
  TAG_MAX_LENGTH,
  TAG_PATTERN,
} from '../../lib/core/semantics/tags.ts';

describe('isValidTag', () => {
  it.each([
    ['v1', true],
    ['latest', true],
    ['_x', true],
    ['A.b-c_d', true],
    ['a'.repeat(128), true],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a'.repeat(129), false],
    ['a/b', false],
    ['a b', false],
    ['é', false],
  ])('%j → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('tag characters', () => {
  it('lists the 65 tag characters in ASCII order, agreeing with TAG_PATTERN', () => {
    // Assess
    expect(TAG_CHARS).toHaveLength(65);
    expect([...TAG_CHARS].sort()).toEqual(TAG_CHARS);
    for (let code = 0; code < 128; code++) {
      const ch = String.fromCharCode(code);
      expect(TAG_CHARS.includes(ch)).toBe(TAG_PATTERN.test(`a${ch}`));
      expect(isTagFirstChar(ch)).toBe(TAG_PATTERN.test(ch));
    }
    expect(TAG_PATTERN.test('a'.repeat(TAG_MAX_LENGTH))).toBe(true);
  });
});

describe('the tag grammar against the OCI distribution spec', () => {
  // An independent copy of the spec's grammar, kept here as the oracle: the code derives its
  // pattern, alphabet and fast check from one definition, so none of them can check the others.
  const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

  it('is written as the spec writes it', () => {
    // Assess
    expect(TAG_GRAMMAR).toBe('[A-Za-z0-9_][A-Za-z0-9._-]{0,127}');
    expect(TAG_PATTERN.source).toBe(OCI_TAG.source);
  });

  it('isValidTag accepts exactly what the spec accepts (property)', () => {
    // Prepare: characters from inside and outside the grammar, lengths around the limit.
    const unit = fc.constantFrom(...'aZ09_.-/:@+ é\u0000~'.split(''));
    const candidates = fc.oneof(
      fc.string({ unit, maxLength: 12 }),
      fc.string({ unit, minLength: 126, maxLength: 130 }),
    );

    // Act / Assess
    fc.assert(
      fc.property(candidates, (tag) => {
        expect(isValidTag(tag)).toBe(OCI_TAG.test(tag));
      }),
      { numRuns: 5_000 },
    );
  });
});
