/**
 * Findings as OCSF 1.3.0 Compliance Finding events (lib/render/ocsf.ts): the attributes the
 * schema requires, held to the list below, copied from the OCSF schema repository at tag 1.3.0
 * (github.com/ocsf/ocsf-schema): events/base_event.json, events/findings/finding.json,
 * events/findings/compliance_finding.json, includes/classification.json,
 * includes/occurrence.json, profiles/cloud.json, and the objects metadata, product, _entity,
 * finding_info, compliance, cloud, account and resource_details.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import { toAsff } from '../../lib/render/asff.ts';
import { type OcsfComplianceFinding, renderOcsf, toOcsf } from '../../lib/render/ocsf.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';
import { interchangeFinding } from './findings.ts';

/**
 * Required by Compliance Finding (class 2003) with the cloud profile: base_event's `metadata` and
 * `severity_id`; classification's `activity_id`, `category_uid`, `class_uid`, `type_uid`;
 * occurrence's `time`; finding's `finding_info`; compliance_finding's `compliance`; the cloud
 * profile's `cloud`.
 */
const REQUIRED_EVENT = [
  'activity_id',
  'category_uid',
  'class_uid',
  'type_uid',
  'time',
  'severity_id',
  'metadata',
  'finding_info',
  'compliance',
  'cloud',
];

/** Required inside the objects: path → attributes. */
const REQUIRED_OBJECT: Readonly<Record<string, readonly string[]>> = {
  metadata: ['product', 'version'],
  'metadata.product': ['vendor_name'],
  finding_info: ['title', 'uid'],
  compliance: ['standards'],
  cloud: ['provider'],
};

/** `_entity` objects (product, account, resource_details) need a `name` or a `uid`. */
const ENTITY_PATHS = ['metadata.product', 'cloud.account', 'resources.0'];

/** Enums as the schema lists them (captions of the ids this mapping may use). */
const SEVERITY_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
  99: 'Other',
};
const ACTIVITY_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Create',
  2: 'Update',
  3: 'Close',
  99: 'Other',
};
const FINDING_STATUS_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
  99: 'Other',
};
const COMPLIANCE_STATUS_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Pass',
  2: 'Warning',
  3: 'Fail',
  99: 'Other',
};

const NOW = new Date('2026-01-02T03:04:05.678Z');
const ocsf = (f: Finding): OcsfComplianceFinding =>
  toOcsf(f, { now: NOW, productVersion: '1.2.3' });

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

/** What is wrong with `event` by the lists above; `[]` when nothing is. */
function ocsfProblems(event: unknown): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_EVENT)
    if (at(event, name) === undefined) problems.push(`${name}: required, missing`);
  for (const [path, names] of Object.entries(REQUIRED_OBJECT))
    for (const name of names)
      if (at(event, `${path}.${name}`) === undefined) problems.push(`${path}.${name}: missing`);
  for (const path of ENTITY_PATHS)
    if (at(event, `${path}.name`) === undefined && at(event, `${path}.uid`) === undefined)
      problems.push(`${path}: neither name nor uid`);
  const e = event as OcsfComplianceFinding;
  if (e.category_uid !== 2 || e.class_uid !== 2003) problems.push('not a Compliance Finding');
  if (e.type_uid !== e.class_uid * 100 + e.activity_id) problems.push('type_uid');
  if (ACTIVITY_CAPTIONS[e.activity_id] !== e.activity_name) problems.push('activity_name');
  if (SEVERITY_CAPTIONS[e.severity_id] !== e.severity) problems.push('severity');
  if (FINDING_STATUS_CAPTIONS[e.status_id] !== e.status) problems.push('status');
  if (COMPLIANCE_STATUS_CAPTIONS[e.compliance.status_id] !== e.compliance.status)
    problems.push('compliance.status');
  for (const time of [e.time, e.finding_info.created_time])
    if (!Number.isSafeInteger(time)) problems.push(`timestamp_t ${time} is not epoch ms`);
  if (!Array.isArray(e.compliance.standards) || !Array.isArray(e.finding_info.types))
    problems.push('standards and types are arrays of strings');
  JSON.stringify(e, (_key, value: unknown) => {
    if (typeof value === 'string' && /[\uD800-\uDFFF]/u.test(value))
      problems.push(`a lone surrogate in ${JSON.stringify(value.slice(0, 20))}`);
    return value;
  });
  return problems;
}

describe('toOcsf', () => {
  it('maps an overwrite to a Compliance Finding with every attribute the schema requires', () => {
    // Prepare
    const finding = sampleFinding('TAG_OVERWRITE_VIOLATION');
    // Act
    const event = ocsf(finding);
    // Assess
    expect(ocsfProblems(event)).toEqual([]);
    expect(event).toMatchObject({
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2003,
      class_name: 'Compliance Finding',
      type_uid: 200301,
      type_name: 'Compliance Finding: Create',
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      status: 'New',
      time: Date.UTC(2025, 6, 24),
      message: finding.message,
      metadata: {
        version: '1.3.0',
        uid: finding.id,
        profiles: ['cloud'],
        product: { name: 'ecr-tag-auditor', vendor_name: 'ecr-tag-auditor', version: '1.2.3' },
      },
      cloud: {
        provider: 'AWS',
        region: 'eu-west-1',
        account: { uid: ACCOUNT, type_id: 10, type: 'AWS Account' },
      },
      finding_info: {
        uid: finding.id,
        title: 'Immutable image tag overwritten: payments/api:v1.2.3',
        desc: finding.message,
        created_time: Date.UTC(2025, 6, 24),
        types: ['TAG_OVERWRITE_VIOLATION'],
      },
      compliance: { standards: ['ecr-tag-auditor policy'], status_id: 3, status: 'Fail' },
      resources: [
        {
          uid: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api`,
          name: 'payments/api',
          type: 'AWS::ECR::Repository',
          region: 'eu-west-1',
          cloud_partition: 'aws',
        },
      ],
    });
  });

  it('keeps in unmapped every field of the finding OCSF has no attribute for', () => {
    const finding = sampleFinding('CONFIG_DRIFT');
    expect(ocsf(finding).unmapped).toEqual({
      templatePrefix: null,
      tag: null,
      previousDigest: null,
      digest: null,
      viaDelete: null,
      expected: finding.expected,
      actual: finding.actual,
      direction: 'LOOSENED',
      witnesses: ['0', 'v1.2.3'],
      actor: finding.actor,
      eventId: finding.eventId,
      eventTime: finding.eventTime,
      detectedBy: 'event',
    });
  });

  it.each([
    ['INFO', 1, 'Informational'],
    ['LOW', 2, 'Low'],
    ['MEDIUM', 3, 'Medium'],
    ['HIGH', 4, 'High'],
  ] as const)('severity %s is severity_id %i (%s)', (severity, id, caption) => {
    const event = ocsf(sampleFinding('OVERWRITE_BLOCKED', { severity }));
    expect([event.severity_id, event.severity]).toEqual([id, caption]);
    expect(event.compliance.status).toBe(severity === 'MEDIUM' ? 'Fail' : 'Pass');
  });

  it('a resolution closes its drift’s finding: the same uid, Close, Resolved, Pass', () => {
    // Prepare
    const drift = sampleFinding('CONFIG_DRIFT', { id: 'config-drift-aaaaaaaaaaaaaaaaaaaa' });
    const resolution = sampleFinding('CONFIG_DRIFT_RESOLVED', {
      id: 'config-drift-resolved-bbbbbbbbbbbbbbbbbbbb',
      actual: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
    });
    // Act
    const [a, b] = [ocsf(drift), ocsf(resolution)];
    // Assess
    expect(b.finding_info.uid).toBe(a.finding_info.uid);
    expect([a.metadata.uid, b.metadata.uid]).toEqual([drift.id, resolution.id]);
    expect(b).toMatchObject({
      activity_id: 3,
      activity_name: 'Close',
      type_uid: 200303,
      status_id: 4,
      status: 'Resolved',
      compliance: { status_id: 1, status: 'Pass' },
    });
    expect(ocsfProblems(b)).toEqual([]);
  });

  it('a template drift is about the creation template, by its CloudFormation type', () => {
    const event = ocsf(sampleFinding('TEMPLATE_DRIFT', { region: 'cn-north-1' }));
    expect(event.resources).toEqual([
      {
        uid: `ecr:cn-north-1:${ACCOUNT}:repository-creation-template/payments`,
        name: 'payments',
        type: 'AWS::ECR::RepositoryCreationTemplate',
        region: 'cn-north-1',
        cloud_partition: 'aws-cn',
      },
    ]);
    expect(event.compliance.control).toBe(
      'ECR repository creation template tag mutability matches the policy',
    );
  });

  it('dates a snapshot finding at the run’s time, and names no version it was not given', () => {
    const event = toOcsf(sampleFinding('CONFIG_DRIFT', { eventTime: null }), { now: NOW });
    expect(event.time).toBe(NOW.getTime());
    expect(event.finding_info.created_time).toBe(NOW.getTime());
    expect(event.metadata.product).toEqual({
      name: 'ecr-tag-auditor',
      vendor_name: 'ecr-tag-auditor',
    });
  });

  // With the ASFF property (test/formats/asff.test.ts), findings share a uid exactly when they
  // update one record.
  it('names the same record as the ASFF Id, less its prefix', () => {
    fc.assert(
      fc.property(interchangeFinding, (finding) => {
        const asffId = toAsff(finding, { now: NOW }).Id;
        expect(`ecr-tag-auditor/${ocsf(finding).finding_info.uid}`).toBe(asffId);
      }),
      { numRuns: 100 },
    );
  });
});

describe('toOcsf on hostile findings (property)', () => {
  it('always has the required attributes, valid enums and captions, and valid Unicode', () => {
    fc.assert(
      fc.property(interchangeFinding, (finding) => {
        expect(ocsfProblems(ocsf(finding))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderOcsf', () => {
  it('prints one event a line, in order, and nothing for no finding', () => {
    // Prepare
    const findings = [sampleFinding('CONFIG_DRIFT'), sampleFinding('TAG_OVERWRITE_ALLOWED')];
    // Act
    const text = renderOcsf(findings, { now: NOW });
    // Assess
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).metadata.uid)).toEqual(findings.map((f) => f.id));
    expect(text.endsWith('\n')).toBe(true);
    expect(renderOcsf([], { now: NOW })).toBe('');
  });
});
