/**
 * Client-side pacing of the scan's ECR client: a {@link ThrottlePacer} per operation (ECR
 * throttles each API of an account-region on its own), on every attempt — first tries and the
 * SDK's retries alike, as the SDK's adaptive mode does, which AWS recommends only for a client of
 * one throttled resource: the scan has one ECR client per account-region.
 *
 * @module
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { isThrottlingError } from '@smithy/core/retry';
import { type PacerClock, ThrottlePacer } from './throttle-pacer.ts';

/** The middleware's name in the client's stack. */
const NAME = 'throttlePacing';

/** A middleware of the client's stack (the SDK's step types, not exported by the client). */
type Middleware = Parameters<ECRClient['middlewareStack']['addRelativeTo']>[0];

/** What this middleware reads of the SDK's handler and context (a finalize step's). */
type Handler = (args: unknown) => Promise<unknown>;
type Context = { readonly commandName?: string };

/**
 * Adds the pacing to `client`: each attempt waits for its operation's turn, just before it is
 * signed (after the retry middleware's backoff, so a retry is paced too), and its outcome —
 * throttled or not — sets the pace of the next ones. Other errors leave the pace alone.
 *
 * @example
 * ```ts
 * const ecr = paceThrottledRequests(new ECRClient({ region, retryStrategy: scanRetryStrategy() }));
 * ```
 */
export function paceThrottledRequests(client: ECRClient, clock?: PacerClock): ECRClient {
  const pacers = new Map<string, ThrottlePacer>();
  const pace = (next: Handler, context: Context) => async (args: unknown) => {
    const operation = context.commandName ?? '';
    let pacer = pacers.get(operation);
    if (!pacer) {
      pacer = new ThrottlePacer(clock);
      pacers.set(operation, pacer);
    }
    const sentAt = await pacer.admit();
    try {
      const output = await next(args);
      pacer.succeeded();
      return output;
    } catch (error) {
      if (isThrottlingError(error as Parameters<typeof isThrottlingError>[0])) {
        pacer.throttled(sentAt);
      }
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(pace as unknown as Middleware, {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: NAME,
    override: true,
  });
  return client;
}
