/**
 * Reading the Distributed Map's result files (lib/core/org/json-array-splitter.ts,
 * lib/core/org/result-entry.ts): a JSON array split into its elements as chunks arrive, and each
 * entry turned into an item's result — whatever the chunking, and refusing what is not one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../lib/core/org/json-array-splitter.ts';
import { resultOfEntry } from '../../lib/core/org/result-entry.ts';

/** Splits `text` fed in chunks cut at `cuts` (positions); the elements, then end(). */
function split(text: string, cuts: readonly number[] = []): string[] {
  const splitter = new JsonArraySplitter();
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...splitter.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...splitter.push(text.slice(from)));
  splitter.end();
  return out;
}

describe('JsonArraySplitter', () => {
  it('gives each element of an array of any JSON values, however the text is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (values, cuts, pretty) => {
          const text = pretty ? JSON.stringify(values, null, 2) : JSON.stringify(values);
          const elements = split(
            text,
            cuts.map((c) => c % (text.length + 1)),
          );
          expect(elements.map((e) => JSON.parse(e))).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps brackets, commas and escaped quotes inside strings', () => {
    const values = [{ a: '[x], "y" \\ }' }, 'a,b', ['[', ']']];
    expect(split(JSON.stringify(values), [3, 9, 14]).map((e) => JSON.parse(e))).toEqual(values);
  });

  it.each([
    ['text before the array', 'x[1]', /expected "\["/],
    ['text after the array', '[1] x', /text after the array/],
    ['an empty element', '[1,,2]', /an empty element/],
    ['an array not closed', '[1, 2', /not closed/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => split(text)).toThrow(message);
  });

  it('reads an empty array as no element', () => {
    expect(split(' [ ] ')).toEqual([]);
  });
});

describe('resultOfEntry', () => {
  const scanned = {
    status: 'SCANNED',
    account: '111122223333',
    region: 'eu-west-1',
    findings: 2,
    counts: { CONFIG_DRIFT: 2 },
  };

  it("gives a succeeded child's output, the item's result", () => {
    expect(resultOfEntry({ Status: 'SUCCEEDED', Output: JSON.stringify(scanned) })).toEqual(
      scanned,
    );
  });

  it('names the account-region of a child that failed outside the Catch, with its error', () => {
    const input = '{"account":"111122223333","region":"eu-west-1"}';
    expect(
      resultOfEntry({ Status: 'TIMED_OUT', Input: input, Error: 'States.Timeout', Cause: 'late' }),
    ).toEqual({
      status: 'FAILED',
      account: '111122223333',
      region: 'eu-west-1',
      error: 'States.Timeout',
      cause: 'late',
    });
    expect(resultOfEntry({ Status: 'ABORTED', Input: input })).toMatchObject({
      error: 'ABORTED',
      cause: '',
    });
    expect(resultOfEntry({ Input: input })).toMatchObject({ error: 'FAILED' });
  });

  it.each([
    ['a succeeded child without output', { Status: 'SUCCEEDED' }, /no Output/],
    ['an output that is not JSON', { Status: 'SUCCEEDED', Output: '{' }, /Output is not JSON/],
    [
      'an output that is not an item result',
      { Status: 'SUCCEEDED', Output: '{"status":"SCANNED","account":"1","region":"r"}' },
      /not an item result/,
    ],
    ['a failed child without input', { Status: 'FAILED' }, /no Input/],
    [
      'an input that is not an account-region',
      { Status: 'FAILED', Input: '{"a":1}' },
      /account-region/,
    ],
    ['an input that is null', { Status: 'FAILED', Input: 'null' }, /account-region/],
  ])('refuses %s', (_name, entry, message) => {
    expect(() => resultOfEntry(entry)).toThrow(message);
  });
});
