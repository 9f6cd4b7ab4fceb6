/**
 * planRegistry (lib/core/remediation/plan-registry.ts) over an in-memory registry: what is
 * planned, what is counted, which tags are read, and that a failure never stops the rest.
 */
import { describe, expect, it } from 'vitest';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import { planRegistry, TEMPLATES_SUBJECT } from '../../lib/core/remediation/plan-registry.ts';
import type {
  Registry,
  RegistryRepository,
  RegistryTemplate,
} from '../../lib/core/scan/registry.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { tagRecordOf } from '../support/ledger.ts';

const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["cache/**"]
`,
  'policy.yml',
);
const REGION = 'eu-west-1';
const NOW = new Date('2026-03-31T12:00:00.000Z');

/** A registry of `repositories` and `templates`, recording which repositories' tags were read. */
function registryOf(options: {
  repositories: RegistryRepository[];
  templates?: RegistryTemplate[];
  tags?: Record<string, string[]>;
  failTemplates?: boolean;
  failTags?: string[];
}): Registry & { tagReads: string[] } {
  const tagReads: string[] = [];
  return {
    tagReads,
    async *templatePages() {
      if (options.failTemplates) throw new Error('AccessDeniedException: not allowed');
      yield { registryId: ACCOUNT, templates: options.templates ?? [] };
    },
    listRepositories: async () => options.repositories,
    async listTags(name) {
      tagReads.push(name);
      if (options.failTags?.includes(name)) throw new Error('ThrottlingException: Rate exceeded');
      return new Map((options.tags?.[name] ?? []).map((tag, i) => [tag, digest(i + 1)]));
    },
  };
}

const looseWeb = { repositoryName: 'web', registryId: ACCOUNT, imageTagMutability: 'MUTABLE' };

describe('planRegistry', () => {
  it('plans what exposes tags, counts the rest, and reads tags only of the repositories planned', async () => {
    // Prepare
    const registry = registryOf({
      templates: [
        { prefix: 'team-a', imageTagMutability: 'MUTABLE' },
        { prefix: 'sandbox', imageTagMutability: 'MUTABLE' },
      ],
      repositories: [
        looseWeb,
        {
          repositoryName: 'api',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
        },
        { repositoryName: 'strict', imageTagMutability: 'IMMUTABLE' },
        { repositoryName: 'cache/hub/nginx', imageTagMutability: 'MUTABLE' },
        { repositoryName: 'sandbox/x', imageTagMutability: 'IMMUTABLE' },
      ],
      tags: { web: ['v1', 'dev-1'] },
    });
    // Act
    const result = await planRegistry({ registry, policy: POLICY, region: REGION, now: NOW });
    // Assess
    expect(result).toMatchObject({
      account: ACCOUNT,
      region: REGION,
      templates: 2,
      repositories: 4,
      ignored: 1,
      equal: 2,
      tightened: 2,
      failures: [],
    });
    expect(result.plans.map((p) => p.templatePrefix ?? p.repository)).toEqual(['team-a', 'web']);
    expect(registry.tagReads).toEqual(['web']);
    expect(result.plans[1]?.impact).toMatchObject({
      tags: 2,
      historyKnown: false,
      flips: [{ tag: 'v1', becomes: 'immutable', overwrites: null }],
    });
  });

  it('plans tightened drift too when asked', async () => {
    // Prepare
    const registry = registryOf({
      repositories: [{ repositoryName: 'strict', imageTagMutability: 'IMMUTABLE' }],
    });
    // Act
    const result = await planRegistry({
      registry,
      policy: POLICY,
      region: REGION,
      now: NOW,
      includeTightened: true,
    });
    // Assess
    expect(result.tightened).toBe(0);
    expect(result.plans.map((p) => [p.repository, p.direction])).toEqual([['strict', 'TIGHTENED']]);
  });

  it('keeps only the selected repositories, and templates as the policy names them (P/; ROOT by null)', async () => {
    // Prepare
    const registry = registryOf({
      templates: [
        { prefix: 'team-a', imageTagMutability: 'MUTABLE' },
        { prefix: 'team-b', imageTagMutability: 'MUTABLE' },
        { prefix: 'ROOT', imageTagMutability: 'MUTABLE' },
      ],
      repositories: [looseWeb, { repositoryName: 'team-a/api', imageTagMutability: 'MUTABLE' }],
    });
    const asked: (string | null)[] = [];
    // Act
    const result = await planRegistry({
      registry,
      policy: POLICY,
      region: REGION,
      now: NOW,
      select: (name) => {
        asked.push(name);
        return name?.startsWith('team-a/') === true;
      },
    });
    // Assess
    expect(asked).toEqual(['team-a/', 'team-b/', null, 'web', 'team-a/api']);
    expect(result.plans.map((p) => p.templatePrefix ?? p.repository)).toEqual([
      'team-a',
      'team-a/api',
    ]);
  });

  it('gives each tag the history the ledger holds, and none to a tag the ledger does not know', async () => {
    // Prepare
    const latest = tagRecordOf([
      { kind: 'push', digest: digest(7), time: '2026-03-20T00:00:00.000Z', eventId: null },
      { kind: 'push', digest: digest(8), time: '2026-03-21T00:00:00.000Z', eventId: null },
    ]);
    const registry = registryOf({ repositories: [looseWeb], tags: { web: ['latest', 'v2'] } });
    const asked: string[] = [];
    // Act
    const result = await planRegistry({
      registry,
      policy: POLICY,
      region: REGION,
      now: NOW,
      history: async (ref) => {
        asked.push(`${ref.account}/${ref.region}/${ref.repository}`);
        return new Map<string, TagRecord>([['latest', latest]]);
      },
    });
    // Assess
    expect(asked).toEqual([`${ACCOUNT}/${REGION}/web`]);
    expect(result.plans[0]?.impact?.historyKnown).toBe(true);
    expect(result.plans[0]?.impact?.flips.map((f) => [f.tag, f.overwrites])).toEqual([
      ['latest', 1],
      ['v2', null],
    ]);
  });

  it('reports what cannot be read and plans the rest; a repository whose tags fail is planned without impact', async () => {
    // Prepare
    const registry = registryOf({
      failTemplates: true,
      repositories: [
        looseWeb,
        { repositoryName: 'odd', imageTagMutability: 'SOMETIMES' },
        { repositoryName: 'busy', imageTagMutability: 'MUTABLE' },
      ],
      failTags: ['busy'],
    });
    // Act
    const result = await planRegistry({ registry, policy: POLICY, region: REGION, now: NOW });
    // Assess
    expect(result.failures).toEqual([
      { subject: TEMPLATES_SUBJECT, error: 'AccessDeniedException: not allowed' },
      { subject: 'odd', error: expect.stringContaining('imageTagMutability must be one of') },
      { subject: 'busy', error: 'ThrottlingException: Rate exceeded' },
    ]);
    expect(result.plans.map((p) => [p.repository, p.impact === null])).toEqual([
      ['busy', true],
      ['web', false],
    ]);
  });

  it('names a template ECR describes with a configuration it could not have sent, and leaves ignored templates alone', async () => {
    // Prepare: cache/ is ignored, as the repositories below it are
    const registry = registryOf({
      templates: [
        {
          prefix: 'odd',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX', filter: 'a' }],
        },
        { prefix: 'cache', imageTagMutability: 'MUTABLE' },
        { imageTagMutability: 'MUTABLE' },
      ],
      repositories: [],
    });
    // Act
    const result = await planRegistry({ registry, policy: POLICY, region: REGION, now: NOW });
    // Assess
    expect(result.failures).toEqual([
      { subject: 'template:odd', error: expect.stringContaining('filterType must be "WILDCARD"') },
    ]);
    expect(result).toMatchObject({ templates: 0, ignored: 1, plans: [] });
  });

  it('takes the account from the repositories when the templates do not name it, or from the caller', async () => {
    // Prepare: no registry id on the template page
    const silent = (): Registry => ({
      async *templatePages() {
        yield { templates: [] };
      },
      listRepositories: async () => [{ ...looseWeb, registryId: '999999999999' }],
      listTags: async () => new Map(),
    });
    // Act
    const reported = await planRegistry({
      registry: silent(),
      policy: POLICY,
      region: REGION,
      now: NOW,
    });
    const given = await planRegistry({
      registry: silent(),
      policy: POLICY,
      account: ACCOUNT,
      region: REGION,
      now: NOW,
    });
    // Assess
    expect(reported.account).toBe('999999999999');
    expect(reported.plans[0]?.request.input).toMatchObject({ registryId: '999999999999' });
    expect(given.plans[0]?.request.input).toMatchObject({ registryId: ACCOUNT });
  });

  it('fails as a whole only when the repositories cannot be listed', async () => {
    // Prepare
    const registry: Registry = {
      async *templatePages() {},
      listRepositories: async () => {
        throw new Error('UnrecognizedClientException: bad token');
      },
      listTags: async () => new Map(),
    };
    // Act
    const run = planRegistry({ registry, policy: POLICY, region: REGION, now: NOW });
    // Assess
    await expect(run).rejects.toThrow('UnrecognizedClientException');
  });
});
