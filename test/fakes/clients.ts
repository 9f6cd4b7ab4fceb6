/**
 * Real AWS SDK v3 clients pointed at a fake: region `us-east-1`, static dummy credentials, the
 * fake's endpoint, configurable `maxAttempts`, and an optional short request timeout.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';

/** Options of the client factories. */
export interface FakeClientOptions {
  /** Total attempts including the first (SDK default 3). */
  maxAttempts?: number;
  /**
   * Per-attempt timeout in ms; an attempt exceeding it fails with `TimeoutError` (which the SDK
   * retries). Unset: the SDK default (no timeout).
   */
  requestTimeoutMs?: number;
  /**
   * Replace the SDK's backoff (up to 1 s and more for throttling) by a fixed delay, to keep
   * tests fast. The SDK still classifies each error; only throttling and transient errors are
   * retried. Unset: the SDK's standard retry strategy.
   */
  retryDelayMs?: number;
  /** The region (signed into every request); default `us-east-1`. */
  region?: string;
  /** The credentials; default a static dummy key. */
  credentials?: ECRClientConfig['credentials'];
}

type RetryStrategy = NonNullable<ECRClientConfig['retryStrategy']>;

/** The configuration shared by every client; `target` is a fake's endpoint or `start()` result. */
export function clientConfig(
  target: string | { endpoint: string },
  options: FakeClientOptions = {},
) {
  const maxAttempts = options.maxAttempts ?? 3;
  return {
    region: options.region ?? 'us-east-1',
    endpoint: typeof target === 'string' ? target : target.endpoint,
    credentials: options.credentials ?? {
      accessKeyId: 'AKIAFAKEFAKEFAKEFAKE',
      secretAccessKey: 'fake-secret-key',
    },
    maxAttempts,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : {
          requestHandler: {
            requestTimeout: options.requestTimeoutMs,
            throwOnRequestTimeout: true,
          },
        }),
    ...(options.retryDelayMs === undefined
      ? {}
      : { retryStrategy: fixedDelayRetry(maxAttempts, options.retryDelayMs) }),
  };
}

/** An `ECRClient` talking to a fake. */
export function ecrClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): ECRClient {
  return new ECRClient(clientConfig(target, options));
}

/** An `SNSClient` talking to a fake. */
export function snsClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): SNSClient {
  return new SNSClient(clientConfig(target, options));
}

/** An `EventBridgeClient` talking to a fake. */
export function eventBridgeClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): EventBridgeClient {
  return new EventBridgeClient(clientConfig(target, options));
}

/** A `DynamoDBClient` talking to a fake. */
export function dynamoDbClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): DynamoDBClient {
  return new DynamoDBClient(clientConfig(target, options));
}

/** An `STSClient` talking to a fake. */
export function stsClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): STSClient {
  return new STSClient(clientConfig(target, options));
}

/** An `OrganizationsClient` talking to a fake. */
export function organizationsClient(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): OrganizationsClient {
  return new OrganizationsClient(clientConfig(target, options));
}

/** An `S3Client` talking to a fake, with path-style requests (`/<bucket>/<key>`). */
export function s3Client(
  target: string | { endpoint: string },
  options?: FakeClientOptions,
): S3Client {
  return new S3Client({ ...clientConfig(target, options), forcePathStyle: true });
}

/** A `SecurityHubClient` talking to a fake; `retryStrategy` replaces the SDK's (or the fixed delay). */
export function securityHubClient(
  target: string | { endpoint: string },
  options: FakeClientOptions & { retryStrategy?: RetryStrategy } = {},
): SecurityHubClient {
  const { retryStrategy, ...rest } = options;
  return new SecurityHubClient({
    ...clientConfig(target, rest),
    ...(retryStrategy ? { retryStrategy } : {}),
  });
}

/** A retry strategy with a fixed delay, honouring the SDK's own error classification. */
function fixedDelayRetry(maxAttempts: number, delayMs: number): RetryStrategy {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const count = previous.getRetryCount() + 1;
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || count >= maxAttempts) throw new Error('No retry token available');
      return token(count);
    },
    recordSuccess: () => {},
  };
}
