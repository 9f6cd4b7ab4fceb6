/**
 * The registry of a member account (lib/aws/member-registry.ts) against the fake STS and the
 * fake ECR fleet: the role assumed in the account, its credentials reaching that account's
 * registry, one AssumeRole for a whole scan.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleError, memberRoleArn } from '../../lib/aws/assume-role.ts';
import { createStsClient } from '../../lib/aws/clients.ts';
import { createMemberRegistry, type MemberRegistryOptions } from '../../lib/aws/member-registry.ts';
import { createRegionalStsClients } from '../../lib/aws/regional-sts-clients.ts';
import { ecrClient, stsClient } from '../fakes/clients.ts';
import { FakeEcrFleet } from '../fakes/ecr-fleet.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeSts } from '../fakes/sts.ts';
import { digest } from '../support/digest.ts';

const sts = new FakeSts();
let fleet: FakeEcrFleet;
let stsServer: StartedServer;
let fleetServer: StartedServer;

beforeAll(async () => {
  stsServer = await sts.start();
});
afterAll(() => stsServer.close());
/** The STS clients the tests gave registries: theirs to destroy, not the registries'. */
let stsClients: ReturnType<typeof createRegionalStsClients>;
beforeEach(async () => {
  sts.reset();
  fleet = new FakeEcrFleet();
  fleetServer = await fleet.start();
  stsClients = createRegionalStsClients((region) =>
    stsClient(stsServer, { region, maxAttempts: 2, retryDelayMs: 1 }),
  );
  return async () => {
    stsClients.destroy();
    await fleetServer.close();
  };
});

/** The options of a member registry on the fakes. */
function onFakes(account: string, extra: Partial<MemberRegistryOptions> = {}) {
  return {
    account,
    region: 'eu-west-1',
    roleName: 'ecr-tag-auditor-scan',
    sts: stsClients.of,
    ecr: (
      region: string,
      credentials: NonNullable<Parameters<typeof ecrClient>[1]>['credentials'],
    ) => ecrClient(fleetServer, { region, credentials }),
    ...extra,
  } satisfies MemberRegistryOptions;
}

describe('createMemberRegistry', () => {
  it('reads the registry of the account whose role it assumed, in the region asked', async () => {
    // Prepare: the same repository name in two accounts, another region of the first
    fleet.registry('111111111111', 'eu-west-1').addRepository('app');
    fleet.registry('111111111111', 'eu-west-1').pushImage('app', 'v1', digest(1));
    fleet.registry('222222222222', 'eu-west-1').addRepository('app');
    fleet.registry('222222222222', 'eu-west-1').pushImage('app', 'v1', digest(2));
    fleet.registry('111111111111', 'us-east-1').addRepository('elsewhere');
    // Act
    const registry = await createMemberRegistry(onFakes('222222222222'));
    const repositories = await registry.listRepositories();
    const tags = await registry.listTags('app');
    registry.destroy();
    // Assess
    expect(repositories.map((r) => `${r.registryId}:${r.repositoryName}`)).toEqual([
      '222222222222:app',
    ]);
    expect(tags).toEqual(new Map([['v1', digest(2)]]));
    expect(registry.roleArn).toBe('arn:aws:iam::222222222222:role/ecr-tag-auditor-scan');
    expect(sts.issued.map((c) => [c.roleArn, c.signedRegion, c.sessionName])).toEqual([
      [registry.roleArn, 'eu-west-1', 'ecr-tag-auditor-scan'],
    ]);
  });

  it('assumes the role once for a whole scan, however many pages ECR answers in', async () => {
    // Prepare: 2,100 repositories (3 pages) and 2,100 tagged images in one (3 pages)
    const ecr = fleet.registry('111111111111', 'eu-west-1');
    for (let i = 0; i < 2_100; i++) ecr.addRepository(`repo-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < 2_100; i++) ecr.pushImage('repo-0000', `t${i}`, digest(i));
    ecr.addTemplate('prod', { imageTagMutability: 'IMMUTABLE' });
    // Act
    const registry = await createMemberRegistry(onFakes('111111111111'));
    for await (const _ of registry.templatePages()) {
      // read every page
    }
    const repositories = await registry.listRepositories();
    const tags = await registry.listTags('repo-0000');
    registry.destroy();
    // Assess
    expect(repositories).toHaveLength(2_100);
    expect(tags.size).toBe(2_100);
    expect(ecr.count('DescribeRepositories')).toBe(3);
    expect(ecr.count('ListImages')).toBe(3);
    expect(ecr.count('DescribeImages')).toBe(0);
    expect(sts.count('AssumeRole')).toBe(1);
  });

  it('rejects with AssumeRoleError naming the role when it is not assumable, or STS throttles beyond retries', async () => {
    // Prepare
    sts.denyRole('arn:aws:iam::222222222222:role/ecr-tag-auditor-scan');
    sts.injectWith('AssumeRole', ({ body }) =>
      String((body as { RoleArn?: string }).RoleArn).includes('333333333333')
        ? fault.throttle()
        : undefined,
    );
    // Act
    const denied = await createMemberRegistry(onFakes('222222222222')).catch((e: unknown) => e);
    const throttled = await createMemberRegistry(onFakes('333333333333')).catch((e: unknown) => e);
    // Assess
    expect(denied).toBeInstanceOf(AssumeRoleError);
    expect(denied).toMatchObject({
      roleArn: 'arn:aws:iam::222222222222:role/ecr-tag-auditor-scan',
      cause: { name: 'AccessDenied' },
    });
    expect(throttled).toMatchObject({ cause: { name: 'Throttling' } });
    expect(sts.count('AssumeRole')).toBe(3); // 1 denied, 2 attempts throttled
    expect(fleet.counts()).toEqual({});
  });
});

describe('createRegionalStsClients with member registries', () => {
  it('shares one STS client per region among registries, and destroys them only when told', async () => {
    // Prepare: 3 accounts in eu-west-1 and one in us-east-1, their STS clients counted
    const made: { region: string; destroyed: number }[] = [];
    const clients = createRegionalStsClients((region) => {
      const client = stsClient(stsServer, { region, maxAttempts: 1 });
      const record = { region, destroyed: 0 };
      made.push(record);
      const destroy = client.destroy.bind(client);
      client.destroy = () => {
        record.destroyed++;
        destroy();
      };
      return client;
    });
    const open = (account: string, region: string) =>
      createMemberRegistry({ ...onFakes(account), region, sts: clients.of });
    // Act
    const registries = [
      await open('111111111111', 'eu-west-1'),
      await open('222222222222', 'eu-west-1'),
      await open('333333333333', 'us-east-1'),
    ];
    for (const registry of registries) registry.destroy();
    const later = await open('444444444444', 'eu-west-1');
    later.destroy();
    const destroyedBefore = made.map((m) => m.destroyed);
    clients.destroy();
    // Assess
    expect(made.map((m) => m.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(destroyedBefore).toEqual([0, 0]);
    expect(made.map((m) => m.destroyed)).toEqual([1, 1]);
    expect(sts.issued.map((c) => [c.roleArn.split(':')[4], c.signedRegion])).toEqual([
      ['111111111111', 'eu-west-1'],
      ['222222222222', 'eu-west-1'],
      ['333333333333', 'us-east-1'],
      ['444444444444', 'eu-west-1'],
    ]);
    expect(() => clients.of('eu-west-1')).toThrow('the STS clients of this run were destroyed');
    expect(made).toHaveLength(2);
  });
});

describe('memberRoleArn and the default STS client', () => {
  it('names the role in the partition of the region', () => {
    // Act / Assess
    expect(memberRoleArn('111111111111', 'cn-north-1', 'audit')).toBe(
      'arn:aws-cn:iam::111111111111:role/audit',
    );
    expect(memberRoleArn('111111111111', 'us-gov-west-1', 'ops/audit')).toBe(
      'arn:aws-us-gov:iam::111111111111:role/ops/audit',
    );
    expect(memberRoleArn('111111111111', 'eu-west-1', 'audit', 'aws')).toBe(
      'arn:aws:iam::111111111111:role/audit',
    );
  });

  it('calls STS at the regional endpoint of the region scanned', () => {
    // Prepare
    const client = createStsClient('ap-southeast-2');
    // Act
    const endpoint = client.config.endpointProvider({
      Region: 'ap-southeast-2',
      UseFIPS: false,
      UseDualStack: false,
      UseGlobalEndpoint: false,
    });
    client.destroy();
    // Assess
    expect(endpoint.url.href).toBe('https://sts.ap-southeast-2.amazonaws.com/');
  });
});
