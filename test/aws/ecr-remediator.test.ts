/**
 * The remediator over the ECR API (lib/aws/ecr-remediator.ts), against the fake ECR through the
 * real SDK client: the request sent as the plan spells it, and the configuration read back — or
 * why it cannot be.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEcrRemediator, ReadBackError } from '../../lib/aws/ecr-remediator.ts';
import { planRemediation, type RemediationPlan } from '../../lib/core/remediation/plan.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';
import { config } from '../support/config.ts';

const ecr = new FakeEcr();
let server: StartedServer;
const POLICY = parsePolicy('version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n', 'policy.yml');

beforeAll(async () => {
  server = await ecr.start();
});
afterAll(() => server.close());
beforeEach(() => {
  ecr.repositories.clear();
  ecr.templates.clear();
  ecr.reset();
});

function plan(subject: 'repository' | 'template'): RemediationPlan {
  const scope = { account: ecr.accountId, region: ecr.region };
  const outcome = planRemediation({
    policy: POLICY,
    subject:
      subject === 'repository'
        ? { kind: 'repository', ref: { ...scope, repository: 'web' } }
        : { kind: 'template', ref: { ...scope, templatePrefix: 'team-a' }, settings: {} },
    current: config('MUTABLE'),
    now: new Date(),
  });
  if (outcome.kind !== 'drift') throw new Error('expected drift');
  return outcome.plan;
}

describe('createEcrRemediator', () => {
  it('sends the request as the plan spells it and reads the repository back', async () => {
    // Prepare
    ecr.addRepository('web');
    const remediator = createEcrRemediator(ecrClient(server));
    const web = plan('repository');
    // Act
    await remediator.send(web.request);
    const after = await remediator.readBack(web);
    // Assess
    expect(ecr.requests.map((r) => [r.operation, r.body])).toEqual([
      ['PutImageTagMutability', web.request.input],
      ['DescribeRepositories', { registryId: ecr.accountId, repositoryNames: ['web'] }],
    ]);
    expect(after).toMatchObject({ repositoryName: 'web', imageTagMutability: 'IMMUTABLE' });
  });

  it('says so when what it reads back is gone', async () => {
    // Prepare: neither exists (deleted between the change and the read)
    const remediator = createEcrRemediator(ecrClient(server));
    // Act
    const repository = remediator.readBack(plan('repository'));
    const template = remediator.readBack(plan('template'));
    // Assess
    await expect(repository).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
    await expect(template).rejects.toBeInstanceOf(ReadBackError);
    await expect(template).rejects.toThrow('creation template team-a is not listed');
  });
});
