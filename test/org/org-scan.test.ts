/**
 * The organization scan's state machine run end to end by the in-test driver (test/org/driver.ts)
 * over the definition object of infra/org-scan-state-machine.ts, with the real state functions
 * (lib/runtime/org-plan.ts, org-item.ts, org-summary.ts) on dynalite, the fake SNS and one fake
 * ECR per account-region: 3 accounts × 2 regions, one account whose scan role cannot be assumed
 * and one whose ECR throttles beyond the SDK's retries.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ITEM_TRANSIENT_ERRORS,
  LAMBDA_TRANSIENT_ERRORS,
  ORG_SCAN_MAP_LABEL,
  ORG_SCAN_SUBSTITUTIONS,
  orgScanDefinition,
} from '../../infra/org-scan-state-machine.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { AssumeRoleError } from '../../lib/aws/member-registry.ts';
import { ITEM_FAILURES_KEPT, type OrgItemResult } from '../../lib/core/org/item-result.ts';
import type { Registry } from '../../lib/core/scan/registry.ts';
import { renderOrgSummary } from '../../lib/render/org-summary.ts';
import {
  InvalidWorkItemError,
  type MemberRegistryFactory,
  orgItem,
} from '../../lib/runtime/org-item.ts';
import {
  orgPlan,
  PLAN_PAYLOAD_LIMIT_BYTES,
  PlanTooLargeError,
} from '../../lib/runtime/org-plan.ts';
import { OrgConfigurationError, readOrgSettings } from '../../lib/runtime/org-settings.ts';
import { InvalidOrgResultsError, orgSummary } from '../../lib/runtime/org-summary.ts';
import { accountLister, memberRegistryFactory, planItems } from '../../lib/runtime/org-wiring.ts';
import { policy } from '../aws/support.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeOrganizations } from '../fakes/organizations.ts';
import { FakeSts } from '../fakes/sts.ts';
import { type Harness, rawItem, startHarness } from '../reliability/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import { newTrace, runMachine } from './driver.ts';

const GOOD = '111111111111';
const DENIED = '222222222222';
const THROTTLED = '333333333333';
const ACCOUNTS = [GOOD, DENIED, THROTTLED];
const REGIONS = ['us-east-1', 'eu-west-1'];
const EXPECTED = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const, filters: ['dev-*'] };
const START = '2025-07-24T06:00:00.000Z';

/** STS's refusal, as the member-registry factory would surface it. */
class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
}

const resource = (key: string) => `\${${key}}`;

let h: Harness;
const servers: StartedServer[] = [];
const registries = new Map<string, { ecr: FakeEcr; client: ECRClient }>();

beforeAll(async () => {
  h = await startHarness(policy(DEV_MUTABLE_POLICY));
  // One registry per account-region, each with `svc` as the policy wants; GOOD/us-east-1's
  // `app` is MUTABLE (drift).
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      const ecr = new FakeEcr({ accountId: account, region });
      const server = await ecr.start();
      servers.push(server);
      ecr.addRepository('svc', EXPECTED);
      ecr.pushImage('svc', 'v1', digest(1));
      if (account === GOOD && region === 'us-east-1') ecr.addRepository('app');
      registries.set(`${account}/${region}`, {
        ecr,
        client: ecrClient(server, { retryDelayMs: 1 }),
      });
    }
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h.close();
});
beforeEach(() => h.reset());

/** The member registries: DENIED's role cannot be assumed; the others read their fake ECR. */
const registryFor: MemberRegistryFactory = async (item) => {
  if (item.account === DENIED) {
    throw new AccessDenied(`not authorized to perform: sts:AssumeRole on ${item.account}`);
  }
  const entry = registries.get(`${item.account}/${item.region}`);
  if (!entry) throw new Error(`no registry ${item.account}/${item.region}`);
  return createEcrRegistry(entry.client) satisfies Registry;
};

/** The three state functions, by the `Resource` the definition names them with. */
function functions(maxConcurrency: number) {
  return {
    [resource(ORG_SCAN_SUBSTITUTIONS.plan)]: () =>
      orgPlan(
        { accounts: [], regions: REGIONS, scanRoleName: 'ecr-tag-auditor-scan', maxConcurrency },
        { listAccounts: async () => ACCOUNTS, plan: planItems },
      ),
    [resource(ORG_SCAN_SUBSTITUTIONS.item)]: (input: unknown) =>
      orgItem(h.runtime, registryFor, input),
    [resource(ORG_SCAN_SUBSTITUTIONS.summary)]: (input: unknown) => orgSummary(h.runtime, input),
  };
}

interface Notification {
  content: { title: string; description: string };
  metadata: { additionalContext: Record<string, string> };
}
const published = (kind: string) =>
  h.sns.published.filter((m) => m.messageAttributes.kind?.stringValue === kind);

describe('the state machine definition', () => {
  const substituted = () =>
    JSON.parse(
      JSON.stringify(orgScanDefinition()).replace(
        /\$\{(\w+)\}/g,
        (_, key: string) => `arn:aws:lambda:us-east-1:123456789012:function:stack-${key}`,
      ),
    ) as unknown;

  it('is valid Amazon States Language (asl-validator), once CloudFormation substituted the ARNs', () => {
    // Act
    const result = aslValidator(substituted());

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('the validator rejects a broken definition (the check is live)', () => {
    // Prepare: a Catch that goes nowhere.
    const broken = substituted() as { States: Record<string, { Type: string }> };
    (broken.States[ORG_SCAN_MAP_LABEL] as { Type: string }).Type = 'Parallel';

    // Act
    const result = aslValidator(broken);

    // Assess
    expect(result.isValid).toBe(false);
  });

  it('runs the items in a DISTRIBUTED, STANDARD Map with retries, backoff and a Catch per item', () => {
    // Act
    const definition = orgScanDefinition({ toleratedFailurePercentage: 25 });
    const map = definition.States[ORG_SCAN_MAP_LABEL];
    const scanItem = map.ItemProcessor.States.ScanItem;

    // Assess
    expect(definition.StartAt).toBe('Plan');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({
      Mode: 'DISTRIBUTED',
      ExecutionType: 'STANDARD',
    });
    expect(map).toMatchObject({
      ItemsPath: '$.plan.items',
      MaxConcurrencyPath: '$.plan.maxConcurrency',
      ToleratedFailurePercentage: 25,
      Next: 'Summarize',
    });
    expect(scanItem.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS],
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      }),
      expect.objectContaining({ ErrorEquals: [...ITEM_TRANSIENT_ERRORS], JitterStrategy: 'FULL' }),
    ]);
    expect(scanItem.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ItemFailed' },
    ]);
  });
});

describe('an organization scan: 3 accounts × 2 regions, one role denied, one ECR throttling', () => {
  it('scans the rest, retries the throttled item, names the failed ones, and sends one summary counting per account, region and kind', async () => {
    // Prepare: THROTTLED/us-east-1 throttles its first three listings — every attempt of the
    // SDK (3) in the first invocation; the state machine's retry then gets through.
    let throttled = 0;
    registries
      .get(`${THROTTLED}/us-east-1`)
      ?.ecr.injectWith('DescribeRepositories', () =>
        throttled++ < 3 ? fault.throttle() : undefined,
      );
    const trace = newTrace();

    // Act: MaxConcurrency 2 through the plan.
    const output = await runMachine(orgScanDefinition(), {}, functions(2), trace, START);

    // Assess: the summary function's output, and the Map's concurrency.
    expect(output).toEqual({ items: 6, failedItems: 2, parts: 1 });
    expect(trace.maxInFlight).toBe(2);
    expect(trace.childFailures).toBe(0);
    // The throttled item failed once with ThrottlingException, was retried after the declared
    // interval, and succeeded; the denied items were not retried (not transient).
    const itemResource = resource(ORG_SCAN_SUBSTITUTIONS.item);
    expect(trace.retries).toEqual([
      { resource: itemResource, error: 'ThrottlingException', delaySeconds: 30 },
    ]);
    const itemCalls = trace.invocations.filter((i) => i.resource === itemResource);
    expect(itemCalls).toHaveLength(7);
    expect(itemCalls.filter((i) => i.error === 'AccessDenied')).toHaveLength(2);
    // The drift of GOOD/us-east-1 alerted as the scheduled scan does, and recorded centrally.
    const alerts = h.sns.published
      .filter((m) => m.messageAttributes.kind?.stringValue !== 'ORG_SCAN_SUMMARY')
      .map((m) => findingOfMessage(m.message));
    expect(alerts).toMatchObject([
      { kind: 'CONFIG_DRIFT', account: GOOD, region: 'us-east-1', repository: 'app' },
    ]);
    expect(await rawItem(h, `REPO#${GOOD}#us-east-1#app`, 'CONFIG')).toBeDefined();
    expect(await rawItem(h, `REPO#${THROTTLED}#us-east-1#svc`, 'CONFIG')).toBeDefined();
    // One summary for the organization.
    const summaries = published('ORG_SCAN_SUMMARY').map(
      (m) => JSON.parse(m.message) as Notification,
    );
    expect(summaries).toHaveLength(1);
    const lines = summaries[0]?.content.description.split('\n') ?? [];
    expect(lines[0]).toBe(`Scanned 4 of 6 account-region(s) in 3 account(s), started ${START}.`);
    expect(lines).toContain('• CONFIG_DRIFT: 1');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^• FAILED \`${DENIED}/us-east-1\`: \`AccessDenied\` `)),
        expect.stringMatching(new RegExp(`^• FAILED \`${DENIED}/eu-west-1\`: \`AccessDenied\` `)),
        `• account \`${GOOD}\`: 1 finding(s)`,
        `• account \`${THROTTLED}\`: 0 finding(s)`,
        '• region `us-east-1`: 1 finding(s)',
        '• region `eu-west-1`: 0 finding(s)',
      ]),
    );
    expect(lines.join('\n')).not.toContain(`account \`${DENIED}\``);
    expect(summaries[0]?.content.title).toBe(
      'ECR tag audit of the organization: 1 finding(s), 1 high, 2 failed item(s)',
    );
  });
});

describe('the state functions on their own', () => {
  it('org-plan takes the static list when given one, and refuses a plan too large for the state payload', async () => {
    // Prepare
    const many = Array.from({ length: 4_000 }, (_, i) => String(100000000000 + i));
    const settings = { regions: REGIONS, scanRoleName: 'r', maxConcurrency: 20 };
    const listAccounts = async () => {
      throw new Error('organization mode must not be used');
    };

    // Act
    const small = await orgPlan(
      { ...settings, accounts: [GOOD] },
      { listAccounts, plan: planItems },
    );
    const error = await orgPlan(
      { ...settings, accounts: many },
      { listAccounts, plan: planItems },
    ).catch((e: unknown) => e);

    // Assess
    expect(small).toEqual({
      accounts: 1,
      maxConcurrency: 20,
      items: [...REGIONS].sort().map((region) => ({ account: GOOD, region })),
    });
    expect(error).toBeInstanceOf(PlanTooLargeError);
    expect((error as Error).message).toContain(`${PLAN_PAYLOAD_LIMIT_BYTES} bytes`);
  });

  it('org-item refuses an input that is not an account-region, before assuming anything', async () => {
    // Prepare
    let assumed = 0;
    const factory: MemberRegistryFactory = async () => {
      assumed++;
      throw new Error('unreachable');
    };

    // Act
    const error = await orgItem(h.runtime, factory, { account: 'x', region: 'eu-west-1' }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidWorkItemError);
    expect(assumed).toBe(0);
  });

  it("org-summary refuses what is not the Map state's results", async () => {
    // Act
    const error = await orgSummary(h.runtime, { results: 'nope' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidOrgResultsError);
    expect(h.sns.published).toEqual([]);
  });

  it('the summary of many failed items is split into parts, each under the SNS limit', () => {
    // Prepare
    const results: OrgItemResult[] = Array.from({ length: 400 }, (_, i) => ({
      status: 'FAILED',
      account: String(100000000000 + i),
      region: 'eu-west-1',
      error: 'AccessDenied',
      cause: 'x'.repeat(400),
    }));
    const maxBytes = 64 * 1024;

    // Act
    const parts = renderOrgSummary({ startedAt: START, results }, maxBytes);

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts)
      expect(new TextEncoder().encode(part.message).length).toBeLessThan(maxBytes);
    const text = parts
      .map((p) => (JSON.parse(p.message) as Notification).content.description)
      .join('\n');
    expect(text.match(/• FAILED /g)).toHaveLength(400);
  });

  it("settings: every problem named; the regions default to the function's own", () => {
    // Act
    const error = (() => {
      try {
        readOrgSettings({
          ORG_ACCOUNTS: '12,111111111111',
          ORG_SCAN_ROLE_NAME: '',
          ORG_MAX_CONCURRENCY: '0',
        });
      } catch (e) {
        return e;
      }
    })();
    const settings = readOrgSettings({ AWS_REGION: 'eu-west-1', ORG_SCAN_ROLE_NAME: 'scan' });

    // Assess
    expect(error).toBeInstanceOf(OrgConfigurationError);
    expect((error as Error).message).toMatch(
      /ORG_ACCOUNTS: not account ids: 12;.*ORG_REGIONS is not set;.*ORG_SCAN_ROLE_NAME.*ORG_MAX_CONCURRENCY/,
    );
    expect(settings).toEqual({
      accounts: [],
      regions: ['eu-west-1'],
      scanRoleName: 'scan',
      maxConcurrency: 20,
    });
  });

  it("wires the account lister to the organization's active accounts (ListAccounts)", async () => {
    // Prepare: Organizations (a loopback fake, through the SDK's endpoint variable).
    const organizations = new FakeOrganizations();
    organizations.addAccount(GOOD);
    organizations.addAccount('444455556666', 'SUSPENDED');
    const server = await organizations.start();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ORGANIZATIONS: server.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDCENTRAL',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'us-east-1',
    });
    try {
      // Act
      const accounts = await accountLister()();
      // Assess
      expect(accounts).toEqual([GOOD]);
    } finally {
      process.env = saved;
      await server.close();
    }
  });

  it("wires the member registry to the scan role of the item's account, assumed through STS", async () => {
    // Prepare: STS (a loopback fake, through the SDK's endpoint variable) refuses that role.
    const sts = new FakeSts();
    const server = await sts.start();
    sts.denyRole(`arn:aws:iam::${GOOD}:role/scan`);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_STS: server.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDCENTRAL',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    try {
      // Act
      const error = await memberRegistryFactory({
        accounts: [],
        regions: REGIONS,
        scanRoleName: 'scan',
        maxConcurrency: 20,
      })({ account: GOOD, region: 'eu-west-1' }).catch((e: unknown) => e);
      // Assess: the item fails naming the role (it is reported, never scanned as clean).
      expect(error).toBeInstanceOf(AssumeRoleError);
      expect((error as Error).message).toContain(`arn:aws:iam::${GOOD}:role/scan`);
      expect(ITEM_FAILURES_KEPT).toBeGreaterThan(0);
    } finally {
      process.env = saved;
      await server.close();
    }
  });
});
