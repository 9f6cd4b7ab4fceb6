/**
 * A tiny HTTP server base for the fake AWS services: listens on 127.0.0.1 with an ephemeral
 * port, records every request, and lets tests inject faults (AWS errors, latency, hangs,
 * connection resets) and a per-operation rate limit.
 *
 * A fake subclasses {@link FakeHttpServer} and implements three protocol hooks: `parse` (which
 * operation, which body), `handle` (the answer) and `errorReply` (how this protocol writes an
 * error). Handlers report service errors by throwing {@link AwsError}.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A service error a fake answers with; `code` is the AWS error code (`ThrottlingException`). */
export class AwsError extends Error {
  /**
   * @param code - the AWS error code, as the service writes it on the wire.
   * @param message - the human-readable message.
   * @param status - the HTTP status code.
   */
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

/**
 * What to do with one request instead of answering it normally.
 * - `error`: answer with this AWS error.
 * - `throttle`: answer with the service's own throttling error (see {@link FakeHttpServer.throttleError}).
 * - `delay`: wait `ms`, then answer normally.
 * - `hang`: never answer (until the server closes); use it to trigger the client's timeout.
 * - `reset`: destroy the connection with a TCP reset, without answering.
 */
export type Fault =
  | { kind: 'error'; code: string; status: number; message?: string }
  | { kind: 'throttle' }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** Shorthands for the usual {@link Fault}s. */
export const fault = {
  /** The service's own throttling error (ECR/DynamoDB `ThrottlingException` 400, SNS `Throttled` 429). */
  throttle: (): Fault => ({ kind: 'throttle' }),
  /** HTTP 500 `InternalFailure`. */
  internal: (): Fault => ({ kind: 'error', code: 'InternalFailure', status: 500 }),
  /** HTTP 503 `ServiceUnavailable`. */
  unavailable: (): Fault => ({ kind: 'error', code: 'ServiceUnavailable', status: 503 }),
  /** Any AWS error. */
  error: (code: string, status = 400, message?: string): Fault => ({
    kind: 'error',
    code,
    status,
    ...(message === undefined ? {} : { message }),
  }),
  /** Wait `ms`, then answer normally. */
  delay: (ms: number): Fault => ({ kind: 'delay', ms }),
  /** Never answer. */
  hang: (): Fault => ({ kind: 'hang' }),
  /** Reset the connection. */
  reset: (): Fault => ({ kind: 'reset' }),
};

/** One request as the fake understood it. */
export interface ParsedRequest {
  /** The service operation, e.g. `DescribeRepositories` or `Publish`. */
  operation: string;
  /** The decoded request body (protocol-specific: JSON object, or decoded form parameters). */
  body: unknown;
  /** The raw request bytes. */
  raw: Buffer;
  /** The request headers (lower-case names). */
  headers: IncomingHttpHeaders;
}

/** A request the server received, in arrival order. */
export interface RecordedRequest {
  operation: string;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The fault applied to it, `rate-limit` when the rate limiter throttled it, else undefined. */
  fault: Fault['kind'] | 'rate-limit' | undefined;
  /** Arrival time (`Date.now()`). */
  time: number;
}

/** Decides, per request, whether to inject a fault; `n` counts this operation's requests from 1. */
export type FaultRule = (request: {
  operation: string;
  body: unknown;
  n: number;
}) => Fault | undefined;

/** A token bucket per operation: at most `perSecond` requests/s on average, bursts up to `burst`. */
export interface RateLimit {
  perSecond: number;
  /** Bucket size; defaults to `perSecond`. */
  burst?: number;
}

/** An HTTP answer. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** A running server. */
export interface StartedServer {
  /** `http://127.0.0.1:PORT`, to pass as the SDK client's `endpoint`. */
  endpoint: string;
  /** Stops the server and destroys every open connection (hung requests included). */
  close(): Promise<void>;
}

/** Options shared by every fake. */
export interface FakeServerOptions {
  /** Fixed latency added before every answer (normal or error), in ms. */
  latencyMs?: number;
  /** Throttle with the service's throttling error above this rate, per operation. */
  rateLimit?: RateLimit;
}

/** Base class of the fakes: recording, fault injection, rate limiting, latency. */
export abstract class FakeHttpServer {
  /** Every request received, faulted or not, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Fixed latency before every answer, in ms (mutable). */
  latencyMs: number;
  /** Per-operation rate limit (mutable; `undefined` disables it). */
  rateLimit: RateLimit | undefined;
  /**
   * The rate limiter's clock, in ms (mutable): wall time by default; a test that must not depend
   * on how fast a loaded machine sends its requests makes each request advance it instead.
   */
  clock: () => number = () => performance.now();

  private readonly queues = new Map<string, Fault[]>();
  private readonly rules = new Map<string, FaultRule>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private server: Server | undefined;

  constructor(options: FakeServerOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.rateLimit = options.rateLimit;
  }

  /** Reads the operation and body of a request; throw {@link AwsError} for a malformed one. */
  protected abstract parse(
    request: IncomingMessage,
    raw: Buffer,
  ): { operation: string; body: unknown };
  /** Answers a request; throw {@link AwsError} for a service error. */
  protected abstract handle(request: ParsedRequest): Reply | Promise<Reply>;
  /** Writes an error the way this protocol does. */
  protected abstract errorReply(error: AwsError): Reply;
  /** The service's own throttling error, used by `fault.throttle()` and the rate limiter. */
  protected abstract throttleError(): AwsError;

  /**
   * Queues faults for the next requests of `operation` (`'*'`: any operation), one fault per
   * request, in order. Queued faults win over rules.
   */
  inject(operation: string, ...faults: Fault[]): this {
    this.queues.set(operation, [...(this.queues.get(operation) ?? []), ...faults]);
    return this;
  }

  /** Sets a rule deciding a fault for each request of `operation` (`'*'`: any); replaces the previous rule. */
  injectWith(operation: string, rule: FaultRule): this {
    this.rules.set(operation, rule);
    return this;
  }

  /** Removes every queued fault and rule, and refills the rate-limit buckets. */
  clearFaults(): void {
    this.queues.clear();
    this.rules.clear();
    this.buckets.clear();
  }

  /** Forgets the recorded requests and every fault; the rate limiter's clock is wall time again. */
  reset(): void {
    this.requests.length = 0;
    this.clearFaults();
    this.clock = () => performance.now();
  }

  /** How many requests of `operation` arrived (all operations when omitted). */
  count(operation?: string): number {
    return this.requests.filter((r) => operation === undefined || r.operation === operation).length;
  }

  /**
   * Answers one HTTP request, as the server {@link start} starts does: a front that routes
   * requests itself (test/fakes/ecr-fleet.ts) hands them over here, in process.
   */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) this.send(res, this.errorReply(toAwsError(error)));
    });
  };

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  async start(): Promise<StartedServer> {
    if (this.server) throw new Error('fake server already started');
    const server = createServer(this.listener);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let closed: Promise<void> | undefined;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      close: () => {
        closed ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        return closed;
      },
    };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let parsed: ParsedRequest;
    try {
      parsed = { ...this.parse(req, raw), raw, headers: req.headers };
    } catch (error) {
      this.send(res, this.errorReply(toAwsError(error)));
      return;
    }
    const injected = this.nextFault(parsed);
    const limited = injected === undefined && !this.admit(parsed.operation);
    this.requests.push({
      operation: parsed.operation,
      body: parsed.body,
      headers: req.headers,
      fault: limited ? 'rate-limit' : injected?.kind,
      time: Date.now(),
    });
    if (injected?.kind === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (injected?.kind === 'hang') return;
    if (injected?.kind === 'delay') await sleep(injected.ms);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    let reply: Reply;
    if (limited || injected?.kind === 'throttle') {
      reply = this.errorReply(this.throttleError());
    } else if (injected?.kind === 'error') {
      const message = injected.message ?? `injected ${injected.code}`;
      reply = this.errorReply(new AwsError(injected.code, message, injected.status));
    } else {
      try {
        reply = await this.handle(parsed);
      } catch (error) {
        reply = this.errorReply(toAwsError(error));
      }
    }
    this.send(res, reply);
  }

  private nextFault(request: ParsedRequest): Fault | undefined {
    const { operation, body } = request;
    const n = this.count(operation) + 1;
    for (const key of [operation, '*']) {
      const queued = this.queues.get(key)?.shift();
      if (queued) return queued;
    }
    for (const key of [operation, '*']) {
      const decided = this.rules.get(key)?.({ operation, body, n });
      if (decided) return decided;
    }
    return undefined;
  }

  /** Token bucket per operation; true when the request may proceed. */
  private admit(operation: string): boolean {
    const limit = this.rateLimit;
    if (!limit) return true;
    const capacity = limit.burst ?? limit.perSecond;
    const now = this.clock();
    const bucket = this.buckets.get(operation) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(
      capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond,
    );
    bucket.at = now;
    this.buckets.set(operation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    res.writeHead(reply.status, {
      'x-amzn-requestid': randomUUID(),
      ...reply.headers,
      'content-length': String(body.length),
    });
    res.end(body);
  }
}

function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', `fake server bug: ${message}`, 500);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
