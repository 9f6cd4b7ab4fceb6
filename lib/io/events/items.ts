/**
 * From one parsed JSON value to intake items: each element of an array or of a CloudTrail log
 * file's `Records`, else the value itself, each normalized into domain events.
 *
 * @module
 */
import { own } from '../../core/intake/fields.ts';
import { normalizeEvent } from '../../core/intake/normalize.ts';
import { isRecord } from '../../core/model/json.ts';
import type { IntakeItem } from './item.ts';

/** Items of a document are yielded in batches of at most this many. */
const DOCUMENT_BATCH = 4096;

/**
 * The items of one parsed JSON value (see {@link appendItems}), in bounded batches.
 *
 * @example
 * ```ts
 * for (const batch of itemBatches('log.json', JSON.parse(text), 1)) yield batch;
 * ```
 */
export function* itemBatches(
  source: string,
  value: unknown,
  line: number,
  elementLines?: readonly number[],
): Generator<IntakeItem[]> {
  const list = collection(value);
  if (list === null) {
    yield [{ source, line, result: normalizeEvent(value) }];
    return;
  }
  for (let start = 0; start < list.items.length; start += DOCUMENT_BATCH) {
    const out: IntakeItem[] = [];
    const end = Math.min(list.items.length, start + DOCUMENT_BATCH);
    for (let index = start; index < end; index++) {
      out.push(elementItem(source, list, index, elementLines?.[index] ?? line));
    }
    yield out;
  }
}

/**
 * Appends the items of one parsed JSON value: each element of an array or of a CloudTrail log
 * file's `Records`, else the value itself.
 *
 * @example
 * ```ts
 * appendItems(out, 'events.ndjson', JSON.parse(line), 7);
 * ```
 */
export function appendItems(out: IntakeItem[], source: string, value: unknown, line: number): void {
  // An object that is not a CloudTrail log file is the usual NDJSON line: one event.
  const list = isRecord(value) && !Object.hasOwn(value, 'Records') ? null : collection(value);
  if (list === null) {
    out.push({ source, line, result: normalizeEvent(value) });
    return;
  }
  for (let index = 0; index < list.items.length; index++) {
    out.push(elementItem(source, list, index, line));
  }
}

/** The item of element `index` of a collection; a malformed reason names its position. */
function elementItem(source: string, list: Collection, index: number, line: number): IntakeItem {
  const result = normalizeEvent(list.items[index]);
  return {
    source,
    line,
    result:
      result.kind === 'malformed'
        ? { kind: 'malformed', reason: `${list.label}[${index}]: ${result.reason}` }
        : result,
  };
}

/** The list of events a JSON value holds. */
export interface Collection {
  /** `Records` for a CloudTrail log file, empty for a plain array. */
  readonly label: string;
  readonly items: readonly unknown[];
}

/**
 * @example
 * ```ts
 * collection({ Records: [a, b] }); // { label: 'Records', items: [a, b] }
 * ```
 */
export function collection(value: unknown): Collection | null {
  if (Array.isArray(value)) return { label: '', items: value };
  const records = own(value, 'Records');
  // A CloudTrail log file holds only Records; an event that happens to carry one is an event.
  const isEvent =
    isRecord(value) && (Object.hasOwn(value, 'eventSource') || Object.hasOwn(value, 'detail-type'));
  return Array.isArray(records) && !isEvent ? { label: 'Records', items: records } : null;
}
