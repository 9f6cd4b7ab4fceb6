/**
 * Format detection (docs/intake.md, "NDJSON or one document"): NDJSON, read line by line and
 * never held whole, or one JSON document spanning lines, held (within the item bound) and parsed
 * whole.
 *
 * @module
 */

import type { IntakeItem, Take } from './item.ts';
import { appendItems, collection, itemBatches } from './items.ts';
import { elementStartLines } from './json-scanner.ts';
import { formatBytes } from './limits.ts';
import { isBlank, isOverLongLine, type Lines, overLongReason, REST_NOT_READ } from './lines.ts';
import { notJson, readerProblem } from './malformed.ts';
import { errorLine, errorMessage, parseJson } from './parse-json.ts';

/**
 * Decides between NDJSON and one document spanning lines (docs/intake.md). A first non-blank line
 * that is a JSON value on its own (or is longer than the bound) makes NDJSON. Otherwise the lines
 * are held as a possible document until one of:
 *
 * - two non-blank lines in a row are each a JSON object or array on its own: no document can hold
 *   that (two values need a comma between), so it is NDJSON with damaged lines;
 * - the end: the held text parses → one document; it does not, and some line is a JSON object or
 *   array on its own → NDJSON; otherwise a broken document, reported once at its error's line;
 * - the held text passes `maxDocumentBytes`: NDJSON when such a line was seen, otherwise a
 *   document too large to hold, reported once, and the rest of the input is not read.
 *
 * NDJSON decided late reads the held lines again, with their numbers, and then streams the rest.
 *
 * @example
 * ```ts
 * for await (const batch of parseLines('events.ndjson', lines, undefined, 16 * 2 ** 20)) use(batch);
 * ```
 */
export async function* parseLines(
  source: string,
  lines: Lines,
  take: Take,
  maxDocumentBytes: number,
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
  if (isOverLongLine(first)) {
    lines.unread([first]);
    yield* ndjson(source, lines, take);
    return;
  }
  const held = [first];
  let heldBytes = Buffer.byteLength(first);
  let shapedSeen = false;
  let previousShaped = false;
  let isNdjson = false;
  for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
    held.push(line);
    if (isBlank(line)) continue;
    heldBytes += 1 + Buffer.byteLength(line);
    if (isOverLongLine(line) || heldBytes > maxDocumentBytes) {
      if (shapedSeen) {
        isNdjson = true;
        break;
      }
      const reason = `document longer than ${formatBytes(maxDocumentBytes)}${REST_NOT_READ}`;
      yield [readerProblem(source, firstLine, reason)];
      return;
    }
    const shaped = isLineShaped(line);
    if (shaped && previousShaped) {
      isNdjson = true;
      break;
    }
    shapedSeen ||= shaped;
    previousShaped = shaped;
  }
  if (!isNdjson) {
    // The end: the held text is one document, a broken one, or NDJSON with damaged lines.
    const text = held.join('\n');
    const parsed = parseJson(text);
    if (parsed.ok) {
      yield* documentItems(source, text, parsed.value, firstLine);
      return;
    }
    if (!shapedSeen) {
      yield [notJson(source, errorLine(text, parsed.message, firstLine), parsed.message)];
      return;
    }
  }
  lines.unread(held);
  yield* ndjson(source, lines, take);
}

/**
 * A line that is, on its own, a JSON object or array: an NDJSON line. Inside a document a line
 * like that may stand alone (the last element of an array), but never two in a row.
 */
function isLineShaped(line: string): boolean {
  const text = line.trim();
  const open = text.charCodeAt(0);
  const close = text.charCodeAt(text.length - 1);
  // `{` … `}` or `[` … `]`: only then can it be an object or an array; parse to be sure.
  if (!((open === 0x7b && close === 0x7d) || (open === 0x5b && close === 0x5d))) return false;
  return parseJson(text).ok;
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
        // A line over the bound was never held: the splitter left its reason in its place.
        out.push(
          isOverLongLine(line)
            ? readerProblem(source, first + i, overLongReason(line))
            : notJson(source, first + i, errorMessage(error)),
        );
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

function* documentItems(
  source: string,
  text: string,
  value: unknown,
  firstLine: number,
): Generator<IntakeItem[]> {
  const list = collection(value);
  const lines = list === null ? undefined : elementStartLines(text, firstLine, list.label || null);
  // A mismatch (an escaped or repeated key) falls back to the document's first line.
  yield* itemBatches(
    source,
    value,
    firstLine,
    lines?.length === list?.items.length ? lines : undefined,
  );
}
