/**
 * The SDK clients the functions and the CLI use, built here so that only lib/aws imports the SDK.
 *
 * @module
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { paceThrottledRequests } from './throttle-pacing.ts';

/**
 * Timeouts of the functions' AWS clients. Without them a request that hangs lasts until Lambda
 * kills the invocation, and the code that keeps an undelivered alert (lib/aws/pending.ts) never
 * runs; with them a hang is a `TimeoutError` the SDK retries, then an error the runtime handles.
 * Every attempt of a DynamoDB item operation answers in milliseconds, an SNS Publish or an
 * EventBridge PutEvents in tens of them; three attempts of each still end well within the
 * functions' 30 s timeout.
 */
const CLIENT_TIMEOUTS = {
  dynamodb: { connectionTimeout: 2_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  sns: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  eventbridge: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  /** A page of 1000 images can take a while; the scan runs for up to 15 minutes. */
  ecr: { connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
} as const;

/** The clients of the ledger and the alerts (SNS, and the event bus). */
export interface LedgerAndAlertClients {
  readonly dynamo: DynamoDBClient;
  readonly sns: SNSClient;
  readonly events: EventBridgeClient;
}

/**
 * The DynamoDB, SNS and EventBridge clients of a function, with {@link CLIENT_TIMEOUTS}.
 *
 * @example
 * ```ts
 * const { dynamo, sns, events } = createFunctionClients();
 * ```
 */
export function createFunctionClients(): LedgerAndAlertClients {
  return {
    dynamo: new DynamoDBClient({ requestHandler: CLIENT_TIMEOUTS.dynamodb }),
    sns: new SNSClient({ requestHandler: CLIENT_TIMEOUTS.sns }),
    events: new EventBridgeClient({ requestHandler: CLIENT_TIMEOUTS.eventbridge }),
  };
}

/** How to build the scan's ECR client. */
export interface ScanClientOptions {
  /** The region; default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** Apply {@link CLIENT_TIMEOUTS}'s ECR timeouts (the function does; the CLI waits as long as it takes). */
  readonly timeouts?: boolean;
  /** The credentials; default: the SDK's chain (an assumed role's, for a member account). */
  readonly credentials?: ECRClientConfig['credentials'];
}

/**
 * The scan's ECR client: its requests are paced to ECR's throttling instead of failing on it (ECR
 * publishes no TPS quota for the scan's read calls) — {@link scanRetryStrategy}'s retries, and
 * each operation's attempts spaced once ECR has throttled it (lib/aws/throttle-pacing.ts). One
 * client per account-region, the scope ECR throttles in: the pace of one is not the pace of
 * another.
 *
 * @example
 * ```ts
 * const ecr = createScanEcrClient({ region: 'eu-west-1' });
 * const region = await ecr.config.region();
 * ```
 */
export function createScanEcrClient(options: ScanClientOptions = {}): ECRClient {
  const client = new ECRClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    retryStrategy: scanRetryStrategy(),
    ...(options.timeouts ? { requestHandler: CLIENT_TIMEOUTS.ecr } : {}),
  });
  return paceThrottledRequests(client);
}

/** Attempts of one scan request before it fails. */
const SCAN_MAX_ATTEMPTS = 15;
/** The longest wait before a retry of a scan request (ms). */
const SCAN_BACKOFF_CAP_MS = 1_000;
/** A scan request's first retry waits up to twice this (ms), each later one up to twice as long. */
const SCAN_BACKOFF_BASE_MS = 10;

/**
 * The scan's retries: up to {@link SCAN_MAX_ATTEMPTS} attempts, each retry after a random delay of
 * at most 10 ms × 2^attempt, capped at 1 s ("full jitter", the AWS Architecture Blog's "Exponential
 * Backoff And Jitter"): 20 ms, 40 ms … 640 ms, then 1 s — at most 9.3 s over the 14 retries, 4.6 s
 * on average, before a request that ECR keeps refusing fails. The retries of the scan's client are
 * paced too (lib/aws/throttle-pacing.ts), which spaces an operation's attempts once ECR throttles
 * it again and again, and slows to one a second while it refuses everything: the backoff only
 * spreads the retries, it no longer has to find the rate. Short, so that a request throttled a few
 * times does not sleep on while ECR has tokens again (the last requests of an account-region
 * decided its time). Measured (BENCHMARKS.md rows 6 and 7): the SDK's adaptive mode slows far below
 * a small-burst throttle's rate once it has been throttled (10× the bound at 100 requests/s with a
 * burst of 5), and its standard mode waits from a 1 s base after a throttle, which leaves the
 * bucket idle.
 *
 * @example
 * ```ts
 * new ECRClient({ region, retryStrategy: scanRetryStrategy() });
 * ```
 */
export function scanRetryStrategy(): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(SCAN_MAX_ATTEMPTS, (attempt) =>
    Math.round(Math.random() * Math.min(SCAN_BACKOFF_CAP_MS, SCAN_BACKOFF_BASE_MS * 2 ** attempt)),
  );
}

/**
 * An STS client of `region`'s regional endpoint (`https://sts.<region>.amazonaws.com`, the SDK's
 * default; `AWS_ENDPOINT_URL_STS` overrides it), with the caller's credentials. STS's request
 * quota cannot be raised: adaptive retries pace the callers that share it.
 *
 * @example
 * ```ts
 * const sts = createStsClient('eu-west-1');
 * ```
 */
export function createStsClient(region: string): STSClient {
  return new STSClient({ region, retryMode: 'adaptive', maxAttempts: 3 });
}

/**
 * The Organizations client (its endpoint is global: `organizations.us-east-1.amazonaws.com` in the
 * commercial partition), with the caller's credentials.
 *
 * @example
 * ```ts
 * const accounts = await listActiveAccounts(createOrganizationsClient({ region: 'eu-west-1' }));
 * ```
 */
export function createOrganizationsClient(
  options: { readonly region?: string } = {},
): OrganizationsClient {
  return new OrganizationsClient({
    ...(options.region ? { region: options.region } : {}),
    retryMode: 'adaptive',
    maxAttempts: 5,
  });
}

/**
 * The S3 client of the organization scan's bucket (the plan written, the Map run's results read),
 * with the function's credentials and region.
 *
 * @example
 * ```ts
 * const s3 = createS3Client();
 * ```
 */
export function createS3Client(): S3Client {
  return new S3Client({
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
    },
  });
}
