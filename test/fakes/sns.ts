/**
 * A fake Amazon SNS speaking the protocol the installed `@aws-sdk/client-sns` sends: awsQuery
 * (`POST /`, form-encoded `Action=Publish&Version=2010-03-31&TopicArn=...`, map members as
 * `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`, list members as
 * `PublishBatchRequestEntries.member.N.*`; XML answers and `<ErrorResponse>` errors).
 *
 * Operations: Publish, PublishBatch. Published messages are decoded into
 * {@link FakeSns.published}; topics must be registered (constructor or {@link FakeSns.addTopic}).
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

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** SNS's limit on the message plus its attributes, in bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** A decoded message attribute. `binaryValue` is present for `Binary` types only. */
export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: Buffer;
}

/**
 * A message SNS accepted, decoded from the wire. `messageAttributes` are those subscribers
 * receive: none when the message structure is JSON, as the SNS Developer Guide says ("Amazon SNS
 * message attributes": message attributes are sent only when the message structure is String,
 * not JSON); `sentAttributes` are those the publisher sent.
 */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  messageStructure: string | undefined;
  messageAttributes: Record<string, MessageAttribute>;
  sentAttributes: Record<string, MessageAttribute>;
}

/** The fields of one message (a Publish request or a PublishBatch entry). */
interface MessageInput {
  subject: string | undefined;
  message: string | undefined;
  messageStructure: string | undefined;
  messageAttributes: Record<string, MessageAttribute>;
}

/** A PublishBatch entry, given to {@link FakeSns.entryFault}. */
export interface BatchEntry extends MessageInput {
  id: string;
  topicArn: string;
}

/** Options of {@link FakeSns}. */
export interface FakeSnsOptions extends FakeServerOptions {
  /** Topic ARNs that exist. */
  topics?: string[];
}

/** A fake SNS with a fixed set of topics. */
export class FakeSns extends FakeHttpServer {
  /** Every accepted message, in order (Publish and successful PublishBatch entries). */
  readonly published: PublishedMessage[] = [];
  /** Topic ARNs that exist. */
  readonly topics: Set<string>;
  /**
   * Decides a per-entry failure for PublishBatch (reported in `Failed`, `SenderFault` true for
   * statuses below 500); undefined publishes the entry.
   */
  entryFault: ((entry: BatchEntry) => AwsError | undefined) | undefined;

  constructor(options: FakeSnsOptions = {}) {
    super(options);
    this.topics = new Set(options.topics ?? []);
  }

  /** Forgets recorded requests, published messages, faults and {@link FakeSns.entryFault}. */
  override reset(): void {
    super.reset();
    this.published.length = 0;
    this.entryFault = undefined;
  }

  /** Registers a topic ARN. */
  addTopic(arn: string): void {
    this.topics.add(arn);
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    const type = String(request.headers['content-type'] ?? '');
    if (request.headers['x-amz-target'] !== undefined || !type.startsWith(FORM_TYPE)) {
      throw new AwsError(
        'InvalidAction',
        `the fake SNS speaks awsQuery only; the client sent ${type} (extend test/fakes/sns.ts)`,
      );
    }
    const body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    return { operation: body.Action ?? '', body };
  }

  protected override handle(request: ParsedRequest): Reply {
    const params = request.body as Record<string, string>;
    if (params.Version !== '2010-03-31') {
      throw new AwsError('InvalidAction', `Could not find version ${params.Version ?? 'null'}`);
    }
    if (request.operation === 'Publish') return this.publish(params);
    if (request.operation === 'PublishBatch') return this.publishBatch(params);
    throw new AwsError(
      'InvalidAction',
      `Could not find operation ${request.operation} for version 2010-03-31`,
    );
  }

  protected override errorReply(error: AwsError): Reply {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    return xml(
      error.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${esc(error.code)}</Code>` +
        `<Message>${esc(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  protected override throttleError(): AwsError {
    return new AwsError('Throttled', 'Rate exceeded', 429);
  }

  private publish(params: Record<string, string>): Reply {
    const topicArn = params.TopicArn;
    if (topicArn === undefined) {
      throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
    }
    this.checkTopic(topicArn);
    const input = decodeMessage(params, '');
    if (input.message === undefined) {
      throw new AwsError(
        'ValidationError',
        "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
      );
    }
    const messageId = this.accept(topicArn, input);
    return ok('Publish', `<MessageId>${messageId}</MessageId>`);
  }

  private publishBatch(params: Record<string, string>): Reply {
    const topicArn = params.TopicArn ?? '';
    this.checkTopic(topicArn);
    const entries: BatchEntry[] = [];
    for (let i = 1; params[`PublishBatchRequestEntries.member.${i}.Id`] !== undefined; i++) {
      const prefix = `PublishBatchRequestEntries.member.${i}.`;
      entries.push({ id: params[`${prefix}Id`] ?? '', topicArn, ...decodeMessage(params, prefix) });
    }
    if (entries.length === 0) {
      throw new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
    }
    if (entries.length > 10) {
      throw new AwsError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
      );
    }
    if (new Set(entries.map((e) => e.id)).size !== entries.length) {
      throw new AwsError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    }
    if (entries.some((e) => !/^[A-Za-z0-9_-]{1,80}$/.test(e.id))) {
      throw new AwsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (entries.reduce((sum, e) => sum + messageBytes(e), 0) > SNS_MAX_MESSAGE_BYTES) {
      throw new AwsError(
        'BatchRequestTooLong',
        'The length of all the messages put together is more than the limit.',
      );
    }
    let successful = '';
    let failed = '';
    for (const entry of entries) {
      try {
        const injected = this.entryFault?.(entry);
        if (injected) throw injected;
        const messageId = this.accept(topicArn, entry);
        successful += `<member><Id>${esc(entry.id)}</Id><MessageId>${messageId}</MessageId></member>`;
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        failed +=
          `<member><Id>${esc(entry.id)}</Id><Code>${esc(error.code)}</Code>` +
          `<Message>${esc(error.message)}</Message><SenderFault>${error.status < 500}</SenderFault></member>`;
      }
    }
    return ok('PublishBatch', `<Successful>${successful}</Successful><Failed>${failed}</Failed>`);
  }

  private checkTopic(topicArn: string): void {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
      throw invalid('TopicArn');
    }
    if (!this.topics.has(topicArn)) {
      throw new AwsError('NotFound', 'Topic does not exist', 404);
    }
  }

  /** Validates one message as SNS does; records it and returns its id. */
  private accept(topicArn: string, input: MessageInput): string {
    const { subject, message, messageStructure, messageAttributes } = input;
    if (subject !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(subject)) {
      throw invalid('Subject');
    }
    if (message === undefined || message === '') throw invalid('Empty message');
    if (messageBytes(input) > SNS_MAX_MESSAGE_BYTES) throw invalid('Message too long');
    if (messageStructure !== undefined) checkStructure(messageStructure, message);
    checkAttributes(messageAttributes);
    const messageId = randomUUID();
    this.published.push({
      messageId,
      topicArn,
      subject,
      message,
      messageStructure,
      // What subscribers get: SNS drops the attributes of a JSON-structured message.
      messageAttributes: messageStructure === 'json' ? {} : messageAttributes,
      sentAttributes: messageAttributes,
    });
    return messageId;
  }
}

function checkStructure(structure: string, message: string): void {
  if (structure !== 'json') throw invalid('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof (parsed as Record<string, unknown>).default !== 'string') {
    throw invalid('Message Structure - No default entry in JSON message body');
  }
}

function checkAttributes(attributes: Record<string, MessageAttribute>): void {
  const names = Object.keys(attributes);
  if (names.length > 10) {
    throw invalid(
      `MessageAttributes - Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  }
  for (const [name, value] of Object.entries(attributes)) {
    const badName =
      !/^[A-Za-z0-9_.-]{1,256}$/.test(name) ||
      /^(aws|amazon)\./i.test(name) ||
      name.includes('..') ||
      name.startsWith('.') ||
      name.endsWith('.');
    if (badName) throw invalid(`MessageAttributes - Invalid attribute name: ${name}`);
    const base = /^(String|Number|Binary)(\.|$)/.exec(value.dataType)?.[1];
    if (base === undefined) {
      throw invalid(
        `MessageAttributes - The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const empty = base === 'Binary' ? !value.binaryValue?.length : !value.stringValue;
    if (empty) {
      throw invalid(
        `MessageAttributes - The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    }
    if (base === 'Number' && !Number.isFinite(Number(value.stringValue))) {
      throw invalid(
        `MessageAttributes - Could not cast message attribute '${name}' value to number.`,
      );
    }
  }
}

/** Decodes the message fields under `prefix` (`''` for Publish, `...member.N.` for a batch entry). */
function decodeMessage(params: Record<string, string>, prefix: string): MessageInput {
  const messageAttributes: Record<string, MessageAttribute> = {};
  for (let i = 1; ; i++) {
    const entry = `${prefix}MessageAttributes.entry.${i}.`;
    const name = params[`${entry}Name`];
    if (name === undefined) break;
    const attribute: MessageAttribute = { dataType: params[`${entry}Value.DataType`] ?? '' };
    const stringValue = params[`${entry}Value.StringValue`];
    const binaryValue = params[`${entry}Value.BinaryValue`];
    if (stringValue !== undefined) attribute.stringValue = stringValue;
    if (binaryValue !== undefined) attribute.binaryValue = Buffer.from(binaryValue, 'base64');
    messageAttributes[name] = attribute;
  }
  return {
    subject: params[`${prefix}Subject`],
    message: params[`${prefix}Message`],
    messageStructure: params[`${prefix}MessageStructure`],
    messageAttributes,
  };
}

/** Size SNS counts against the 256 KB limit: the message plus attribute names, types, values. */
function messageBytes(input: MessageInput): number {
  let bytes = Buffer.byteLength(input.message ?? '');
  for (const [name, value] of Object.entries(input.messageAttributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.dataType);
    bytes += Buffer.byteLength(value.stringValue ?? '') + (value.binaryValue?.length ?? 0);
  }
  return bytes;
}

function invalid(what: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${what}`);
}

function ok(action: string, result: string): Reply {
  return xml(
    200,
    `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

function xml(status: number, body: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?>\n${body}`,
  };
}

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
