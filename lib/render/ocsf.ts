/**
 * A finding as an OCSF 1.3.0 Compliance Finding event (class 2003, category 2 Findings), for data
 * lakes and SIEMs such as Amazon Security Lake (docs/formats.md#ocsf).
 *
 * @module
 */
import { partitionOf } from '../core/model/arn.ts';
import { findingRecordId } from '../core/model/finding-record.ts';
import type { Finding, FindingKind, Severity } from '../core/model/findings.ts';
import { canonicalTimeMs } from '../core/model/time.ts';
import { wellFormedJson } from './bounded-text.ts';
import { compliesWithPolicy } from './compliance.ts';
import { findingResource } from './finding-resource.ts';
import { findingTitle } from './titles.ts';

/** The OCSF schema version the events follow (`metadata.version`). */
const OCSF_VERSION = '1.3.0';

const PRODUCT = 'ecr-tag-auditor';

/** Compliance Finding: class 3 of category 2, so class_uid 2003. */
const CATEGORY_UID = 2;
const CLASS_UID = 2003;

/** `severity_id`: 1 Informational, 2 Low, 3 Medium, 4 High (never 5 Critical). */
const SEVERITIES: Readonly<Record<Severity, readonly [number, string]>> = {
  INFO: [1, 'Informational'],
  LOW: [2, 'Low'],
  MEDIUM: [3, 'Medium'],
  HIGH: [4, 'High'],
};

/** The compliance check a kind of finding reports on (`compliance.control`). */
const CONTROLS: Readonly<Record<FindingKind, string>> = {
  TAG_OVERWRITE_VIOLATION: 'ECR image tags are overwritten only where the policy allows',
  TAG_OVERWRITE_ALLOWED: 'ECR image tags are overwritten only where the policy allows',
  OVERWRITE_BLOCKED: 'ECR image tags are overwritten only where the policy allows',
  CONFIG_DRIFT: 'ECR repository tag mutability matches the policy',
  CONFIG_DRIFT_RESOLVED: 'ECR repository tag mutability matches the policy',
  TEMPLATE_DRIFT: 'ECR repository creation template tag mutability matches the policy',
  CONFIG_REMEDIATED: 'ECR repository tag mutability matches the policy',
};

/** An OCSF 1.3.0 Compliance Finding, as this mapping fills it. */
export interface OcsfComplianceFinding {
  readonly activity_id: 1 | 3;
  readonly activity_name: 'Create' | 'Close';
  readonly category_uid: 2;
  readonly category_name: 'Findings';
  readonly class_uid: 2003;
  readonly class_name: 'Compliance Finding';
  readonly type_uid: number;
  readonly type_name: string;
  readonly severity_id: number;
  readonly severity: string;
  readonly status_id: 1 | 4;
  readonly status: 'New' | 'Resolved';
  readonly time: number;
  readonly message: string;
  readonly metadata: {
    readonly version: string;
    readonly uid: string;
    readonly profiles: readonly string[];
    readonly product: {
      readonly name: string;
      readonly vendor_name: string;
      readonly version?: string;
    };
  };
  readonly cloud: {
    readonly provider: 'AWS';
    readonly region: string;
    readonly account: { readonly uid: string; readonly type_id: 10; readonly type: 'AWS Account' };
  };
  readonly finding_info: {
    readonly uid: string;
    readonly title: string;
    readonly desc: string;
    readonly created_time: number;
    readonly types: readonly string[];
  };
  readonly compliance: {
    readonly standards: readonly string[];
    readonly control: string;
    readonly status_id: 1 | 3;
    readonly status: 'Pass' | 'Fail';
  };
  readonly resources: readonly {
    readonly uid: string;
    readonly name: string;
    readonly type: string;
    readonly region: string;
    readonly cloud_partition: string;
  }[];
  readonly unmapped: Readonly<Record<string, unknown>>;
}

/** What an event needs besides the finding. */
export interface OcsfOptions {
  /** The time of the run: `time` and `created_time` of a finding with no event time. */
  readonly now: Date;
  /** This program's version (`metadata.product.version`), when known. */
  readonly productVersion?: string;
}

/** The repository or creation template, by its CloudFormation type. */
function resourceOf(f: Finding): OcsfComplianceFinding['resources'][number] {
  const resource = findingResource(f);
  return {
    uid: resource.id,
    name: resource.name,
    type:
      resource.kind === 'repository'
        ? 'AWS::ECR::Repository'
        : 'AWS::ECR::RepositoryCreationTemplate',
    region: f.region,
    cloud_partition: partitionOf(f.region),
  };
}

/**
 * The OCSF Compliance Finding event of `finding` (docs/formats.md#ocsf). `finding_info.uid` is the
 * record it updates ({@link findingRecordId}), the same as the ASFF `Id` less its prefix, and
 * `metadata.uid` the finding's own id; a drift's resolution closes the drift's finding
 * (`activity_id` 3, `status_id` 4 Resolved). Every string is valid Unicode; OCSF sets no length.
 *
 * @example
 * ```ts
 * toOcsf(finding, { now: new Date() }).type_uid; // 200301: Compliance Finding, Create
 * ```
 */
export function toOcsf(finding: Finding, options: OcsfOptions): OcsfComplianceFinding {
  const f = finding;
  const resolved = f.kind === 'CONFIG_DRIFT_RESOLVED';
  const activity = resolved ? ([3, 'Close'] as const) : ([1, 'Create'] as const);
  const [severityId, severity] = SEVERITIES[f.severity];
  const time = f.eventTime === null ? options.now.getTime() : canonicalTimeMs(f.eventTime);
  const pass = compliesWithPolicy(f);
  return wellFormedJson({
    activity_id: activity[0],
    activity_name: activity[1],
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: CLASS_UID * 100 + activity[0],
    type_name: `Compliance Finding: ${activity[1]}`,
    severity_id: severityId,
    severity,
    status_id: resolved ? 4 : 1,
    status: resolved ? 'Resolved' : 'New',
    time,
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      uid: f.id,
      profiles: ['cloud'],
      product: {
        name: PRODUCT,
        // An open-source project, no vendor: the project is its own.
        vendor_name: PRODUCT,
        ...(options.productVersion === undefined ? {} : { version: options.productVersion }),
      },
    },
    cloud: {
      provider: 'AWS',
      region: f.region,
      account: { uid: f.account, type_id: 10, type: 'AWS Account' },
    },
    finding_info: {
      uid: findingRecordId(f),
      title: findingTitle(f),
      desc: f.message,
      created_time: time,
      types: [f.kind],
    },
    compliance: {
      standards: [`${PRODUCT} policy`],
      control: CONTROLS[f.kind],
      status_id: pass ? 1 : 3,
      status: pass ? 'Pass' : 'Fail',
    },
    resources: [resourceOf(f)],
    unmapped: {
      templatePrefix: f.templatePrefix,
      tag: f.tag,
      previousDigest: f.previousDigest,
      digest: f.digest,
      viaDelete: f.viaDelete,
      expected: f.expected,
      actual: f.actual,
      direction: f.direction,
      witnesses: f.witnesses,
      actor: f.actor,
      eventId: f.eventId,
      eventTime: f.eventTime,
      detectedBy: f.detectedBy,
    },
  });
}

/**
 * `--format ocsf`: one event a line (NDJSON), as Security Lake's custom sources and most SIEMs
 * read them.
 *
 * @example
 * ```ts
 * process.stdout.write(renderOcsf(findings, { now: new Date() }));
 * ```
 */
export function renderOcsf(findings: readonly Finding[], options: OcsfOptions): string {
  return findings.map((f) => `${JSON.stringify(toOcsf(f, options))}\n`).join('');
}
