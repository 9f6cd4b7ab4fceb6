/**
 * The organization scan's state machine run end to end by the in-test driver (test/org/driver.ts)
 * over the definition object of infra/org-scan-state-machine.ts, with the real state functions
 * (lib/runtime/org-plan.ts, org-item.ts, org-summary.ts) on dynalite, the fake SNS and one fake
 * ECR per account-region: 3 accounts × 2 regions, one account whose scan role cannot be assumed
 * and one whose ECR throttles beyond the SDK's retries. The plan and the Map run's results go
 * through the fake S3 (the Map's ItemReader and ResultWriter).
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
import { AssumeRoleError } from '../../lib/aws/assume-role.ts';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { putJsonArray, readResultEntries } from '../../lib/aws/org-scan-bucket.ts';
import { PLAN_PREFIX, RESULTS_PREFIX } from '../../lib/core/org/bucket-layout.ts';
import { ITEM_FAILURES_KEPT, type OrgItemResult } from '../../lib/core/org/item-result.ts';
import type { Registry } from '../../lib/core/scan/registry.ts';
import { renderOrgSummary } from '../../lib/render/org-summary.ts';
import {
  InvalidWorkItemError,
  type MemberRegistryFactory,
  orgItem,
} from '../../lib/runtime/org-item.ts';
import { InvalidPlanInputError, orgPlan } from '../../lib/runtime/org-plan.ts';
import { OrgConfigurationError, readOrgSettings } from '../../lib/runtime/org-settings.ts';
import { InvalidOrgResultsError, orgSummary } from '../../lib/runtime/org-summary.ts';
import { accountLister, memberRegistryFactory, planItems } from '../../lib/runtime/org-wiring.ts';
import { policy } from '../aws/support.ts';
import { ecrClient, s3Client } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import { fault, type StartedServer } from '../fakes/http.ts';
import { FakeOrganizations } from '../fakes/organizations.ts';
import { FakeS3 } from '../fakes/s3.ts';
import { FakeSts } from '../fakes/sts.ts';
import { type Harness, rawItem, startHarness } from '../reliability/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { findingOfMessage } from '../support/published.ts';
import { newTrace, runMachine, STATE_PAYLOAD_LIMIT_BYTES } from './driver.ts';

const GOOD = '111111111111';
const DENIED = '222222222222';
const THROTTLED = '333333333333';
const ACCOUNTS = [GOOD, DENIED, THROTTLED];
const REGIONS = ['us-east-1', 'eu-west-1'];
const EXPECTED = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const, filters: ['dev-*'] };
const START = '2025-07-24T06:00:00.000Z';
const BUCKET = 'org-scan-bucket';

/** STS's refusal, as the member-registry factory would surface it. */
class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
}

const resource = (key: string) => `\${${key}}`;

let h: Harness;
const servers: StartedServer[] = [];
const fakeS3 = new FakeS3({ buckets: [BUCKET] });
let s3: ReturnType<typeof s3Client>;
const registries = new Map<string, { ecr: FakeEcr; client: ECRClient }>();

beforeAll(async () => {
  h = await startHarness(policy(DEV_MUTABLE_POLICY));
  const s3Server = await fakeS3.start();
  servers.push(s3Server);
  s3 = s3Client(s3Server, { retryDelayMs: 1 });
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
beforeEach(() => {
  h.reset();
  fakeS3.reset();
});

/** The member registries: DENIED's role cannot be assumed; the others read their fake ECR. */
const registryFor: MemberRegistryFactory = async (item) => {
  if (item.account === DENIED) {
    throw new AccessDenied(`not authorized to perform: sts:AssumeRole on ${item.account}`);
  }
  const entry = registries.get(`${item.account}/${item.region}`);
  if (!entry) throw new Error(`no registry ${item.account}/${item.region}`);
  return createEcrRegistry(entry.client) satisfies Registry;
};

/** The plan's writer and the results' reader, on the fake S3. */
const writePlan = (key: string, items: readonly unknown[]) => putJsonArray(s3, BUCKET, key, items);
const readResults = (details: { Bucket: string; Key: string }) => readResultEntries(s3, details);

/** The three state functions, by the `Resource` the definition names them with. */
function functions(
  maxConcurrency: number,
  options: { accounts?: readonly string[]; regions?: readonly string[] } = {},
) {
  return {
    [resource(ORG_SCAN_SUBSTITUTIONS.plan)]: (input: unknown) =>
      orgPlan(
        {
          accounts: [],
          regions: options.regions ?? REGIONS,
          scanRoleName: 'ecr-tag-auditor-scan',
          maxConcurrency,
        },
        {
          bucket: BUCKET,
          listAccounts: async () => options.accounts ?? ACCOUNTS,
          plan: planItems,
          write: writePlan,
        },
        input,
      ),
    [resource(ORG_SCAN_SUBSTITUTIONS.item)]: (input: unknown) =>
      orgItem(h.runtime, registryFor, input),
    [resource(ORG_SCAN_SUBSTITUTIONS.summary)]: (input: unknown) =>
      orgSummary(h.runtime, readResults, input),
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
    expect(map).not.toHaveProperty('ItemsPath');
    expect(map).toMatchObject({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.plan.bucket', 'Key.$': '$.plan.key' },
      },
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { 'Bucket.$': '$.plan.bucket', Prefix: RESULTS_PREFIX },
      },
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
    const output = await runMachine(orgScanDefinition(), {}, functions(2), trace, START, { s3 });

    // Assess: the summary function's output, and the Map's concurrency.
    expect(output).toEqual({ items: 6, failedItems: 2, parts: 1 });
    // The plan and the results went through the bucket: one plan, one manifest, one result file.
    const keys = fakeS3.keys(BUCKET);
    expect(keys.filter((k) => k.startsWith(PLAN_PREFIX))).toHaveLength(1);
    expect(keys.filter((k) => k.endsWith('/manifest.json'))).toHaveLength(1);
    expect(keys.filter((k) => /\/SUCCEEDED_\d+\.json$/.test(k))).toHaveLength(1);
    const summarize = trace.invocations.find(
      (i) => i.resource === resource(ORG_SCAN_SUBSTITUTIONS.summary),
    );
    expect(summarize?.input).toEqual({
      startedAt: START,
      results: { Bucket: BUCKET, Key: expect.stringMatching(/^results\/.+\/manifest\.json$/) },
    });
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

describe('the reference organization: 1,000 accounts × 17 regions through the bucket', () => {
  it('plans, scans and summarizes 17,000 account-regions with no state input or output over 256 KiB', async () => {
    // Prepare: every item answers at once with a clean result (a stub item function: the real
    // org-item's ledger round trips on dynalite would take minutes for 17,000 items).
    const accounts = Array.from({ length: 1_000 }, (_, i) => String(100000000000 + i));
    const regions = [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'ca-central-1',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-central-1',
      'eu-north-1',
      'eu-south-1',
      'ap-south-1',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'sa-east-1',
    ];
    const trace = newTrace();
    const real = functions(200, { accounts, regions });
    const itemFn = async (input: unknown) => {
      const { account, region } = input as { account: string; region: string };
      return {
        status: 'SCANNED',
        account,
        region,
        counts: {},
        findings: 0,
        high: 0,
        published: 0,
        repositories: 0,
        covered: 0,
        failureCount: 0,
        failures: [],
      };
    };

    // Act
    const output = await runMachine(
      orgScanDefinition(),
      {},
      { ...real, [resource(ORG_SCAN_SUBSTITUTIONS.item)]: itemFn },
      trace,
      START,
      { s3, resultsPerFile: 5_000 },
    );

    // Assess: all 17,000 scanned and counted; the largest payload far below the limit; the
    // results in several files.
    expect(output).toEqual({ items: 17_000, failedItems: 0, parts: 1 });
    expect(trace.maxPayloadBytes).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES / 100);
    expect(trace.invocations).toHaveLength(17_002);
    const plan = fakeS3.keys(BUCKET, PLAN_PREFIX);
    expect(JSON.parse(fakeS3.text(BUCKET, plan[0] ?? '') ?? '[]')).toHaveLength(17_000);
    expect(
      fakeS3.keys(BUCKET, RESULTS_PREFIX).filter((k) => k.includes('/SUCCEEDED_')),
    ).toHaveLength(4);
    const summary = JSON.parse(published('ORG_SCAN_SUMMARY')[0]?.message ?? '{}') as Notification;
    expect(summary.content.description.split('\n')[0]).toBe(
      `Scanned 17000 of 17000 account-region(s) in 1000 account(s), started ${START}.`,
    );
  });

  it('the same plan passed inline, as before, would exceed the payload limit (the check is live)', async () => {
    // Prepare: the old shape of the plan's output, items inline.
    const items = planItems(
      Array.from({ length: 1_000 }, (_, i) => String(100000000000 + i)),
      [
        'us-east-1',
        'us-east-2',
        'us-west-1',
        'us-west-2',
        'eu-west-1',
        'eu-west-2',
        'eu-central-1',
        'ap-south-1',
        'sa-east-1',
        'ca-central-1',
      ],
    ).flat();
    const definition = {
      StartAt: 'Plan',
      States: { Plan: { Type: 'Task', Resource: 'plan', ResultPath: '$.plan', End: true } },
    };

    // Act
    const error = await runMachine(
      definition,
      {},
      { plan: async () => ({ items }) },
      newTrace(),
      START,
    ).catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe('States.DataLimitExceeded');
  });
});

describe('the state functions on their own', () => {
  it('org-plan takes the static list when given one, writes the items to the bucket and returns only where they are', async () => {
    // Prepare
    const settings = { regions: REGIONS, scanRoleName: 'r', maxConcurrency: 20 };
    const listAccounts = async () => {
      throw new Error('organization mode must not be used');
    };
    const deps = { bucket: BUCKET, listAccounts, plan: planItems, write: writePlan };

    // Act
    const plan = await orgPlan({ ...settings, accounts: [GOOD] }, deps, { execution: 'run-1' });
    const error = await orgPlan({ ...settings, accounts: [GOOD] }, deps, {}).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(plan).toEqual({
      bucket: BUCKET,
      key: 'plans/run-1.json',
      count: 2,
      accounts: 1,
      maxConcurrency: 20,
    });
    expect(JSON.parse(fakeS3.text(BUCKET, 'plans/run-1.json') ?? 'null')).toEqual(
      [...REGIONS].sort().map((region) => ({ account: GOOD, region })),
    );
    expect(error).toBeInstanceOf(InvalidPlanInputError);
    expect(fakeS3.keys(BUCKET)).toEqual(['plans/run-1.json']);
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

  it("org-summary refuses what is not the ResultWriter's manifest (inline results included)", async () => {
    // Act
    const error = await orgSummary(h.runtime, readResults, {
      startedAt: START,
      results: [{ status: 'SCANNED' }],
    }).catch((e: unknown) => e);

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
