/**
 * DynamoDB for tests: an in-process `dynalite` behind a small proxy built on
 * {@link FakeHttpServer}, so that requests are recorded and faults (throttling, 5xx, latency,
 * hangs, resets) can be injected while everything else is forwarded to dynalite unchanged.
 *
 * Errors the proxy itself answers use DynamoDB's AWS JSON 1.0 shape:
 * `{"__type": "com.amazonaws.dynamodb.v20120810#<Code>", "message": ...}`.
 *
 * One feature dynalite lacks is emulated here: `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`.
 * When a `PutItem`, `UpdateItem` or `DeleteItem` that asked for it fails its condition, the
 * proxy reads the item from dynalite and adds it to the `ConditionalCheckFailedException` body as
 * `Item` (absent when there is no item), as DynamoDB does. Single-item writes are serialized per
 * key in the proxy, so that the item added is the one the condition was checked against.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import dynalite from 'dynalite';
import {
  AwsError,
  FakeHttpServer,
  type ParsedRequest,
  type Reply,
  type StartedServer,
} from './http.ts';

const JSON_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONDITION_FAILED = 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException';
/** The single-item writes that accept `ReturnValuesOnConditionCheckFailure`. */
const SINGLE_ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

type WireItem = Record<string, unknown>;
interface WriteRequest {
  TableName?: unknown;
  Key?: unknown;
  Item?: unknown;
  ReturnValuesOnConditionCheckFailure?: unknown;
}

/** A fault-injecting proxy in front of an in-memory dynalite. */
export class FakeDynamoDb extends FakeHttpServer {
  private backend: { host: string; port: number } | undefined;
  /** Key attribute names per table, read once from dynalite (for PutItem's key). */
  private readonly keyNames = new Map<string, Promise<string[]>>();
  /** The tail of the queue of single-item writes per table and key. */
  private readonly writeQueues = new Map<string, Promise<unknown>>();

  /** Starts dynalite (tables become ACTIVE at once), then the proxy; `close()` stops both. */
  override async start(): Promise<StartedServer> {
    const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
    this.backend = { host: '127.0.0.1', port: (db.address() as AddressInfo).port };
    const proxy = await super.start();
    let closed: Promise<void> | undefined;
    return {
      endpoint: proxy.endpoint,
      close: () => {
        closed ??= proxy.close().then(
          () =>
            new Promise<void>((resolve, reject) => {
              db.close((error) => (error ? reject(error) : resolve()));
              db.closeAllConnections();
            }),
        );
        return closed;
      },
    };
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : target;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      body = raw.toString('utf8'); // dynalite answers SerializationException itself
    }
    return { operation, body };
  }

  /**
   * Forwards the request verbatim to dynalite and relays its answer; single-item writes are
   * serialized per key and get `ReturnValuesOnConditionCheckFailure` emulated.
   */
  protected override async handle(request: ParsedRequest): Promise<Reply> {
    const body = request.body as WriteRequest;
    if (!SINGLE_ITEM_WRITES.has(request.operation) || typeof body !== 'object' || body === null) {
      return this.forward(request.headers, request.raw);
    }
    const key = await this.itemKey(request.operation, body);
    if (key === undefined) return this.forward(request.headers, request.raw);
    const queueKey = JSON.stringify([body.TableName, key]);
    const previous = this.writeQueues.get(queueKey) ?? Promise.resolve();
    const mine = previous.then(() => this.writeItem(request, body, key));
    const tail = mine.catch(() => {});
    this.writeQueues.set(queueKey, tail);
    void tail.then(() => {
      if (this.writeQueues.get(queueKey) === tail) this.writeQueues.delete(queueKey);
    });
    return mine;
  }

  /** One single-item write; on a failed condition that asked for it, adds the current item. */
  private async writeItem(request: ParsedRequest, body: WriteRequest, key: WireItem) {
    const reply = await this.forward(request.headers, request.raw);
    if (reply.status !== 400 || body.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') {
      return reply;
    }
    const error = JSON.parse(reply.body.toString()) as { __type?: string };
    if (error.__type !== CONDITION_FAILED) return reply;
    const found = await this.backendCall('GetItem', {
      TableName: body.TableName,
      Key: key,
      ConsistentRead: true,
    });
    const item = (found as { Item?: WireItem }).Item;
    if (item === undefined) return reply;
    const text = JSON.stringify({ ...error, Item: item });
    return {
      ...reply,
      headers: { ...reply.headers, 'x-amz-crc32': String(crc32(text)) },
      body: text,
    };
  }

  /** The primary key a single-item write addresses (undefined: malformed; dynalite answers). */
  private async itemKey(operation: string, body: WriteRequest): Promise<WireItem | undefined> {
    if (operation !== 'PutItem') {
      return typeof body.Key === 'object' && body.Key !== null ? (body.Key as WireItem) : undefined;
    }
    if (typeof body.TableName !== 'string' || typeof body.Item !== 'object' || body.Item === null) {
      return undefined;
    }
    const item = body.Item as WireItem;
    const names = await this.keyNamesOf(body.TableName);
    if (names.length === 0 || names.some((name) => item[name] === undefined)) return undefined;
    return Object.fromEntries(names.map((name) => [name, item[name]]));
  }

  private keyNamesOf(table: string): Promise<string[]> {
    let names = this.keyNames.get(table);
    if (!names) {
      names = this.backendCall('DescribeTable', { TableName: table }).then(
        (out) =>
          (
            (out as { Table?: { KeySchema?: { AttributeName: string }[] } }).Table?.KeySchema ?? []
          ).map((k) => k.AttributeName),
        () => [],
      );
      // A table that does not exist (yet) is looked up again next time.
      void names.then((found) => {
        if (found.length === 0) this.keyNames.delete(table);
      });
      this.keyNames.set(table, names);
    }
    return names;
  }

  /** A request of the proxy's own to dynalite (not recorded, never faulted). */
  private async backendCall(operation: string, input: unknown): Promise<unknown> {
    const reply = await this.forward(
      {
        'content-type': JSON_TYPE,
        'x-amz-target': `${TARGET_PREFIX}${operation}`,
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKEFAKE/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20200101T000000Z',
      },
      Buffer.from(JSON.stringify(input)),
    );
    const out = JSON.parse(reply.body.toString()) as unknown;
    if (reply.status !== 200) throw new Error(`dynalite ${operation}: ${JSON.stringify(out)}`);
    return out;
  }

  /** Sends raw bytes to dynalite with `headers` and relays its answer. */
  private forward(requestHeaders: ParsedRequest['headers'], raw: Buffer): Promise<Reply> {
    const backend = this.backend;
    if (!backend) throw new Error('dynalite not started');
    const headers = { ...requestHeaders };
    delete headers.connection;
    delete headers['content-length'];
    headers['content-length'] = String(raw.length);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { ...backend, method: 'POST', path: '/', headers, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const relayed: Record<string, string> = {};
            for (const name of ['content-type', 'x-amzn-requestid', 'x-amz-crc32']) {
              const value = response.headers[name];
              if (value !== undefined) relayed[name] = String(value);
            }
            resolve({
              status: response.statusCode ?? 500,
              headers: relayed,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(raw);
    });
  }

  protected override errorReply(error: AwsError): Reply {
    return {
      status: error.status,
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${error.code}`,
        message: error.message,
      }),
    };
  }

  protected override throttleError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
  }
}
