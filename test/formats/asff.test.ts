/**
 * Findings in the AWS Security Finding Format (lib/render/asff.ts, lib/render/asff-batches.ts):
 * every field as docs/formats.md maps it, every finding valid by what AWS documents
 * (test/support/asff.ts) whatever text it holds, record ids stable and shared exactly where a
 * resolution must update its drift, and requests `BatchImportFindings` accepts.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import { type AsffFinding, toAsff } from '../../lib/render/asff.ts';
import { asffBatches, renderAsff } from '../../lib/render/asff-batches.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { asffProblems, batchProblems } from '../support/asff.ts';
import { config } from '../support/config.ts';
import { expectedRecord, interchangeFinding } from './findings.ts';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const asff = (f: Finding, options = {}): AsffFinding => toAsff(f, { now: NOW, ...options });

/** A drift of `repository` as the engine reports it, and its resolution (each with its own id). */
function driftAndResolution(repository = 'payments/api'): [Finding, Finding] {
  const drift = sampleFinding('CONFIG_DRIFT', {
    repository,
    id: 'config-drift-aaaaaaaaaaaaaaaaaaaa',
  });
  const resolution = sampleFinding('CONFIG_DRIFT_RESOLVED', {
    repository,
    id: 'config-drift-resolved-bbbbbbbbbbbbbbbbbbbb',
    severity: 'INFO',
    actual: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
    direction: 'EQUAL',
    eventTime: '2025-07-25T00:00:00.000Z',
  });
  return [drift, resolution];
}

describe('the ASFF checker (test/support/asff.ts)', () => {
  const valid = asff(sampleFinding('CONFIG_DRIFT'));

  it.each<[string, (f: Record<string, unknown>) => void, RegExp]>([
    ['a missing required field', (f) => delete f.Types, /^Types: required, missing$/],
    ['a title over 256', (f) => (f.Title = 'x'.repeat(257)), /^Title: length 257/],
    ['a blank description', (f) => (f.Description = ' \n'), /^Description: does not match/],
    ['an unknown severity', (f) => (f.Severity = { Label: 'SEVERE' }), /^Severity.Label/],
    ['a foreign namespace', (f) => (f.Types = ['Misc/x']), /^Types\[0\]: "Misc\/x" is not/],
    ['another account’s product', (f) => (f.AwsAccountId = '210987654321'), /^ProductArn: not/],
    [
      'an unaccepted time',
      (f) => (f.UpdatedAt = '2025-07-24 00:00'),
      /^UpdatedAt: .* not an accepted/,
    ],
    ['an unknown member', (f) => (f.Compliances = {}), /^finding.Compliances: not a member/],
    [
      'an Other value of 1,024',
      (f) => {
        const [resource] = f.Resources as { Details: { Other: object } }[];
        if (resource) resource.Details.Other = { k: 'v'.repeat(1024) };
      },
      /^Resources\[0\].Details.Other.k: length 1024/,
    ],
    ['a lone surrogate', (f) => (f.Title = 'v\ud800'), /^Title: holds a lone surrogate$/],
    [
      'more than 240,000 bytes',
      (f) =>
        (f.ProductFields = Object.fromEntries(
          Array.from({ length: 50 }, (_, i) => [`k${i}`, '\u0001'.repeat(2048)]),
        )),
      /^finding: \d+ bytes/,
    ],
  ])('reports %s', (_name, spoil, problem) => {
    // Prepare
    const finding = structuredClone(valid) as unknown as Record<string, unknown>;
    spoil(finding);
    // Act
    const problems = asffProblems(finding);
    // Assess
    expect(asffProblems(valid)).toEqual([]);
    expect(problems).toContainEqual(expect.stringMatching(problem));
  });

  it('reports a request of two accounts, or of more than 100 findings', () => {
    const other = asff(sampleFinding('CONFIG_DRIFT', { account: '210987654321' }));
    expect(batchProblems({ Findings: [valid, other] })).toEqual([
      'Findings: 2 product ARNs, so several callers',
    ]);
    expect(batchProblems({ Findings: Array(101).fill(valid) })).toEqual([
      'Findings: not an array of 1 to 100 findings',
    ]);
    expect(batchProblems({ Findings: [valid], Extra: 1 })).toEqual([
      'request: not an object with Findings only',
    ]);
  });
});

describe('toAsff', () => {
  it('maps an overwrite: the required fields, the repository, our fields in ProductFields', () => {
    // Prepare
    const finding = sampleFinding('TAG_OVERWRITE_VIOLATION');
    // Act
    const result = asff(finding);
    // Assess
    expect(asffProblems(result)).toEqual([]);
    expect(result).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: `ecr-tag-auditor/${finding.id}`,
      ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      ProductName: 'ecr-tag-auditor',
      GeneratorId: 'ecr-tag-auditor/TAG_OVERWRITE_VIOLATION',
      AwsAccountId: ACCOUNT,
      Types: [
        'Software and Configuration Checks/AWS Security Best Practices/ECR Image Tag Overwrite',
      ],
      CreatedAt: finding.eventTime,
      UpdatedAt: finding.eventTime,
      Severity: { Label: 'HIGH', Original: 'HIGH' },
      Title: 'Immutable image tag overwritten: payments/api:v1.2.3',
      Description: finding.message,
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      FindingProviderFields: {
        Severity: { Label: 'HIGH', Original: 'HIGH' },
        Types: [
          'Software and Configuration Checks/AWS Security Best Practices/ECR Image Tag Overwrite',
        ],
      },
    });
    expect(result.Resources).toEqual([
      {
        Type: 'AwsEcrRepository',
        Id: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api`,
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: { AwsEcrRepository: { RepositoryName: 'payments/api' } },
      },
    ]);
    expect(result.ProductFields).toEqual({
      'ecr-tag-auditor/findingId': finding.id,
      'ecr-tag-auditor/kind': 'TAG_OVERWRITE_VIOLATION',
      'ecr-tag-auditor/detectedBy': 'event',
      'ecr-tag-auditor/tag': 'v1.2.3',
      'ecr-tag-auditor/previousDigest': finding.previousDigest,
      'ecr-tag-auditor/digest': finding.digest,
      'ecr-tag-auditor/viaDelete': 'false',
      'ecr-tag-auditor/expectedImageTagMutability': 'IMMUTABLE_WITH_EXCLUSION',
      'ecr-tag-auditor/expectedExclusionFilters': 'dev-*, sha256-*',
      'ecr-tag-auditor/actor': finding.actor,
      'ecr-tag-auditor/eventId': finding.eventId,
      'ecr-tag-auditor/eventTime': finding.eventTime,
    });
    expect(result).not.toHaveProperty('UserDefinedFields');
    expect(result).not.toHaveProperty('Workflow');
  });

  it.each([
    ['INFO', 'INFORMATIONAL'],
    ['LOW', 'LOW'],
    ['MEDIUM', 'MEDIUM'],
    ['HIGH', 'HIGH'],
  ] as const)('labels severity %s as %s, keeping the original', (severity, label) => {
    const result = asff(sampleFinding('OVERWRITE_BLOCKED', { severity }));
    expect(result.Severity).toEqual({ Label: label, Original: severity });
    expect(result.FindingProviderFields.Severity).toEqual({ Label: label, Original: severity });
  });

  it.each([
    ['TAG_OVERWRITE_VIOLATION', 'HIGH', 'FAILED'],
    ['TAG_OVERWRITE_ALLOWED', 'INFO', 'PASSED'],
    ['OVERWRITE_BLOCKED', 'LOW', 'PASSED'],
    ['OVERWRITE_BLOCKED', 'MEDIUM', 'FAILED'],
    ['CONFIG_DRIFT', 'HIGH', 'FAILED'],
    ['CONFIG_DRIFT', 'LOW', 'FAILED'],
    ['TEMPLATE_DRIFT', 'HIGH', 'FAILED'],
    ['CONFIG_DRIFT_RESOLVED', 'INFO', 'PASSED'],
  ] as const)('%s at %s is %s', (kind, severity, status) => {
    const result = asff(sampleFinding(kind, { severity }));
    expect(result.Compliance).toEqual({ Status: status });
    expect(result.RecordState).toBe(kind === 'CONFIG_DRIFT_RESOLVED' ? 'ARCHIVED' : 'ACTIVE');
  });

  it('a resolution updates its drift’s record: the same Id and generator, archived and passed', () => {
    // Prepare
    const [drift, resolution] = driftAndResolution();
    // Act
    const [a, b] = [asff(drift), asff(resolution)];
    // Assess
    expect(drift.id).not.toBe(resolution.id);
    expect(b.Id).toBe(a.Id);
    expect(b.GeneratorId).toBe(a.GeneratorId);
    expect(a).toMatchObject({ RecordState: 'ACTIVE', Compliance: { Status: 'FAILED' } });
    expect(b).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
    expect(b.UpdatedAt > a.UpdatedAt).toBe(true);
    expect(b.ProductFields['ecr-tag-auditor/findingId']).toBe(resolution.id);
  });

  it('names the drift record as docs/formats.md says: SHA-256 of CONFIG_DRIFT, account, region, repository', () => {
    // Prepare: the documented recipe, computed here
    const [drift] = driftAndResolution('team/web');
    const hash = createHash('sha256')
      .update(`CONFIG_DRIFT\u0000${ACCOUNT}\u0000eu-west-1\u0000team/web`)
      .digest('hex')
      .slice(0, 20);
    // Act
    const result = asff(drift);
    // Assess
    expect(result.Id).toBe(`ecr-tag-auditor/config-drift-${hash}`);
  });

  it('a drift to an exclusion mode keeps the exact mode and filters in Other, never IMMUTABLE', () => {
    const drift = sampleFinding('CONFIG_DRIFT', {
      actual: config('IMMUTABLE_WITH_EXCLUSION', 'release-*'),
    });
    const [resource] = asff(drift).Resources;
    expect(resource?.Details).toEqual({
      AwsEcrRepository: { RepositoryName: 'payments/api' },
      Other: {
        ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        ImageTagMutabilityExclusionFilters: 'release-*',
      },
    });
  });

  it('a drift to a plain mode fills ImageTagMutability', () => {
    const [resource] = asff(sampleFinding('CONFIG_DRIFT', { actual: config('MUTABLE') })).Resources;
    expect(resource?.Details).toEqual({
      AwsEcrRepository: { RepositoryName: 'payments/api', ImageTagMutability: 'MUTABLE' },
      Other: { ImageTagMutability: 'MUTABLE' },
    });
  });

  it('a template drift is about an Other resource named for the template, with its own record', () => {
    // Prepare
    const drift = sampleFinding('TEMPLATE_DRIFT', { templatePrefix: 'team-a' });
    // Act
    const result = asff(drift);
    // Assess
    expect(asffProblems(result)).toEqual([]);
    expect(result.Resources).toEqual([
      {
        Type: 'Other',
        Id: `ecr:eu-west-1:${ACCOUNT}:repository-creation-template/team-a`,
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: {
          Other: {
            RepositoryCreationTemplatePrefix: 'team-a',
            ImageTagMutability: 'MUTABLE',
          },
        },
      },
    ]);
    expect(result.Title).toBe(
      'Creation template tag mutability drifted from policy: template team-a',
    );
    expect(result.Id).not.toBe(asff(sampleFinding('CONFIG_DRIFT', { repository: 'team-a' })).Id);
  });

  it('imports where the finding is: its account and region, the partition following the region', () => {
    const china = asff(sampleFinding('CONFIG_DRIFT', { region: 'cn-north-1' }));
    expect(china.ProductArn).toBe(
      `arn:aws-cn:securityhub:cn-north-1:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
    expect(china.Resources[0]).toMatchObject({ Partition: 'aws-cn', Region: 'cn-north-1' });
    const isolated = asff(sampleFinding('CONFIG_DRIFT', { region: 'us-iso-east-1' }));
    expect(isolated.Resources[0]).not.toHaveProperty('Partition');
    const elsewhere = asff(sampleFinding('CONFIG_DRIFT'), {
      region: 'us-east-1',
      productAccount: '999999999999',
    });
    expect(elsewhere.ProductArn).toBe(
      'arn:aws:securityhub:us-east-1:999999999999:product/999999999999/default',
    );
  });

  it('dates a finding with no event time (a snapshot) at the run’s time', () => {
    const result = asff(sampleFinding('CONFIG_DRIFT', { eventTime: null, detectedBy: 'snapshot' }));
    expect(result.CreatedAt).toBe('2026-01-02T03:04:05.678Z');
    expect(result.UpdatedAt).toBe('2026-01-02T03:04:05.678Z');
    expect(result.ProductFields).not.toHaveProperty('ecr-tag-auditor/eventTime');
  });

  it('cuts a long description between characters, marked, and never splits an emoji', () => {
    // Prepare: 1,023 units of text, then an emoji that would straddle the limit
    const message = `${'m'.repeat(1022)}🚨🚨 end`;
    // Act
    const result = asff(sampleFinding('CONFIG_DRIFT', { message }));
    // Assess
    expect(result.Description).toBe(`${'m'.repeat(1022)}…`);
    expect(asffProblems(result)).toEqual([]);
  });

  it('describes a blank message by the title, and leaves blank values out of the maps', () => {
    const result = asff(sampleFinding('TAG_OVERWRITE_VIOLATION', { message: ' \n ', tag: '  ' }));
    expect(result.Description).toBe(result.Title);
    expect(result.ProductFields).not.toHaveProperty('ecr-tag-auditor/tag');
    expect(asffProblems(result)).toEqual([]);
  });
});

describe('toAsff on hostile findings (property)', () => {
  it('is valid by AWS’s documentation, whatever the text: lengths, blanks, Unicode, 240 KB', () => {
    fc.assert(
      fc.property(interchangeFinding, (finding) => {
        expect(asffProblems(asff(finding))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same Id to two findings exactly when they update the same record', () => {
    fc.assert(
      fc.property(interchangeFinding, interchangeFinding, (a, b) => {
        expect(asff(a).Id === asff(b).Id).toBe(expectedRecord(a) === expectedRecord(b));
      }),
      { numRuns: 300 },
    );
  });

  it('gives a finding the same Id on every run, whatever else of it changes', () => {
    fc.assert(
      fc.property(
        interchangeFinding,
        interchangeFinding,
        fc.date({ noInvalidDate: true }),
        (a, b, now) => {
          // Prepare: b's facts other than those naming a's record
          const changed: Finding = {
            ...b,
            id: a.id,
            kind: a.kind,
            account: a.account,
            region: a.region,
            repository: a.repository,
            templatePrefix: a.templatePrefix,
          };
          // Assess
          expect(toAsff(changed, { now }).Id).toBe(asff(a).Id);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('asffBatches and renderAsff', () => {
  it('prints one BatchImportFindings request a line, each valid, and nothing for no finding', () => {
    // Prepare
    const findings = Array.from({ length: 250 }, (_, i) =>
      sampleFinding('TAG_OVERWRITE_VIOLATION', { id: `tag-overwrite-violation-${i}` }),
    );
    // Act
    const text = renderAsff(findings, { now: NOW });
    // Assess
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).Findings.length)).toEqual([100, 100, 50]);
    for (const line of lines) expect(batchProblems(JSON.parse(line))).toEqual([]);
    expect(text.endsWith('\n')).toBe(true);
    expect(renderAsff([], { now: NOW })).toBe('');
  });

  it('keeps each record’s last finding only: a drift resolved in the run is imported resolved', () => {
    // Prepare
    const [drift, resolution] = driftAndResolution();
    const overwrite = sampleFinding('TAG_OVERWRITE_VIOLATION');
    // Act
    const batches = asffBatches([drift, overwrite, resolution], { now: NOW });
    // Assess
    expect(batches).toHaveLength(1);
    expect(batches[0]?.Findings.map((f) => f.ProductFields['ecr-tag-auditor/findingId'])).toEqual([
      overwrite.id,
      resolution.id,
    ]);
  });

  it('one account and region a request: the caller must be the finding’s account, in its region', () => {
    const findings = [
      sampleFinding('CONFIG_DRIFT', { id: 'a', account: '111111111111' }),
      sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'b', account: '222222222222' }),
      sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'c', account: '111111111111' }),
      sampleFinding('TAG_OVERWRITE_VIOLATION', {
        id: 'd',
        account: '111111111111',
        region: 'us-east-1',
      }),
    ];
    const batches = asffBatches(findings, { now: NOW });
    expect(
      batches.map((b) => b.Findings.map((f) => f.ProductFields['ecr-tag-auditor/findingId'])),
    ).toEqual([['a', 'c'], ['b'], ['d']]);
    for (const batch of batches) expect(batchProblems(batch)).toEqual([]);
  });

  it('cuts requests at 6,000,000 bytes when findings are large', () => {
    // Prepare: findings whose every text field is as long as it may be, in escaped characters
    const long = '\u0001'.repeat(10_000);
    const findings = Array.from({ length: 100 }, (_, i) =>
      sampleFinding('TAG_OVERWRITE_VIOLATION', {
        id: `tag-overwrite-violation-${i}`,
        message: long,
        tag: long,
        actor: long,
        previousDigest: long,
        digest: long,
        eventId: long,
        witnesses: [long],
      }),
    );
    // Act
    const batches = asffBatches(findings, { now: NOW });
    // Assess
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flatMap((b) => b.Findings)).toHaveLength(100);
    for (const batch of batches) expect(batchProblems(batch)).toEqual([]);
  });

  it('any findings give valid requests holding every record once (property)', () => {
    fc.assert(
      fc.property(fc.array(interchangeFinding, { maxLength: 30 }), (findings) => {
        const batches = asffBatches(findings, { now: NOW });
        for (const batch of batches) expect(batchProblems(batch)).toEqual([]);
        expect(batches.flatMap((b) => b.Findings)).toHaveLength(
          new Set(findings.map(expectedRecord)).size,
        );
      }),
      { numRuns: 50 },
    );
  });
});
