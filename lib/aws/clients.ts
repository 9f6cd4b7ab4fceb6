/**
 * The SDK clients the functions and the CLI use, built here so that only lib/aws imports the SDK.
 *
 * @module
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * Timeouts of the functions' AWS clients. Without them a request that hangs lasts until Lambda
 * kills the invocation, and the code that keeps an undelivered alert (lib/aws/pending.ts) never
 * runs; with them a hang is a `TimeoutError` the SDK retries, then an error the runtime handles.
 * Every attempt of a DynamoDB item operation answers in milliseconds, an SNS Publish in tens of
 * them; three attempts of each still end well within the functions' 30 s timeout.
 */
const CLIENT_TIMEOUTS = {
  dynamodb: { connectionTimeout: 2_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  sns: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  /** A page of 1000 images can take a while; the scan runs for up to 15 minutes. */
  ecr: { connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
} as const;

/** The clients of the ledger and the alerts. */
export interface LedgerAndAlertClients {
  readonly dynamo: DynamoDBClient;
  readonly sns: SNSClient;
}

/**
 * The DynamoDB and SNS clients of a function, with {@link CLIENT_TIMEOUTS}.
 *
 * @example
 * ```ts
 * const { dynamo, sns } = createFunctionClients();
 * ```
 */
export function createFunctionClients(): LedgerAndAlertClients {
  return {
    dynamo: new DynamoDBClient({ requestHandler: CLIENT_TIMEOUTS.dynamodb }),
    sns: new SNSClient({ requestHandler: CLIENT_TIMEOUTS.sns }),
  };
}

/** How to build the scan's ECR client. */
export interface ScanClientOptions {
  /** The region; default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** Apply {@link CLIENT_TIMEOUTS}'s ECR timeouts (the function does; the CLI waits as long as it takes). */
  readonly timeouts?: boolean;
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
    retryMode: 'adaptive',
    maxAttempts: 10,
    ...(options.timeouts ? { requestHandler: CLIENT_TIMEOUTS.ecr } : {}),
  });
}
