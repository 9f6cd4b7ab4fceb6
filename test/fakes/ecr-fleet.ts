/**
 * Many fake ECR registries behind one endpoint, as ECR is for an organization: each account in
 * each region is its own {@link FakeEcr} (its own repositories, faults and throttle), and a
 * request goes to the one of the account its access key belongs to and the region it was signed
 * for (the SigV4 credential scope of its `Authorization` header).
 *
 * The keys are those test/fakes/sts.ts issues (`ASIA` + account + suffix); like AWS, a
 * temporary key without its session token (`X-Amz-Security-Token`) or a key nobody issued is
 * refused with `UnrecognizedClientException` (403). An account-region never seeded is an empty
 * registry, as a real one is.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeEcr, type FakeEcrOptions } from './ecr.ts';
import type { StartedServer } from './http.ts';
import { accountOfAccessKey, signatureScope } from './sts.ts';

/** Options of {@link FakeEcrFleet}: those of every registry, but their account and region. */
export type FakeEcrFleetOptions = Omit<FakeEcrOptions, 'accountId' | 'region'>;

/** A request the fleet refused before any registry saw it. */
export interface RefusedRequest {
  readonly accessKeyId: string | undefined;
  readonly reason: string;
}

/** ECR registries by account and region, behind one endpoint. */
export class FakeEcrFleet {
  /** Requests refused for their credentials, in order. */
  readonly refused: RefusedRequest[] = [];
  private readonly registries = new Map<string, FakeEcr>();
  private readonly options: FakeEcrFleetOptions;

  constructor(options: FakeEcrFleetOptions = {}) {
    this.options = options;
  }

  /** The registry of `account` in `region`, created empty on first use. */
  registry(account: string, region: string): FakeEcr {
    const key = `${account}/${region}`;
    let registry = this.registries.get(key);
    if (!registry) {
      registry = new FakeEcr({ ...this.options, accountId: account, region });
      this.registries.set(key, registry);
    }
    return registry;
  }

  /** Requests that reached each registry, as `account/region` → count. */
  counts(operation?: string): Record<string, number> {
    return Object.fromEntries(
      [...this.registries].map(([key, registry]) => [key, registry.count(operation)]),
    );
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  async start(): Promise<StartedServer> {
    const server = createServer((req, res) => this.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let closed: Promise<void> | undefined;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      close: () => {
        closed ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        return closed;
      },
    };
  }

  /**
   * Hands the request to the registry of its signer's account and region, in process (a hop
   * through another HTTP server would double the fake's work, which shares the machine with what
   * a benchmark measures), or refuses it as ECR refuses credentials it does not know.
   */
  private route(req: IncomingMessage, res: ServerResponse): void {
    const scope = signatureScope(req.headers.authorization);
    const account = scope ? accountOfAccessKey(scope.accessKeyId) : undefined;
    const reason =
      scope === undefined
        ? 'not signed with SigV4'
        : account === undefined
          ? 'not a key the fake STS issued'
          : req.headers['x-amz-security-token'] === undefined
            ? 'a temporary key without its session token'
            : undefined;
    if (reason === undefined && scope !== undefined && account !== undefined) {
      this.registry(account, scope.region).listener(req, res);
      return;
    }
    this.refused.push({ accessKeyId: scope?.accessKeyId, reason: reason ?? '' });
    req.resume();
    const body = JSON.stringify({
      __type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    res.writeHead(403, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  }
}
