/**
 * Member registries served over a message port (lib/aws/registry-calls.ts), the side of a scan
 * thread: here over a MessageChannel in this thread, with the real member registry on the fake
 * STS and the fake ECR fleet, so that what crosses the port is checked where coverage sees it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemberRegistry, type MemberRegistryOptions } from '../../lib/aws/member-registry.ts';
import {
  type OpenMemberRegistry,
  type RegistryAnswer,
  type RegistryPort,
  type RegistryRequest,
  serveRegistries,
} from '../../lib/aws/registry-calls.ts';
import { ecrClient, stsClient } from '../fakes/clients.ts';
import { FakeEcrFleet } from '../fakes/ecr-fleet.ts';
import type { StartedServer } from '../fakes/http.ts';
import { FakeSts } from '../fakes/sts.ts';
import { digest } from '../support/digest.ts';

const A = '111111111111';
const sts = new FakeSts();
let fleet: FakeEcrFleet;
let stsServer: StartedServer;
let fleetServer: StartedServer;
let channel: MessageChannel;
let destroyed: string[];

beforeAll(async () => {
  stsServer = await sts.start();
});
afterAll(() => stsServer.close());
beforeEach(async () => {
  sts.reset();
  fleet = new FakeEcrFleet();
  fleetServer = await fleet.start();
  channel = new MessageChannel();
  destroyed = [];
});
afterEach(async () => {
  channel.port1.close();
  await fleetServer.close();
});

/** The real member registry, its clients on the fakes; its release recorded. */
const openOnFakes: OpenMemberRegistry = async (options: MemberRegistryOptions) => {
  const registry = await createMemberRegistry({
    ...options,
    sts: (region) => stsClient(stsServer, { region, maxAttempts: 1, retryDelayMs: 1 }),
    ecr: (region, credentials) => ecrClient(fleetServer, { region, credentials, maxAttempts: 1 }),
  });
  return {
    ...registry,
    destroy: () => {
      destroyed.push(`${options.account}/${options.region}`);
      registry.destroy();
    },
  };
};

/** Serves on port2 and returns a caller on port1: each call resolves with its answer. */
function serve(open: OpenMemberRegistry = openOnFakes) {
  serveRegistries(channel.port2 as unknown as RegistryPort, open);
  const port: MessagePort = channel.port1;
  let nextId = 1;
  return (call: RegistryRequest) =>
    new Promise<RegistryAnswer>((resolve) => {
      const id = nextId++;
      const listener = (answer: RegistryAnswer) => {
        if (answer.id !== id) return;
        port.off('message', listener);
        resolve(answer);
      };
      port.on('message', listener);
      port.postMessage({ ...call, id });
    });
}

const open = { op: 'open', account: A, region: 'eu-west-1', roleName: 'scan' } as const;

describe('serveRegistries', () => {
  it('opens a registry by its handle and answers its reads as plain data', async () => {
    // Prepare
    const ecr = fleet.registry(A, 'eu-west-1');
    ecr.addRepository('app', { imageTagMutability: 'IMMUTABLE' });
    ecr.pushImage('app', 'v1', digest(1));
    ecr.pushImage('app', 'v2', digest(2));
    const call = serve();
    // Act
    const opened = await call({ ...open, handle: 7 });
    const repositories = await call({ op: 'listRepositories', handle: 7 });
    const tags = await call({ op: 'listTags', handle: 7, repositoryName: 'app' });
    const templates = await call({ op: 'templatePages', handle: 7 });
    // Assess
    expect(opened).toEqual({ id: 1, value: `arn:aws:iam::${A}:role/scan` });
    expect(repositories.error).toBeUndefined();
    expect(repositories.value).toMatchObject([
      { repositoryName: 'app', registryId: A, imageTagMutability: 'IMMUTABLE' },
    ]);
    expect(tags.value).toEqual(
      new Map([
        ['v1', digest(1)],
        ['v2', digest(2)],
      ]),
    );
    expect(templates).toEqual({ id: 4, value: [{ registryId: A, templates: [] }] });
  });

  it('answers a failure with its message only, and keeps serving the other calls', async () => {
    // Prepare: the role of the second account cannot be assumed
    sts.denyRole('arn:aws:iam::222222222222:role/scan');
    fleet.registry(A, 'eu-west-1').addRepository('app');
    const call = serve();
    // Act
    const denied = await call({ ...open, account: '222222222222', handle: 1 });
    const unknown = await call({ op: 'listTags', handle: 9, repositoryName: 'app' });
    await call({ ...open, handle: 2 });
    const missing = await call({ op: 'listTags', handle: 2, repositoryName: 'gone' });
    const fine = await call({ op: 'listTags', handle: 2, repositoryName: 'app' });
    // Assess
    expect(denied.value).toBeUndefined();
    expect(denied.error).toMatch(/222222222222.*scan|scan.*222222222222/);
    expect(unknown).toEqual({ id: 2, error: 'no open registry 9 in this scan thread' });
    expect(missing.error).toContain("'gone'");
    expect(fine).toEqual({ id: 5, value: new Map() });
  });

  it('answers the template pages read before a failure together with it', async () => {
    // Prepare: a registry whose second page of templates fails
    const failing: OpenMemberRegistry = async () => ({
      roleArn: 'arn:aws:iam::111111111111:role/scan',
      async *templatePages() {
        yield { registryId: A, templates: [{ prefix: 'team-a' }] };
        throw new Error('ThrottlingException: Rate exceeded');
      },
      listRepositories: async () => [],
      listTags: async () => new Map(),
      destroy: () => {},
    });
    const call = serve(failing);
    await call({ ...open, handle: 1 });
    // Act
    const answer = await call({ op: 'templatePages', handle: 1 });
    // Assess
    expect(answer).toEqual({
      id: 2,
      value: [{ registryId: A, templates: [{ prefix: 'team-a' }] }],
      error: 'ThrottlingException: Rate exceeded',
    });
  });

  it('releases a registry on destroy; its handle is unknown after', async () => {
    // Prepare
    fleet.registry(A, 'eu-west-1').addRepository('app');
    const call = serve();
    await call({ ...open, handle: 3 });
    // Act
    const released = await call({ op: 'destroy', handle: 3 });
    const after = await call({ op: 'listRepositories', handle: 3 });
    const again = await call({ op: 'destroy', handle: 3 });
    // Assess
    expect(released).toEqual({ id: 2, value: undefined });
    expect(destroyed).toEqual([`${A}/eu-west-1`]);
    expect(after.error).toBe('no open registry 3 in this scan thread');
    expect(again.error).toBeUndefined();
  });
});
