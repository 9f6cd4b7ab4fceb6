/**
 * The Security Hub client of the import (lib/aws/securityhub-import.ts): one per account and
 * region, paced to Security Hub's documented rate for `BatchImportFindings` — 10 requests a
 * second, bursts of 30 — by retries with backoff and jitter rather than by failing.
 *
 * @module
 */
import { SecurityHubClient, type SecurityHubClientConfig } from '@aws-sdk/client-securityhub';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** Attempts of one `BatchImportFindings` request before it fails. */
const IMPORT_MAX_ATTEMPTS = 8;

/**
 * Retries of a throttled (`TooManyRequestsException`, 429) or transient failure: up to
 * {@link IMPORT_MAX_ATTEMPTS} attempts, each after a random delay of at most 100 ms × 2^attempt,
 * capped at 3 s ("full jitter"): concurrent invocations that were throttled together do not come
 * back together. The worst case, about 12 s of waiting, stays within the function's 30 s.
 *
 * @example
 * ```ts
 * new SecurityHubClient({ region, retryStrategy: importRetryStrategy() });
 * ```
 */
export function importRetryStrategy(): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(IMPORT_MAX_ATTEMPTS, (attempt) =>
    Math.round(Math.random() * Math.min(3_000, 100 * 2 ** attempt)),
  );
}

/**
 * A Security Hub client of `region` with {@link importRetryStrategy}, with `credentials` (an
 * assumed role's, for a member account) or the function's own.
 *
 * @example
 * ```ts
 * const hub = createSecurityHubClient('eu-west-1');
 * ```
 */
export function createSecurityHubClient(
  region: string,
  credentials?: SecurityHubClientConfig['credentials'],
): SecurityHubClient {
  return new SecurityHubClient({
    region,
    ...(credentials ? { credentials } : {}),
    retryStrategy: importRetryStrategy(),
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
    },
  });
}
