/**
 * Format detection (docs/intake.md): NDJSON, read line by line and never held whole, or one JSON
 * document spanning lines, parsed whole.
 *
 * @module
 */

import { isRecord } from '../../core/model/json.ts';
import type { IntakeItem, Take } from './item.ts';
import { appendItems, collection, itemBatches } from './items.ts';
import { elementStartLines } from './json-scanner.ts';
import { isBlank, type Lines } from './lines.ts';
import { notJson } from './malformed.ts';
import { errorLine, errorMessage, parseJson } from './parse-json.ts';

/**
 * Decides between NDJSON and one document spanning lines (docs/intake.md): a first line that parses
 * alone is NDJSON (a one-line document is the same thing); otherwise the input is one document,
 * except when the first line cannot open a document and the second is a complete object: that
 * is NDJSON with a broken first line, and holding the whole input would be wrong.
 *
 * @example
 * ```ts
 * for await (const batch of parseLines('events.ndjson', lines, undefined)) use(batch);
 * ```
 */
export async function* parseLines(
  source: string,
  lines: Lines,
  take: Take,
): AsyncGenerator<IntakeItem[]> {
  const first = await lines.nextNonBlank();
  if (first === undefined) return;
  const firstLine = lines.number;
  const firstParsed = parseJson(first);
  if (firstParsed.ok) {
    if (!take?.(firstParsed.value)) yield* itemBatches(source, firstParsed.value, firstLine);
    yield* ndjson(source, lines, take);
    return;
  }
  const second = await lines.nextNonBlank();
  if (second === undefined) {
    yield [notJson(source, firstLine, firstParsed.message)];
    return;
  }
  const secondLine = lines.number;
  const secondParsed = parseJson(second);
  if (secondParsed.ok && isRecord(secondParsed.value) && !opensDocument(first)) {
    yield [notJson(source, firstLine, firstParsed.message)];
    if (!take?.(secondParsed.value)) yield* itemBatches(source, secondParsed.value, secondLine);
    yield* ndjson(source, lines, take);
    return;
  }
  // Blank lines between the two are restored so that line numbers inside the document hold.
  const parts = [first, ...new Array<string>(secondLine - firstLine - 1).fill(''), second];
  for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
    parts.push(line);
  }
  yield* documentItems(source, parts.join('\n'), firstLine);
}

/** A line ending like the start of a pretty-printed document (`{`, `[`, `"key":`, `{"a": 1,`). */
function opensDocument(line: string): boolean {
  return /[[{,:]\s*$/.test(line);
}

/**
 * The remaining lines as NDJSON: one batch of items per batch of lines read.
 *
 * @example
 * ```ts
 * for await (const batch of ndjson(path, lines, take)) use(batch);
 * ```
 */
export async function* ndjson(
  source: string,
  lines: Lines,
  take: Take,
): AsyncGenerator<IntakeItem[]> {
  for (let batch = await lines.nextBatch(); batch !== undefined; batch = await lines.nextBatch()) {
    let out: IntakeItem[] = [];
    const { lines: texts, first } = batch;
    for (let i = 0; i < texts.length; i++) {
      const line = texts[i] as string;
      if (isBlank(line)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        out.push(notJson(source, first + i, errorMessage(error)));
        continue;
      }
      if (take !== undefined) {
        // The items before this value go first, so that the consumer sees input order.
        if (out.length > 0) {
          yield out;
          out = [];
        }
        if (take(value)) continue;
      }
      appendItems(out, source, value, first + i);
    }
    if (out.length > 0) yield out;
  }
}

function* documentItems(source: string, text: string, firstLine: number): Generator<IntakeItem[]> {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    yield [notJson(source, errorLine(text, parsed.message, firstLine), parsed.message)];
    return;
  }
  const list = collection(parsed.value);
  const lines =
    list === null ? undefined : elementStartLines(text, firstLine, list.label === 'Records');
  // A mismatch (an escaped or repeated `Records` key) falls back to the document's first line.
  yield* itemBatches(
    source,
    parsed.value,
    firstLine,
    lines?.length === list?.items.length ? lines : undefined,
  );
}
