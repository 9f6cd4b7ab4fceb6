/**
 * A fake Amazon S3 speaking the REST protocol the installed `@aws-sdk/client-s3` sends with
 * `forcePathStyle: true`: `PUT /<bucket>/<key>` (PutObject) and `GET /<bucket>/<key>`
 * (GetObject), XML `<Error>` answers. It enforces what the organization scan relies on, as the
 * S3 API Reference documents it: the bucket must exist (`NoSuchBucket`, 404), a key is at most
 * 1,024 bytes of UTF-8 (`KeyTooLongError`, 400), a missing object is `NoSuchKey` (404). Objects
 * are kept in memory ({@link FakeS3.objects}); multipart uploads, versions and ranges are not
 * implemented.
 */
import type { IncomingMessage } from 'node:http';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';

/** S3's limit on a key, in bytes of UTF-8. */
export const S3_MAX_KEY_BYTES = 1024;

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The request's bucket and key, decoded from a path-style URL. */
interface ObjectRequest {
  bucket: string;
  key: string;
}

/** A fake S3 with a fixed set of buckets. */
export class FakeS3 extends FakeHttpServer {
  /** The objects, by `bucket/key`. */
  readonly objects = new Map<string, Buffer>();
  readonly bucketNames: Set<string>;
  /** The largest object written or read, in bytes. */
  largestObjectBytes = 0;

  constructor(options: FakeServerOptions & { buckets?: string[] } = {}) {
    super(options);
    this.bucketNames = new Set(options.buckets ?? []);
  }

  /** Forgets recorded requests, faults and objects (the buckets stay). */
  override reset(): void {
    super.reset();
    this.objects.clear();
    this.largestObjectBytes = 0;
  }

  /** Creates a bucket. */
  addBucket(name: string): void {
    this.bucketNames.add(name);
  }

  /** An object's text, or undefined. */
  text(bucket: string, key: string): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.toString('utf8');
  }

  /** The keys of `bucket` under `prefix`, sorted. */
  keys(bucket: string, prefix = ''): string[] {
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .sort();
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const method = request.method ?? 'GET';
    const operation = method === 'PUT' ? 'PutObject' : method === 'GET' ? 'GetObject' : method;
    if (operation !== 'PutObject' && operation !== 'GetObject') {
      throw new AwsError('NotImplemented', `${method} is not implemented by the fake`, 501);
    }
    if (key === '')
      throw new AwsError('NotImplemented', 'bucket operations are not implemented', 501);
    return { operation, body: { bucket: decodeURIComponent(bucket), key, bytes: raw.length } };
  }

  protected override handle(request: ParsedRequest): Reply {
    const { bucket, key } = request.body as ObjectRequest;
    if (!this.bucketNames.has(bucket)) {
      throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    }
    if (Buffer.byteLength(key, 'utf8') > S3_MAX_KEY_BYTES) {
      throw new AwsError('KeyTooLongError', 'Your key is too long', 400);
    }
    if (request.operation === 'PutObject') {
      const body = decodeBody(request);
      this.objects.set(`${bucket}/${key}`, body);
      this.largestObjectBytes = Math.max(this.largestObjectBytes, body.length);
      return { status: 200, headers: { etag: `"${body.length}"` }, body: '' };
    }
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
    return {
      status: 200,
      headers: { 'content-type': 'application/json', etag: `"${object.length}"` },
      body: object,
    };
  }

  protected override errorReply(error: AwsError): Reply {
    return {
      status: error.status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message><RequestId>fake</RequestId></Error>`,
    };
  }

  protected override throttleError(): AwsError {
    return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
  }
}

/**
 * The object's bytes: as sent, or decoded from `aws-chunked` (the SDK's streaming upload with a
 * trailing checksum): `<hex size>[;…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`.
 */
function decodeBody(request: ParsedRequest): Buffer {
  const encoding = String(request.headers['content-encoding'] ?? '');
  if (!encoding.includes('aws-chunked')) return request.raw;
  const parts: Buffer[] = [];
  let at = 0;
  const raw = request.raw;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString().split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
