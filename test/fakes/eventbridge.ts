/**
 * A fake Amazon EventBridge speaking the wire protocol of `@aws-sdk/client-eventbridge` (AWS JSON
 * 1.1: `POST /`, `X-Amz-Target: AWSEvents.<Operation>`, content type `application/x-amz-json-1.1`;
 * errors `{"__type": code, "message": ...}`; `Time` as epoch seconds).
 *
 * Operation: PutEvents, with the validation and limits the EventBridge API Reference and User
 * Guide document:
 * - 1 to 10 entries a request, else the whole request fails (`ValidationException`);
 * - the entries' total size at most 256 KB, each entry's size computed as "Calculating PutEvents
 *   event entry size" says: `Time` 14 bytes when given, the UTF-8 bytes of `Source`,
 *   `DetailType`, `Detail` and of each of `Resources` — else the whole request fails;
 * - per entry: `Source`, `DetailType` and `Detail` required (`InvalidArgument`), `Detail` a JSON
 *   object (`MalformedDetail`), `EventBusName` (a name or an ARN; absent: `default`) an existing
 *   bus of this account and region (`ResourceNotFoundException`). A failed entry is reported in
 *   `Entries` at its index with `ErrorCode` and `ErrorMessage`, and counted in
 *   `FailedEntryCount`; the others are accepted.
 *
 * Tests inject per-entry failures ({@link FakeEventBridge.entryFault}: the retryable
 * `ThrottlingException` and `InternalFailure` AWS documents, or any other code) and, through the
 * base class, whole-request faults (`fault.throttle()` is `ThrottlingException`, HTTP 400).
 * Accepted events are kept as EventBridge would deliver them ({@link FakeEventBridge.put}).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';
import { jsonError, jsonReply, parseJsonRequest } from './json-protocol.ts';

/** The target prefix the SDK sends in `X-Amz-Target`. */
export const EVENTS_TARGET_PREFIX = 'AWSEvents.';
/** Entries a PutEvents request may carry. */
const MAX_ENTRIES = 10;
/** The limit on the entries' total size, in bytes (256 KB). */
export const MAX_REQUEST_BYTES = 262_144;

/** One entry of a PutEvents request, as sent on the wire. */
export interface WireEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
  TraceHeader?: unknown;
}

/** An event EventBridge accepted, as a rule on its bus would receive it. */
export interface PutEvent {
  /** The bus's name. */
  readonly bus: string;
  readonly event: {
    readonly version: '0';
    readonly id: string;
    readonly 'detail-type': string;
    readonly source: string;
    readonly account: string;
    readonly time: string;
    readonly region: string;
    readonly resources: readonly string[];
    readonly detail: Record<string, unknown>;
  };
}

/** A per-entry failure: the `ErrorCode` and `ErrorMessage` of its result entry. */
export interface EntryFailure {
  readonly code: string;
  readonly message: string;
}

/** Options of {@link FakeEventBridge}. */
export interface FakeEventBridgeOptions extends FakeServerOptions {
  /** The account of the callers (the `account` of accepted events). */
  account?: string;
  region?: string;
  /** Custom buses besides `default`. */
  buses?: string[];
}

/**
 * The size EventBridge counts for one entry (User Guide, "Calculating PutEvents event entry
 * size").
 */
export function entrySize(entry: WireEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) size += bytes(r);
  return size;
}

/** A fake EventBridge with a `default` bus and the custom buses given. */
export class FakeEventBridge extends FakeHttpServer {
  /** Every accepted event, in order. */
  readonly put: PutEvent[] = [];
  readonly account: string;
  readonly region: string;
  /** Bus names that exist. */
  readonly buses: Set<string>;
  /**
   * Decides a failure of one entry that passed validation; `n` counts the PutEvents requests from
   * 1 (faulted ones included). Undefined accepts it.
   */
  entryFault: ((entry: WireEntry, n: number) => EntryFailure | undefined) | undefined;

  constructor(options: FakeEventBridgeOptions = {}) {
    super(options);
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.buses = new Set(['default', ...(options.buses ?? [])]);
  }

  /** The ARN of the bus `name`. */
  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${name}`;
  }

  /** Forgets recorded requests, accepted events, faults and {@link FakeEventBridge.entryFault}. */
  override reset(): void {
    super.reset();
    this.put.length = 0;
    this.entryFault = undefined;
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    return parseJsonRequest(request, raw, EVENTS_TARGET_PREFIX);
  }

  protected override handle(request: ParsedRequest): Reply | Promise<Reply> {
    const known = String(request.headers['x-amz-target'] ?? '').startsWith(EVENTS_TARGET_PREFIX);
    if (!known || request.operation !== 'PutEvents') {
      throw new AwsError(
        'UnknownOperationException',
        `operation ${request.operation || '(none)'} is not supported by the fake EventBridge`,
      );
    }
    const body = (request.body ?? {}) as { Entries?: unknown };
    return jsonReply(this.putEvents(body.Entries));
  }

  protected override errorReply(error: AwsError): Reply {
    return jsonError(error);
  }

  protected override throttleError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded');
  }

  private putEvents(entries: unknown) {
    if (!Array.isArray(entries)) {
      throw validation(
        "Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound =
        entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
      throw validation(
        `Value '[…]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
      );
    }
    const typed = entries as WireEntry[];
    if (typed.reduce((sum, e) => sum + entrySize(e), 0) > MAX_REQUEST_BYTES) {
      throw new AwsError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const n = this.count('PutEvents');
    const results = typed.map((entry) => {
      const failure = this.check(entry) ?? this.entryFault?.(entry, n);
      if (failure) return { ErrorCode: failure.code, ErrorMessage: failure.message };
      return { EventId: this.accept(entry) };
    });
    return {
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    };
  }

  /** The per-entry validation; undefined when the entry is valid. */
  private check(entry: WireEntry): EntryFailure | undefined {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return {
          code: 'InvalidArgument',
          message: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { code: 'MalformedDetail', message: 'Detail is malformed.' };
    }
    if (this.busOf(entry) === undefined) {
      return {
        code: 'ResourceNotFoundException',
        message: `Event bus ${String(entry.EventBusName)} does not exist.`,
      };
    }
    return undefined;
  }

  /** The name of the entry's bus when it exists here (a name or an ARN of this account and region). */
  private busOf(entry: WireEntry): string | undefined {
    const given = entry.EventBusName ?? 'default';
    if (typeof given !== 'string') return undefined;
    const prefix = `arn:aws:events:${this.region}:${this.account}:event-bus/`;
    const name = given.startsWith('arn:')
      ? given.startsWith(prefix)
        ? given.slice(prefix.length)
        : undefined
      : given;
    return name !== undefined && this.buses.has(name) ? name : undefined;
  }

  private accept(entry: WireEntry): string {
    const id = randomUUID();
    const time =
      typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(Date.now());
    this.put.push({
      bus: this.busOf(entry) ?? 'default',
      event: {
        version: '0',
        id,
        'detail-type': entry.DetailType as string,
        source: entry.Source as string,
        account: this.account,
        // EventBridge writes whole seconds.
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: this.region,
        resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
        detail: JSON.parse(entry.Detail as string) as Record<string, unknown>,
      },
    });
    return id;
  }
}

function validation(detail: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: ${detail}`);
}
