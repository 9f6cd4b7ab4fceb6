/**
 * The AWS JSON 1.1 protocol as the fakes of JSON services speak it (ECR, Organizations,
 * EventBridge): `POST /` with `X-Amz-Target: <prefix><Operation>` and content type
 * `application/x-amz-json-1.1`; answers of that type; errors `{"__type": code, <message>: …}`,
 * where the message's key is `message` for most services and `Message` for some.
 */
import type { IncomingMessage } from 'node:http';
import { AwsError, type Reply } from './http.ts';

const JSON_TYPE = 'application/x-amz-json-1.1';

/** The operation (the target without `prefix`) and the JSON body of a request. */
export function parseJsonRequest(request: IncomingMessage, raw: Buffer, prefix: string) {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (request.method !== 'POST' || request.headers['content-type'] !== JSON_TYPE) {
    throw new AwsError('UnknownOperationException', `expected POST with ${JSON_TYPE}`);
  }
  const operation = target.startsWith(prefix) ? target.slice(prefix.length) : target;
  try {
    return { operation, body: JSON.parse(raw.toString('utf8') || '{}') as unknown };
  } catch {
    throw new AwsError('SerializationException', 'request body is not JSON');
  }
}

/** A successful answer carrying `value` as JSON. */
export function jsonReply(value: unknown): Reply {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(value) };
}

/** An error answer; `messageKey` is how the service names the message. */
export function jsonError(error: AwsError, messageKey: 'message' | 'Message' = 'message'): Reply {
  return {
    status: error.status,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ __type: error.code, [messageKey]: error.message }),
  };
}
