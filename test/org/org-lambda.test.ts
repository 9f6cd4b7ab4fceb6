/**
 * The organization scan's Lambda handler of the `Plan` state, as the built function runs it
 * (lib/runtime/org-lambda.ts): settings from the environment, the middlewares, the plan.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrgPlanHandler } from '../../lib/runtime/org-lambda.ts';
import { lambdaContext } from '../reliability/support.ts';

describe('the org-plan handler', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
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
    const plan = (await handler({}, lambdaContext('org-plan') as never)) as {
      accounts: number;
      items: { account: string; region: string }[];
    };
    // Assess: sorted by account, then region.
    expect(plan.accounts).toBe(2);
    expect(plan.items).toEqual([
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
    await expect(handler({}, lambdaContext('org-plan') as never)).rejects.toThrow(/ORG_ACCOUNTS/);
  });
});
