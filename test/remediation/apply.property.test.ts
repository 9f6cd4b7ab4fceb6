/**
 * The remediation end to end, as a property: for random policies and random actual
 * configurations of repositories and creation templates in the fake ECR, every request the plan
 * makes is accepted by the fake (which validates as ECR documents it, test/fakes/ecr.ts), and
 * applying the plan makes every repository and template not ignored `EQUAL` to the policy, each
 * template's other settings unchanged. Through the real SDK client and the AWS adapters
 * (lib/aws/ecr-registry.ts, lib/aws/ecr-remediator.ts), with TIGHTENED drift included.
 *
 * The property is shown to bite: the same check over plans whose requests drop a filter fails.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { createEcrRemediator } from '../../lib/aws/ecr-remediator.ts';
import {
  MUTABILITY_MODES,
  type Mutability,
  type MutabilityConfig,
} from '../../lib/core/model/config.ts';
import { resolveRepository, resolveTemplate } from '../../lib/core/policy/resolve.ts';
import { sealPolicy } from '../../lib/core/policy/seal.ts';
import type { Policy } from '../../lib/core/policy/types.ts';
import { applyPlans } from '../../lib/core/remediation/apply.ts';
import { planRegistry } from '../../lib/core/remediation/plan-registry.ts';
import type { RemediationRequest } from '../../lib/core/remediation/request.ts';
import { compareConfigs } from '../../lib/core/semantics/compare.ts';
import { normalizeRepositoryConfig } from '../../lib/core/semantics/validate.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr, type FakeTemplate } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';

const REGION = 'us-east-1';
const ecr = new FakeEcr({ region: REGION });
let server: StartedServer;

beforeAll(async () => {
  server = await ecr.start();
});
afterAll(() => server.close());

/** Filters over a few characters, so that filters of the two sides overlap often. */
const filterArb = fc
  .array(fc.constantFrom('a', 'b', '1', '-', '.', '_', '*'), { minLength: 1, maxLength: 5 })
  .map((chars) => chars.join(''))
  .filter((f) => f.split('*').length - 1 <= 2);

/** A configuration ECR accepts: a mode, and 1–5 filters with the `*_WITH_EXCLUSION` modes. */
const configArb: fc.Arbitrary<MutabilityConfig> = fc
  .tuple(
    fc.constantFrom<Mutability>(...MUTABILITY_MODES),
    fc.array(filterArb, { minLength: 1, maxLength: 5 }),
  )
  .map(([mode, filters]) => ({
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: mode.endsWith('_WITH_EXCLUSION')
      ? filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter }))
      : [],
  }));

const REPOSITORIES = ['app/web', 'app/api/v1', 'svc', 'team-a/x', 'cache/hub', 'other'];
const PREFIXES = ['app', 'team-a', 'svc', 'ROOT'];
const GLOBS = ['app/*', 'app/**', 'svc', 'team-*/**', '**', 'other'];

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    default: configArb,
    rules: fc.array(
      fc.record({ repositories: fc.subarray(GLOBS, { minLength: 1 }), config: configArb }),
      { maxLength: 3 },
    ),
    ignore: fc.constantFrom<string[]>([], ['cache/**']),
  })
  .map(({ rules, ...rest }) =>
    sealPolicy({
      file: 'policy.yml',
      ...rest,
      rules: rules.map((rule, index) => ({ ...rule, index, line: 5 + index })),
    }),
  );

/** A template's other settings, user text included. */
const settingsArb = fc.record(
  {
    description: fc.string({ maxLength: 40 }),
    appliedFor: fc.subarray(['REPLICATION', 'PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'], {
      minLength: 1,
    }),
    lifecyclePolicy: fc.constant('{"rules":[{"rulePriority":1}]}'),
    resourceTags: fc.array(
      fc.record({ Key: fc.constantFrom('team', 'cost'), Value: fc.string() }),
      {
        maxLength: 2,
      },
    ),
  },
  { requiredKeys: ['appliedFor'] },
);

const registryArb = fc.record({
  policy: policyArb,
  repositories: fc.uniqueArray(fc.tuple(fc.constantFrom(...REPOSITORIES), configArb), {
    selector: ([name]) => name,
    maxLength: REPOSITORIES.length,
  }),
  templates: fc.uniqueArray(fc.tuple(fc.constantFrom(...PREFIXES), configArb, settingsArb), {
    selector: ([prefix]) => prefix,
    maxLength: PREFIXES.length,
  }),
});

type Scenario = typeof registryArb extends fc.Arbitrary<infer T> ? T : never;

/** The settings of a fake template that a remediation must leave as they were. */
function otherSettings(t: FakeTemplate) {
  const { description, appliedFor, lifecyclePolicy, resourceTags, encryptionConfiguration } = t;
  return { description, appliedFor, lifecyclePolicy, resourceTags, encryptionConfiguration };
}

/**
 * Seeds the fake with `scenario`, plans (TIGHTENED included), passes each request through
 * `mutate`, applies, and checks the property; throws (an expectation) when it does not hold.
 */
async function plannedAndApplied(
  scenario: Scenario,
  mutate: (request: RemediationRequest) => RemediationRequest,
): Promise<void> {
  ecr.repositories.clear();
  ecr.templates.clear();
  ecr.reset();
  for (const [name, config] of scenario.repositories) {
    ecr.addRepository(name, {
      imageTagMutability: config.imageTagMutability,
      filters: [...config.imageTagMutabilityExclusionFilters],
    });
  }
  for (const [prefix, config, settings] of scenario.templates) {
    ecr.addTemplate(prefix, {
      imageTagMutability: config.imageTagMutability,
      filters: [...config.imageTagMutabilityExclusionFilters],
      ...settings,
    });
  }
  const settingsBefore = new Map(
    [...ecr.templates].map(([prefix, t]) => [prefix, structuredClone(otherSettings(t))]),
  );
  const client = ecrClient(server, { maxAttempts: 1 });
  try {
    const { plans, failures } = await planRegistry({
      registry: createEcrRegistry(client),
      policy: scenario.policy,
      region: REGION,
      includeTightened: true,
      now: new Date(),
    });
    expect(failures).toEqual([]);
    const remediator = createEcrRemediator(client);
    const results = await applyPlans(
      plans.map((plan) => ({ ...plan, request: mutate(plan.request) })),
      { remediatorOf: () => remediator, perSecond: 1000, now: () => 0, sleep: async () => {} },
    );
    // Every request accepted, and read back EQUAL to its target.
    expect(results.filter((r) => r.status !== 'EQUAL').map((r) => r.error)).toEqual([]);
    expect(ecr.count('PutImageTagMutability') + ecr.count('UpdateRepositoryCreationTemplate')).toBe(
      plans.length,
    );
    // Everything the policy does not ignore is EQUAL now, seen from the fake's own state.
    const scope = { account: ecr.accountId, region: REGION };
    for (const repository of ecr.repositories.values()) {
      const resolution = resolveRepository(scenario.policy, {
        ...scope,
        repository: repository.name,
      });
      if (resolution.ignored) continue;
      const actual = normalizeRepositoryConfig({
        imageTagMutability: repository.imageTagMutability,
        imageTagMutabilityExclusionFilters: repository.filters,
      });
      expect(typeof actual).not.toBe('string');
      expect(compareConfigs(resolution.config, actual as MutabilityConfig).direction).toBe('EQUAL');
    }
    for (const template of ecr.templates.values()) {
      const resolution = resolveTemplate(scenario.policy, {
        ...scope,
        templatePrefix: template.prefix,
      });
      if (!resolution.ignored) {
        const actual = normalizeRepositoryConfig({
          imageTagMutability: template.imageTagMutability,
          imageTagMutabilityExclusionFilters: template.filters,
        }) as MutabilityConfig;
        expect(compareConfigs(resolution.config, actual).direction).toBe('EQUAL');
      }
      expect(otherSettings(template)).toEqual(settingsBefore.get(template.prefix));
    }
  } finally {
    client.destroy();
  }
}

describe('remediate: plan and apply, as a property', () => {
  it('every planned request is accepted and leaves everything the policy audits EQUAL to it', async () => {
    await fc.assert(
      fc.asyncProperty(registryArb, (scenario) => plannedAndApplied(scenario, (r) => r)),
      { numRuns: 150 },
    );
  });

  it('fails when the requests drop a filter (the property can fail)', async () => {
    // Prepare: the complete list is what the plan must send; the last filter dropped
    const dropLast = (request: RemediationRequest): RemediationRequest => {
      const filters = request.input.imageTagMutabilityExclusionFilters;
      if (!filters) return request;
      return {
        ...request,
        input: { ...request.input, imageTagMutabilityExclusionFilters: filters.slice(0, -1) },
      } as RemediationRequest;
    };
    // Act
    const result = await fc.check(
      fc.asyncProperty(registryArb, (scenario) => plannedAndApplied(scenario, dropLast)),
      { numRuns: 150, seed: 20260331 },
    );
    // Assess
    expect(result.failed).toBe(true);
  });
});
