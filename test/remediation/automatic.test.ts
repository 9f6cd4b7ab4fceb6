/**
 * The pure parts of automatic remediation (lib/core/remediation/automatic.ts, rate-limit.ts,
 * lib/core/deploy/remediation-scope.ts): which events are candidates, the CONFIG_REMEDIATED
 * finding, the rate limit's decisions, and the IAM scopes a policy grants.
 */
import { describe, expect, it } from 'vitest';
import {
  iamRepositoryPattern,
  remediationScopes,
} from '../../lib/core/deploy/remediation-scope.ts';
import type { RepositoryConfigEvent } from '../../lib/core/intake/types.ts';
import type { Found } from '../../lib/core/model/delivery.ts';
import { makeFinding } from '../../lib/core/model/findings.ts';
import {
  automaticCandidate,
  limitSentence,
  remediatedFinding,
  remediationEnabled,
  withLimitNote,
} from '../../lib/core/remediation/automatic.ts';
import { admit, DEFAULT_RATE_LIMIT } from '../../lib/core/remediation/rate-limit.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';

const REGION = 'eu-west-1';
const OWN = { account: ACCOUNT, region: REGION };
const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
rules:
  - repositories: ["prod/*", "payments"]
    imageTagMutability: IMMUTABLE
    remediate: true
  - accounts: ["${ACCOUNT}"]
    regions: ["${REGION}"]
    repositories: ["team/**"]
    imageTagMutability: IMMUTABLE
    remediate: true
  - repositories: ["sandbox/**"]
    imageTagMutability: MUTABLE
ignore: ["prod/cache"]
`,
  'policy.yml',
);

function event(
  repository: string,
  change: Partial<RepositoryConfigEvent> = {},
): RepositoryConfigEvent {
  return {
    type: 'repository-config',
    account: ACCOUNT,
    region: REGION,
    repository,
    config: config('MUTABLE'),
    time: '2026-04-01T10:00:00.000Z',
    eventId: 'e1',
    actor: 'arn:aws:sts::123456789012:assumed-role/admin/alice',
    origin: 'cloudtrail',
    ...change,
  } as RepositoryConfigEvent;
}

describe('automaticCandidate', () => {
  it('takes a loosening of a repository whose rule says remediate: true, with the plan of undoing it', () => {
    // Act
    const candidate = automaticCandidate(POLICY, event('prod/api'), OWN);
    // Assess
    expect(candidate?.plan.request).toEqual({
      operation: 'PutImageTagMutability',
      input: { registryId: ACCOUNT, repositoryName: 'prod/api', imageTagMutability: 'IMMUTABLE' },
    });
    expect(candidate?.plan.direction).toBe('LOOSENED');
  });

  it.each([
    ['a repository of a rule without remediate', event('sandbox/x')],
    ['a repository of the default', event('web')],
    ['an ignored repository', event('prod/cache')],
    ['another account', event('prod/api', { account: '210987654321' })],
    ['another region', event('prod/api', { region: 'us-east-1' })],
    ['an event without id', event('prod/api', { eventId: null })],
    [
      'a configuration equal to the policy (the restore itself)',
      event('prod/api', { config: config('IMMUTABLE') }),
    ],
    ['a tightening', event('team/a', { config: config('IMMUTABLE') })],
  ])('leaves %s alone', (_what, e) => {
    // Act / Assess
    expect(automaticCandidate(POLICY, e, OWN)).toBeNull();
  });

  it('takes a CHANGED configuration (some tags exposed, others protected)', () => {
    // Prepare: a policy asking for dev-* mutable; the repository makes release-* mutable instead.
    const policy = parsePolicy(
      `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - repositories: [web]
    imageTagMutability: IMMUTABLE_WITH_EXCLUSION
    imageTagMutabilityExclusionFilters: ["dev-*"]
    remediate: true
`,
      'p.yml',
    );
    // Act
    const candidate = automaticCandidate(
      policy,
      event('web', { config: config('IMMUTABLE_WITH_EXCLUSION', 'release-*') }),
      OWN,
    );
    // Assess
    expect(candidate?.plan.direction).toBe('CHANGED');
  });
});

describe('remediatedFinding', () => {
  it('is INFO with the undone configuration, the policy’s, the actor and the event; its id depends on the event only', () => {
    // Prepare
    const candidate = automaticCandidate(POLICY, event('prod/api'), OWN);
    if (!candidate) throw new Error('expected a candidate');
    const other = automaticCandidate(POLICY, event('prod/api', { eventId: 'e2' }), OWN);
    // Act
    const finding = remediatedFinding(candidate);
    // Assess
    expect(finding).toMatchObject({
      kind: 'CONFIG_REMEDIATED',
      severity: 'INFO',
      repository: 'prod/api',
      actual: config('MUTABLE'),
      expected: config('IMMUTABLE'),
      direction: 'LOOSENED',
      actor: 'arn:aws:sts::123456789012:assumed-role/admin/alice',
      eventId: 'e1',
      detectedBy: 'event',
    });
    expect(finding.message).toBe(
      'Repository prod/api was restored to IMMUTABLE (rule 1 (policy.yml:6), remediate: true): the change by arn:aws:sts::123456789012:assumed-role/admin/alice to MUTABLE (loosened) was undone, and the configuration read back equals the policy.',
    );
    expect(remediatedFinding(candidate).id).toBe(finding.id);
    expect(other && remediatedFinding(other).id).not.toBe(finding.id);
  });

  it('says nothing of an actor it does not know', () => {
    // Prepare
    const candidate = automaticCandidate(POLICY, event('payments', { actor: null }), OWN);
    if (!candidate) throw new Error('expected a candidate');
    // Act / Assess
    expect(remediatedFinding(candidate).message).toContain('the change to MUTABLE (loosened)');
  });
});

describe('withLimitNote', () => {
  const drift = (repository: string, eventId: string): Found => ({
    delivery: 'fresh',
    finding: makeFinding({
      id: `d-${repository}-${eventId}`,
      kind: 'CONFIG_DRIFT',
      severity: 'HIGH',
      account: ACCOUNT,
      region: REGION,
      repository,
      eventId,
      detectedBy: 'event',
      message: 'Repository is loosened.',
    }),
  });

  it('adds the sentence to the event’s own drift finding only, once, keeping its id', () => {
    // Prepare
    const sentence = limitSentence(3, 60);
    const found = [drift('prod/api', 'e1'), drift('prod/api', 'e0'), drift('payments', 'e1')];
    // Act
    const once = withLimitNote(found, event('prod/api'), sentence);
    const twice = withLimitNote(once.found, event('prod/api'), sentence);
    // Assess
    expect(once.noted).toBe(true);
    expect(once.found.map((f) => f.finding.message)).toEqual([
      'Repository is loosened. Not restored automatically: 3 restores of this repository in the last 60 minutes is the limit; restore it by hand.',
      'Repository is loosened.',
      'Repository is loosened.',
    ]);
    expect(once.found[0]?.finding.id).toBe('d-prod/api-e1');
    expect(twice.noted).toBe(false);
    expect(twice.found[0]?.finding.message).toBe(once.found[0]?.finding.message);
  });
});

describe('admit (the rate limit)', () => {
  const rate = { limit: 2, windowMs: 60_000 };

  it('admits up to the limit within the window, then limits; an event counted before is again', () => {
    // Prepare / Act
    const first = admit([], 'a', 1_000, rate);
    const second = admit(first.next ?? [], 'b', 2_000, rate);
    const third = admit(second.next ?? [], 'c', 3_000, rate);
    const retry = admit(second.next ?? [], 'a', 4_000, rate);
    // Assess
    expect([first.status, second.status, third.status, retry.status]).toEqual([
      'admitted',
      'admitted',
      'limited',
      'again',
    ]);
    expect(second.next).toEqual([
      { eventId: 'a', at: 1_000 },
      { eventId: 'b', at: 2_000 },
    ]);
    expect(third.next).toBeNull();
    expect(retry.next).toBeNull();
  });

  it('forgets restores older than the window', () => {
    // Prepare
    const entries = [
      { eventId: 'a', at: 1_000 },
      { eventId: 'b', at: 2_000 },
    ];
    // Act
    const later = admit(entries, 'c', 61_500, rate);
    // Assess: a left the window (61.5 s after it), b has not.
    expect(later.status).toBe('admitted');
    expect(later.next).toEqual([
      { eventId: 'b', at: 2_000 },
      { eventId: 'c', at: 61_500 },
    ]);
  });

  it('defaults to 3 an hour', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ limit: 3, windowMs: 3_600_000 });
  });
});

describe('remediation scopes (IAM)', () => {
  it('maps each rule with remediate: true to IAM patterns and conditions; none without', () => {
    // Act
    const scopes = remediationScopes(POLICY);
    // Assess
    expect(remediationEnabled(POLICY)).toBe(true);
    expect(scopes).toEqual([
      { rule: 1, repositoryPatterns: ['prod/*', 'payments'] },
      {
        rule: 2,
        repositoryPatterns: ['team/*'],
        accounts: [ACCOUNT],
        regions: [REGION],
      },
    ]);
    const plain = parsePolicy('version: 1\ndefault: {imageTagMutability: IMMUTABLE}\n', 'p.yml');
    expect(remediationScopes(plain)).toEqual([]);
    expect(remediationEnabled(plain)).toBe(false);
  });

  it('gives a rule without globs every repository, and widens star runs to one IAM star', () => {
    // Prepare
    const policy = parsePolicy(
      `version: 1
default: {imageTagMutability: IMMUTABLE}
rules:
  - accounts: ["${ACCOUNT}"]
    imageTagMutability: IMMUTABLE
    remediate: true
`,
      'p.yml',
    );
    // Act / Assess
    expect(remediationScopes(policy)).toEqual([
      { rule: 1, repositoryPatterns: ['*'], accounts: [ACCOUNT] },
    ]);
    expect(iamRepositoryPattern('a/**/b*c')).toBe('a/*/b*c');
    expect(iamRepositoryPattern('payments')).toBe('payments');
  });
});
