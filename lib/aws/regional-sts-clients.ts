/**
 * STS clients shared by region. Every account-region of a scan across accounts assumes its role
 * with the caller's own credentials at its region's STS endpoint; with a client per
 * account-region, the caller's credentials would be resolved again for each — a profile's SSO
 * login asks the SSO portal for them once per client, thousands of times for an organization —
 * and each would open its own connections to the same endpoint. One client per region resolves
 * them once and keeps its connections.
 *
 * @module
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { createStsClient } from './clients.ts';

/** STS clients by region, each made on first use. */
export interface RegionalStsClients {
  /** The client of `region`, made on first use; throws once {@link destroy} has been called. */
  readonly of: (region: string) => STSClient;
  /** Destroys every client made; none is made after. */
  destroy(): void;
}

/**
 * STS clients by region, made by `make` (default {@link createStsClient}: the regional endpoint).
 *
 * @example
 * ```ts
 * const sts = createRegionalStsClients();
 * const registry = await createMemberRegistry({ account, region, roleName, sts: sts.of });
 * registry.destroy(); // the STS client stays, for the next account in that region
 * sts.destroy();
 * ```
 */
export function createRegionalStsClients(
  make: (region: string) => STSClient = createStsClient,
): RegionalStsClients {
  const clients = new Map<string, STSClient>();
  let destroyed = false;
  return {
    of: (region) => {
      // A client made now would be nobody's to destroy.
      if (destroyed) throw new Error('the STS clients of this run were destroyed');
      let client = clients.get(region);
      if (!client) {
        client = make(region);
        clients.set(region, client);
      }
      return client;
    },
    destroy: () => {
      destroyed = true;
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
