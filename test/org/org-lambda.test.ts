/**
 * The organization scan's Lambda handler of the `Plan` state, as the built function runs it
 * (lib/runtime/org-lambda.ts): settings from the environment, the middlewares, the plan written
 * to the bucket (the fake S3, through the SDK's endpoint variable).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrgPlanHandler } from '../../lib/runtime/org-lambda.ts';
import type { StartedServer } from '../fakes/http.ts';
import { FakeS3 } from '../fakes/s3.ts';
import { lambdaContext } from '../reliability/support.ts';

const s3 = new FakeS3({ buckets: ['org-scan-bucket'] });
let server: StartedServer;
beforeAll(async () => {
  server = await s3.start();
});
afterAll(() => server.close());

describe('the org-plan handler', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: server.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDCENTRAL',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'us-east-1',
      ORG_SCAN_BUCKET: 'org-scan-bucket',
    });
  });
  afterEach(() => {
    process.env = saved;
  });

  it('plans the static accounts of its environment times its regions', async () => {
    // Prepare
    Object.assign(process.env, {
      ORG_ACCOUNTS: '222233334444,111122223333',
      ORG_REGIONS: 'us-east-1,eu-west-1',
      ORG_SCAN_ROLE_NAME: 'ecr-tag-auditor-scan',
      POWERTOOLS_METRICS_NAMESPACE: 'test',
    });
    const handler = createOrgPlanHandler('org-plan');
    // Act
    const plan = await handler({ execution: 'run-1' }, lambdaContext('org-plan') as never);
    // Assess: where the items are; the items sorted by account, then region.
    expect(plan).toEqual({
      bucket: 'org-scan-bucket',
      key: 'plans/run-1.json',
      count: 4,
      accounts: 2,
      maxConcurrency: 20,
    });
    expect(JSON.parse(s3.text('org-scan-bucket', 'plans/run-1.json') ?? 'null')).toEqual([
      { account: '111122223333', region: 'eu-west-1' },
      { account: '111122223333', region: 'us-east-1' },
      { account: '222233334444', region: 'eu-west-1' },
      { account: '222233334444', region: 'us-east-1' },
    ]);
  });

  it('fails naming the setting when its environment is wrong', async () => {
    Object.assign(process.env, {
      ORG_ACCOUNTS: 'not-an-account',
      ORG_REGIONS: 'eu-west-1',
      ORG_SCAN_ROLE_NAME: 'ecr-tag-auditor-scan',
    });
    const handler = createOrgPlanHandler('org-plan');
    await expect(
      handler({ execution: 'run-1' }, lambdaContext('org-plan') as never),
    ).rejects.toThrow(/ORG_ACCOUNTS/);
  });
});
