import { describe, expect, it } from 'vitest';
import {
  isTagFirstChar,
  isValidTag,
  TAG_CHARS,
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
