/**
 * DynamoDB for tests: an in-process `dynalite` behind a small proxy built on
 * {@link FakeHttpServer}, so that requests are recorded and faults (throttling, 5xx, latency,
 * hangs, resets) can be injected while everything else is forwarded to dynalite unchanged.
 *
 * Errors the proxy itself answers use DynamoDB's AWS JSON 1.0 shape:
 * `{"__type": "com.amazonaws.dynamodb.v20120810#<Code>", "message": ...}`.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A fault-injecting proxy in front of an in-memory dynalite. */
export class FakeDynamoDb extends FakeHttpServer {
  private backend: { host: string; port: number } | undefined;

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

  /** Forwards the request verbatim to dynalite and relays its answer. */
  protected override handle(request: ParsedRequest): Promise<Reply> {
    const backend = this.backend;
    if (!backend) throw new Error('dynalite not started');
    const headers = { ...request.headers };
    delete headers.connection;
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
      outgoing.end(request.raw);
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
