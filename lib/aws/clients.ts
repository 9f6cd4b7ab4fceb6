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
 * The scan's ECR client: adaptive retries pace the scan to ECR's throttling instead of failing on
 * it (ECR publishes no TPS quota for the Describe calls).
 *
 * @example
 * ```ts
 * const ecr = createScanEcrClient({ region: 'eu-west-1' });
 * const region = await ecr.config.region();
 * ```
 */
export function createScanEcrClient(options: ScanClientOptions = {}): ECRClient {
  return new ECRClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    retryStrategy: scanRetryStrategy(),
    ...(options.timeouts ? { requestHandler: CLIENT_TIMEOUTS.ecr } : {}),
  });
}

/** Attempts of one scan request before it fails. */
const SCAN_MAX_ATTEMPTS = 10;

/**
 * The scan's retries: up to {@link SCAN_MAX_ATTEMPTS} attempts, each retry after a random delay
 * of at most 50 ms × 2^attempt (capped at 2 s; "full jitter"). Measured (BENCHMARKS.md rows 6
 * and 7): the SDK's adaptive mode slows far below a small-burst throttle's rate once it has been
 * throttled (10× the bound at 100 requests/s with a burst of 5), and its standard mode waits from
 * a 500 ms base after a throttle, which leaves the bucket idle; short jittered retries keep an
 * account-region's scan near its throttle bound.
 *
 * @example
 * ```ts
 * new ECRClient({ region, retryStrategy: scanRetryStrategy() });
 * ```
 */
export function scanRetryStrategy(): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(SCAN_MAX_ATTEMPTS, (attempt) =>
    Math.round(Math.random() * Math.min(2_000, 50 * 2 ** attempt)),
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
