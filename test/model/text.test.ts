import { describe, expect, it } from 'vitest';
import { isRecord, typeName } from '../../lib/core/model/json.ts';
import { oneLine, quote, shorten } from '../../lib/core/model/text.ts';

describe('shorten', () => {
  it.each([
    ['abc', 3, '…', 'abc'],
    ['abcd', 3, '…', 'ab…'],
    ['x'.repeat(80), 80, '...', 'x'.repeat(80)],
    ['x'.repeat(81), 80, '...', `${'x'.repeat(77)}...`],
  ])('%j in %i characters, marked %j', (text, max, mark, expected) => {
    // Act
    const shown = shorten(text, max, mark);

    // Assess
    expect(shown).toBe(expected);
    expect(shown.length).toBeLessThanOrEqual(max);
  });
});

describe('quote', () => {
  it('quotes a string as JSON, shown in at most 41 characters by default', () => {
    // Act / Assess
    expect(quote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(quote('y'.repeat(41))).toBe(`"${'y'.repeat(41)}"`);
    expect(quote('y'.repeat(42))).toBe(`"${'y'.repeat(40)}…"`);
  });

  it('escapes the line separators that JSON leaves as they are', () => {
    // Act
    const quoted = quote('a\u2028b\u2029c');

    // Assess
    expect(quoted).toBe('"a\\u2028b\\u2029c"');
  });

  it('names the type of anything but a string, never its content', () => {
    // Act / Assess
    expect(quote({ secret: 'x' })).toBe('object');
    expect(quote([1])).toBe('array');
    expect(quote(null)).toBe('null');
    expect(quote(undefined)).toBe('undefined');
  });

  it('shortens with the given limit and mark', () => {
    // Act / Assess
    expect(quote('z'.repeat(100), { max: 80, mark: '...' })).toBe(`"${'z'.repeat(77)}..."`);
  });
});

describe('oneLine', () => {
  it('turns every line break, with the blanks around it, into one space', () => {
    // Act / Assess
    expect(oneLine('cannot read:\n  no such file\r\n')).toBe('cannot read: no such file');
    expect(oneLine('a\r\rb\u2028c\u2029 d')).toBe('a b c d');
    expect(oneLine('  a  b  ')).toBe('a  b');
  });
});

describe('isRecord and typeName', () => {
  it.each([
    [{}, true, 'object'],
    [[], false, 'array'],
    [null, false, 'null'],
    ['s', false, 'string'],
    [1, false, 'number'],
  ])('%j', (value, record, type) => {
    // Act / Assess
    expect(isRecord(value)).toBe(record);
    expect(typeName(value)).toBe(type);
  });
});
