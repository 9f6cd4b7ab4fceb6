/**
 * From one parsed JSON value to intake items: each element of an array, of a CloudTrail log
 * file's `Records` or of a receive-message output's `Messages`, else the value itself — a Lambda
 * destination record giving its `requestPayload` — each normalized into domain events.
 *
 * @module
 */
import { own } from '../../core/intake/fields.ts';
import { normalizeEvent } from '../../core/intake/normalize.ts';
import { isRecord } from '../../core/model/json.ts';
import { isDestinationRecord, messageEvent } from './failure-queue.ts';
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
    yield [itemOf(source, line, value, '')];
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
  // An object that is no wrapper (a log file, a receive-message output, a destination record) is
  // the usual NDJSON line: one event.
  if (
    isRecord(value) &&
    !Object.hasOwn(value, 'Records') &&
    !Object.hasOwn(value, 'Messages') &&
    !Object.hasOwn(value, 'requestPayload')
  ) {
    out.push({ source, line, result: normalizeEvent(value) });
    return;
  }
  const list = collection(value);
  if (list === null) {
    out.push(itemOf(source, line, value, ''));
    return;
  }
  for (let index = 0; index < list.items.length; index++) {
    out.push(elementItem(source, list, index, line));
  }
}

/** The item of element `index` of a collection; a malformed reason names its position. */
function elementItem(source: string, list: Collection, index: number, line: number): IntakeItem {
  const element = list.items[index];
  const path = `${list.label}[${index}]`;
  if (list.label !== 'Messages') return itemOf(source, line, element, path);
  const found = messageEvent(element);
  if (!found.ok) {
    return { source, line, result: { kind: 'malformed', reason: `${path}.${found.reason}` } };
  }
  return itemOf(source, line, found.event, `${path}.${found.path}`);
}

/**
 * The item of one value found at `path` (empty at the top): a destination record gives its
 * `requestPayload`; a malformed reason is prefixed with where the event was.
 */
function itemOf(source: string, line: number, value: unknown, path: string): IntakeItem {
  let event = value;
  let where = path;
  if (isDestinationRecord(value)) {
    event = value.requestPayload;
    where = path === '' ? 'requestPayload' : `${path}.requestPayload`;
  }
  const result = normalizeEvent(event);
  return {
    source,
    line,
    result:
      result.kind === 'malformed' && where !== ''
        ? { kind: 'malformed', reason: `${where}: ${result.reason}` }
        : result,
  };
}

/** The list of events a JSON value holds. */
export interface Collection {
  /** `Records` for a CloudTrail log file, `Messages` for an SQS receive-message output, empty for a plain array. */
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
  // A CloudTrail log file holds only Records, a receive-message output only Messages; an event
  // that happens to carry either key is an event.
  const isEvent =
    isRecord(value) && (Object.hasOwn(value, 'eventSource') || Object.hasOwn(value, 'detail-type'));
  if (isEvent) return null;
  const records = own(value, 'Records');
  if (Array.isArray(records)) return { label: 'Records', items: records };
  const messages = own(value, 'Messages');
  return Array.isArray(messages) ? { label: 'Messages', items: messages } : null;
}
