/**
 * Shared set-up of the reliability tests: the fakes with faults that strike *after* the service
 * acted (a write applied or a message accepted, then the answer lost), the composed runtime on
 * them, and Lambda's asynchronous invocation (the first attempt, two retries, then the on-failure
 * destination) as a function.
 */
import { CreateTableCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../infra/table.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { type AuditOutcome, auditEvent } from '../../lib/runtime/audit-event.ts';
import { type Composition, compose } from '../../lib/runtime/compose.ts';
import { readSettings } from '../../lib/runtime/settings.ts';
import { BUS, BUS_NAME, recordingTelemetry, TABLE, TOPIC } from '../aws/support.ts';
import {
  dynamoDbClient,
  eventBridgeClient,
  type FakeClientOptions,
  snsClient,
} from '../fakes/clients.ts';
import { FakeDynamoDb } from '../fakes/dynamodb.ts';
import { FakeEventBridge } from '../fakes/eventbridge.ts';
import { AwsError, type ParsedRequest, type Reply, type StartedServer } from '../fakes/http.ts';
import { FakeSns } from '../fakes/sns.ts';
import { SAMPLE } from '../runtime/support.ts';
import { eventUuid } from '../support/uuid.ts';

/** What to do with the answer to a request the service has already carried out. */
export type LostAnswer = 'internal' | 'hang';

/** Decides, per request, whether its answer is lost after the service acted on it. */
export type LossRule = (request: { operation: string; body: unknown }) => LostAnswer | undefined;

/** The answer to a request carried out: as is, 500, or never (the client times out). */
function lose(
  answer: Reply,
  rule: LossRule | undefined,
  request: ParsedRequest,
  error: (e: AwsError) => Reply,
): Reply | Promise<Reply> {
  const lost = rule?.({ operation: request.operation, body: request.body });
  if (lost === 'internal') return error(new AwsError('InternalFailure', 'answer lost', 500));
  if (lost === 'hang') return new Promise<Reply>(() => {}); // until the server closes
  return answer;
}

/** dynalite behind the proxy, where a write can be applied and its answer lost. */
export class LossyDynamoDb extends FakeDynamoDb {
  afterApply: LossRule | undefined;
  protected override async handle(request: ParsedRequest): Promise<Reply> {
    const answer = await super.handle(request);
    return lose(answer, this.afterApply, request, (e) => this.errorReply(e));
  }
  override reset(): void {
    super.reset();
    this.afterApply = undefined;
  }
}

/**
 * The fake SNS, where a message can be accepted and the answer lost (500). A message accepted
 * after the client gave up waiting is `fault.delay` longer than the client's timeout.
 */
export class LossySns extends FakeSns {
  afterAccept:
    | ((request: { operation: string; body: unknown }) => 'internal' | undefined)
    | undefined;
  protected override handle(request: ParsedRequest): Reply {
    const answer = super.handle(request);
    const lost = this.afterAccept?.({ operation: request.operation, body: request.body });
    return lost === 'internal'
      ? this.errorReply(new AwsError('InternalFailure', 'answer lost', 500))
      : answer;
  }
  override reset(): void {
    super.reset();
    this.afterAccept = undefined;
  }
}

/**
 * The fake EventBridge, where an event can be accepted and the answer lost (500): the SDK then
 * puts it again, as with SNS.
 */
export class LossyEventBridge extends FakeEventBridge {
  afterAccept: LossRule | undefined;
  protected override async handle(request: ParsedRequest): Promise<Reply> {
    return lose(await super.handle(request), this.afterAccept, request, (e) => this.errorReply(e));
  }
  override reset(): void {
    super.reset();
    this.afterAccept = undefined;
  }
}

/** The running fakes and the runtime composed on them. */
export interface Harness {
  readonly dynamo: LossyDynamoDb;
  readonly sns: LossySns;
  /** The auditor's event bus ({@link BUS}). */
  readonly events: LossyEventBridge;
  readonly telemetry: ReturnType<typeof recordingTelemetry>;
  /** The fakes' endpoints, for clients a handler builds from the environment. */
  readonly endpoints: { readonly dynamo: string; readonly sns: string; readonly events: string };
  /** A client of the test's own (set-up and inspection), never faulted by rules on operations. */
  readonly inspect: DynamoDBClient;
  /** The runtime as the handlers compose it (real SDK clients, 3 attempts, fast retries). */
  readonly runtime: Composition;
  /** Composes another runtime (another Lambda container) on the same fakes. */
  container(options?: ContainerOptions): Composition;
  /** Forgets requests, messages, faults and telemetry. */
  reset(): void;
  close(): Promise<void>;
}

/** Client options of a composed runtime. */
export interface ContainerOptions {
  readonly policy?: Policy;
  readonly dynamo?: FakeClientOptions;
  readonly sns?: FakeClientOptions;
  readonly events?: FakeClientOptions;
  readonly minSeverity?: string;
  /** Pauses before putting a failed entry again (default: none, to keep tests fast). */
  readonly entryRetryDelaysMs?: readonly number[];
}

/** Starts dynalite (with the ledger table), SNS and EventBridge, and composes the runtime on them. */
export async function startHarness(policy: Policy): Promise<Harness> {
  const dynamo = new LossyDynamoDb();
  const sns = new LossySns({ topics: [TOPIC] });
  const events = new LossyEventBridge({ buses: [BUS_NAME] });
  const servers: StartedServer[] = await Promise.all([dynamo.start(), sns.start(), events.start()]);
  const [dynamoServer, snsServer, eventsServer] = servers as [
    StartedServer,
    StartedServer,
    StartedServer,
  ];
  const inspect = dynamoDbClient(dynamoServer);
  await inspect.send(new CreateTableCommand(createTableInput(TABLE)));
  dynamo.reset();
  const telemetry = recordingTelemetry();
  const container = (options: ContainerOptions = {}) => {
    const composed = compose(
      readSettings({
        LEDGER_TABLE_NAME: TABLE,
        ALERTS_TOPIC_ARN: TOPIC,
        FINDINGS_BUS_ARN: BUS,
        ALERT_MIN_SEVERITY: options.minSeverity ?? 'LOW',
      }),
      options.policy ?? policy,
      {
        // No request timeout unless a test asks (for a request that never gets an answer): a
        // Publish timed out while SNS still takes it would be sent twice.
        dynamo: dynamoDbClient(dynamoServer, { retryDelayMs: 1, ...options.dynamo }),
        sns: snsClient(snsServer, { retryDelayMs: 1, ...options.sns }),
        events: eventBridgeClient(eventsServer, { retryDelayMs: 1, ...options.events }),
        log: telemetry.log,
        metrics: telemetry.metrics,
      },
    );
    const entryRetryDelaysMs = options.entryRetryDelaysMs ?? [0, 0, 0, 0];
    return { ...composed, alerts: { ...composed.alerts, entryRetryDelaysMs } };
  };
  return {
    dynamo,
    sns,
    events,
    telemetry,
    endpoints: {
      dynamo: dynamoServer.endpoint,
      sns: snsServer.endpoint,
      events: eventsServer.endpoint,
    },
    inspect,
    runtime: container(),
    container,
    reset() {
      dynamo.reset();
      sns.reset();
      events.reset();
      telemetry.clear();
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** How Lambda's asynchronous invocation of one event ended. */
export interface AsyncInvocation {
  /** Attempts made: 1 to 3. */
  readonly attempts: number;
  /** The error of each failed attempt. */
  readonly errors: readonly unknown[];
  /** The outcome of the attempt that succeeded; undefined when all failed. */
  readonly outcome: AuditOutcome | undefined;
  /** True when every attempt failed: the event went to the on-failure destination. */
  readonly toFailureDestination: boolean;
}

/**
 * Lambda's asynchronous invocation (serverless.yml: `maximumRetryAttempts: 2`, on-failure
 * destination SQS): the handler's work runs once and, while it throws, twice more; `between`
 * runs before each retry (Lambda waits a minute or more: the test changes the world there).
 */
export async function invokeAsync(
  event: unknown,
  runtime: Composition,
  between: (retry: number) => void | Promise<void> = () => {},
): Promise<AsyncInvocation> {
  const errors: unknown[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) await between(attempt - 1);
    try {
      const outcome = await auditEvent(event, runtime);
      return { attempts: attempt, errors, outcome, toFailureDestination: false };
    } catch (error) {
      errors.push(error);
    }
  }
  return { attempts: 3, errors, outcome: undefined, toFailureDestination: true };
}

/**
 * The record Lambda sends to an SQS on-failure destination (its `requestPayload` is the event),
 * and the replay an operator makes from it.
 */
export function failureRecord(event: unknown, error: unknown) {
  return {
    version: '1.0',
    timestamp: '2025-07-24T10:10:00.000Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      functionArn:
        'arn:aws:lambda:us-west-2:123456789012:function:ecr-tag-auditor-prod-imageAction:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: (error as Error).name, errorMessage: (error as Error).message },
  };
}

/** A raw item of the ledger table (consistent read), or undefined. */
export async function rawItem(h: Harness, pk: string, sk: string) {
  const out = await h.inspect.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** The names of the pending-alert attributes on an item. */
export function pendingNames(item: Record<string, unknown> | undefined): string[] {
  return Object.keys(item ?? {}).filter((name) => name.startsWith('pending#'));
}

/** The wire body of a DynamoDB request, as the fake recorded it. */
export interface WireRequest {
  Key?: { pk?: { S?: string }; sk?: { S?: string } };
  Item?: { pk?: { S?: string }; sk?: { S?: string }; sentAt?: unknown };
  UpdateExpression?: string;
}

/** Which step of alert delivery a DynamoDB request is. */
export function stepOf(operation: string, body: unknown): string {
  const b = body as WireRequest;
  const pk = b.Key?.pk?.S ?? b.Item?.pk?.S ?? '';
  const update = b.UpdateExpression ?? '';
  if (operation === 'PutItem' && pk.startsWith('ALERT#')) {
    return b.Item?.sentAt === undefined ? 'claim' : 'markSent';
  }
  if (operation === 'UpdateItem' && pk.startsWith('ALERT#')) {
    return update.startsWith('SET putAt') ? 'recordPut' : 'release';
  }
  if (operation === 'GetItem' && pk.startsWith('ALERT#')) return 'lookUp';
  if (operation === 'UpdateItem' && update.startsWith('SET #p')) return 'storePending';
  if (operation === 'UpdateItem' && update.startsWith('REMOVE #p')) return 'clearPending';
  if (operation === 'PutItem' && (b.Item?.sk?.S ?? '').startsWith('TAG#')) return 'ledger';
  return operation;
}

/** The finding ids of the events put on the auditor's bus, in order. */
export function eventIds(events: FakeEventBridge): string[] {
  return events.put.map((p) => String(p.event.detail.id));
}

/** A loss rule that loses the first answer only, with a 500. */
export function loseFirstAnswer(): () => 'internal' | undefined {
  let lost = false;
  return () => {
    if (lost) return undefined;
    lost = true;
    return 'internal';
  };
}

/** Published messages of the fake SNS by their finding id attribute (summaries excluded). */
export function alertIds(sns: FakeSns): string[] {
  return sns.published
    .map((m) => m.messageAttributes.findingId?.stringValue)
    .filter((id): id is string => id !== undefined);
}

/** An `AWS API Call via CloudTrail` EventBridge event around an ECR CloudTrail record. */
export function apiCallEvent(
  detail: Record<string, unknown>,
  envelope: { id: string; time: string; account?: string; region?: string },
): Record<string, unknown> {
  return {
    version: '0',
    id: eventUuid(envelope.id),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account: envelope.account ?? SAMPLE.account,
    time: envelope.time,
    region: envelope.region ?? SAMPLE.region,
    resources: [],
    detail,
  };
}

/** A CloudTrail `PutImageTagMutability` record (as EventBridge forwards it). */
export function tagMutabilityChange(
  repository: string,
  mode: string,
  filters: readonly string[],
  change: { eventId: string; time: string; actor?: string; account?: string; region?: string },
): Record<string, unknown> {
  const account = change.account ?? SAMPLE.account;
  const region = change.region ?? SAMPLE.region;
  const settings = {
    imageTagMutability: mode,
    ...(filters.length > 0
      ? {
          imageTagMutabilityExclusionFilters: filters.map((filter) => ({
            filterType: 'WILDCARD',
            filter,
          })),
        }
      : {}),
  };
  return apiCallEvent(
    {
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        arn: change.actor ?? `arn:aws:sts::${account}:assumed-role/admin/alice`,
        accountId: account,
      },
      eventTime: change.time,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutImageTagMutability',
      awsRegion: region,
      requestParameters: { repositoryName: repository, ...settings },
      responseElements: { registryId: account, repositoryName: repository, ...settings },
      eventID: eventUuid(change.eventId),
      eventType: 'AwsApiCall',
      recipientAccountId: account,
    },
    { id: `eb-${change.eventId}`, time: change.time, account, region },
  );
}

/** A Lambda context for in-process handler calls. */
export function lambdaContext(functionName: string) {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/07/24/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done() {},
    fail() {},
    succeed() {},
  };
}
