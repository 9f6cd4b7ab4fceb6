/**
 * planRemediation and the requests it builds (lib/core/remediation/plan.ts, request.ts): ignored,
 * already equal, or the plan with the complete target configuration — for a template with its
 * other settings unchanged.
 */
import { describe, expect, it } from 'vitest';
import { exposesTags, planRemediation } from '../../lib/core/remediation/plan.ts';
import {
  mutabilityFields,
  templateSettings,
  updateTemplateRequest,
} from '../../lib/core/remediation/request.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';
import { tagRecordOf } from '../support/ledger.ts';

const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*", "sha256-*"]
rules:
  - repositories: ["payments"]
    imageTagMutability: IMMUTABLE
ignore: ["cache/**"]
`,
  'policy.yml',
);
const REGION = 'eu-west-1';
const NOW = new Date('2026-03-31T12:00:00.000Z');

function repository(name: string) {
  return {
    kind: 'repository' as const,
    ref: { account: ACCOUNT, region: REGION, repository: name },
  };
}

describe('planRemediation', () => {
  it('leaves alone what the policy ignores, and what is already equal however it is written', () => {
    // Act
    const ignored = planRemediation({
      policy: POLICY,
      subject: repository('cache/docker-hub/nginx'),
      current: config('MUTABLE'),
      now: NOW,
    });
    const equal = planRemediation({
      policy: POLICY,
      subject: repository('payments'),
      current: config('MUTABLE_WITH_EXCLUSION', '*'),
      now: NOW,
    });
    // Assess
    expect(ignored).toEqual({ kind: 'ignored', by: 'cache/**' });
    expect(equal).toEqual({ kind: 'equal' });
  });

  it('plans a repository: the complete target in one PutImageTagMutability, the drift, the witnesses and the impact', () => {
    // Prepare: dev-1 is mutable under both; v1 moved twice and becomes immutable
    const v1 = tagRecordOf([
      { kind: 'push', digest: digest(1), time: '2026-03-01T00:00:00.000Z', eventId: null },
      { kind: 'push', digest: digest(2), time: '2026-03-10T00:00:00.000Z', eventId: null },
      { kind: 'push', digest: digest(3), time: '2026-03-20T00:00:00.000Z', eventId: null },
    ]);
    // Act
    const outcome = planRemediation({
      policy: POLICY,
      subject: repository('web'),
      current: config('MUTABLE'),
      known: {
        tags: new Map([
          ['dev-1', null],
          ['v1', v1],
        ]),
        historyKnown: true,
      },
      now: NOW,
    });
    // Assess
    expect(outcome.kind).toBe('drift');
    if (outcome.kind !== 'drift') return;
    expect(outcome.plan).toMatchObject({
      account: ACCOUNT,
      region: REGION,
      repository: 'web',
      templatePrefix: null,
      rule: 'default',
      current: config('MUTABLE'),
      target: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
      direction: 'LOOSENED',
      request: {
        operation: 'PutImageTagMutability',
        input: {
          registryId: ACCOUNT,
          repositoryName: 'web',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [
            { filterType: 'WILDCARD', filter: 'dev-*' },
            { filterType: 'WILDCARD', filter: 'sha256-*' },
          ],
        },
      },
    });
    expect(outcome.plan.witnesses[0]).toBe('v1');
    expect(outcome.plan.impact?.flips).toEqual([
      expect.objectContaining({ tag: 'v1', becomes: 'immutable', overwrites: 2 }),
    ]);
  });

  it('plans a repository whose tags are unknown without an impact', () => {
    // Act
    const outcome = planRemediation({
      policy: POLICY,
      subject: repository('payments'),
      current: config('IMMUTABLE_WITH_EXCLUSION', 'release-*'),
      now: NOW,
    });
    // Assess
    expect(outcome).toMatchObject({
      kind: 'drift',
      plan: {
        rule: 'rule 1 (policy.yml:6)',
        direction: 'LOOSENED',
        request: { input: { imageTagMutability: 'IMMUTABLE' } },
        impact: null,
      },
    });
    if (outcome.kind === 'drift') {
      expect(outcome.plan.request.input).not.toHaveProperty('imageTagMutabilityExclusionFilters');
    }
  });

  it('plans a creation template with UpdateRepositoryCreationTemplate, keeping its other settings', () => {
    // Prepare: the template as DescribeRepositoryCreationTemplates describes it
    const described = {
      prefix: 'team-a',
      description: 'team A',
      appliedFor: ['CREATE_ON_PUSH'],
      encryptionConfiguration: { encryptionType: 'AES256' },
      resourceTags: [],
      lifecyclePolicy: '{"rules":[]}',
      imageTagMutability: 'MUTABLE',
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    // Act
    const outcome = planRemediation({
      policy: POLICY,
      subject: {
        kind: 'template',
        ref: { account: ACCOUNT, region: REGION, templatePrefix: 'team-a' },
        settings: templateSettings(described),
      },
      current: config('MUTABLE'),
      now: NOW,
    });
    // Assess
    expect(outcome).toMatchObject({
      kind: 'drift',
      plan: { repository: null, templatePrefix: 'team-a', impact: null, direction: 'LOOSENED' },
    });
    if (outcome.kind !== 'drift') return;
    expect(outcome.plan.request).toEqual({
      operation: 'UpdateRepositoryCreationTemplate',
      input: {
        prefix: 'team-a',
        description: 'team A',
        appliedFor: ['CREATE_ON_PUSH'],
        encryptionConfiguration: { encryptionType: 'AES256' },
        resourceTags: [],
        lifecyclePolicy: '{"rules":[]}',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'dev-*' },
          { filterType: 'WILDCARD', filter: 'sha256-*' },
        ],
      },
    });
  });

  it('judges the ROOT template by the default', () => {
    // Act
    const outcome = planRemediation({
      policy: POLICY,
      subject: {
        kind: 'template',
        ref: { account: ACCOUNT, region: REGION, templatePrefix: 'ROOT' },
        settings: {},
      },
      current: config('IMMUTABLE'),
      now: NOW,
    });
    // Assess
    expect(outcome).toMatchObject({
      kind: 'drift',
      plan: { direction: 'TIGHTENED', rule: 'default' },
    });
  });
});

describe('requests', () => {
  it('never sends filters with a plain mode, even when the configuration lists some', () => {
    // Act
    const fields = mutabilityFields({
      imageTagMutability: 'MUTABLE',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x' }],
    });
    // Assess
    expect(fields).toEqual({ imageTagMutability: 'MUTABLE' });
  });

  it('lets the target mutability win over a setting of the same name', () => {
    // Act: settings are read by their own keys only, so mutability fields cannot come through them
    const request = updateTemplateRequest(
      'p',
      config('IMMUTABLE'),
      templateSettings({ imageTagMutability: 'MUTABLE', prefix: 'q', description: undefined }),
    );
    // Assess
    expect(request.input).toEqual({ prefix: 'p', imageTagMutability: 'IMMUTABLE' });
  });
});

describe('exposesTags', () => {
  it('is true for drift that leaves tags mutable the policy protects', () => {
    expect(
      ['EQUAL', 'LOOSENED', 'TIGHTENED', 'CHANGED'].filter((d) => exposesTags(d as 'EQUAL')),
    ).toEqual(['LOOSENED', 'CHANGED']);
  });
});
