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
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
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
  private readonly servers = new Map<string, Promise<StartedServer>>();
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
    const server = createServer((req, res) => {
      this.route(req)
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        })
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500);
          res.end(String(error));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let closed: Promise<void> | undefined;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      close: () => {
        closed ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await Promise.all([...this.servers.values()].map(async (s) => (await s).close()));
        })();
        return closed;
      },
    };
  }

  private async route(
    req: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
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
    if (reason !== undefined || scope === undefined || account === undefined) {
      this.refused.push({ accessKeyId: scope?.accessKeyId, reason: reason ?? '' });
      return {
        status: 403,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from(
          JSON.stringify({
            __type: 'UnrecognizedClientException',
            message: 'The security token included in the request is invalid.',
          }),
        ),
      };
    }
    const target = await this.serverOf(account, scope.region);
    return forward(target.endpoint, req, raw);
  }

  private serverOf(account: string, region: string): Promise<StartedServer> {
    const key = `${account}/${region}`;
    let server = this.servers.get(key);
    if (!server) {
      server = this.registry(account, region).start();
      this.servers.set(key, server);
    }
    return server;
  }
}

/** Sends the request on to `endpoint` and returns its answer. */
function forward(
  endpoint: string,
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const url = new URL(req.url ?? '/', endpoint);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      url,
      { method: req.method, headers: { ...req.headers, host: url.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(raw);
  });
}
