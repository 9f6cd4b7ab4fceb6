/**
 * A finding in the AWS Security Finding Format (ASFF), as Security Hub's `BatchImportFindings`
 * takes it (docs/formats.md#asff). Pure, so that the CLI (`--format asff`) and a Security Hub
 * adapter in lib/aws — which may import lib/render — share the one mapping.
 *
 * @module
 */
import { partitionOf } from '../core/model/arn.ts';
import type { MutabilityConfig } from '../core/model/config.ts';
import { findingRecordId } from '../core/model/finding-record.ts';
import type { Finding, FindingKind, Severity } from '../core/model/findings.ts';
import { fitText } from './bounded-text.ts';
import { compliesWithPolicy } from './compliance.ts';
import { findingResource } from './finding-resource.ts';
import { findingTitle } from './titles.ts';

/**
 * The limits this mapping keeps, in UTF-16 code units (docs/formats.md#limits): those AWS
 * documents for the fields it fills (the Security Hub API reference, `AwsSecurityFinding`,
 * `Severity`, and the ASFF `Other` object, whose keys and values must be *fewer than* 128 and
 * 1,024 characters), and its own, smaller, for fields AWS gives no limit.
 */
const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  severityOriginal: 64,
  productFieldValue: 2048,
  otherValue: 1023,
  /** Not documented: a resource id is an ARN, which IAM bounds at 2,048; 512 as for `Id`. */
  resourceId: 512,
  /** Not documented; ECR's names are at most 256. */
  repositoryName: 1024,
} as const;

/** Security Hub's severity labels. */
type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** A Security Hub finding as this mapping fills it: the subset of `AwsSecurityFinding` it uses. */
export interface AsffFinding {
  readonly SchemaVersion: '2018-10-08';
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
  readonly Title: string;
  readonly Description: string;
  readonly ProductFields: Readonly<Record<string, string>>;
  readonly Resources: readonly AsffResource[];
  readonly Compliance: { readonly Status: 'PASSED' | 'FAILED' };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
    readonly Types: readonly string[];
  };
}

/** The one resource of a finding: the repository, or the creation template. */
export interface AsffResource {
  readonly Type: 'AwsEcrRepository' | 'Other';
  readonly Id: string;
  readonly Partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  readonly Region: string;
  readonly Details: {
    readonly AwsEcrRepository?: {
      readonly RepositoryName?: string;
      readonly ImageTagMutability?: 'IMMUTABLE' | 'MUTABLE';
    };
    readonly Other?: Readonly<Record<string, string>>;
  };
}

/** Where a finding goes in Security Hub. */
export interface AsffOptions {
  /** The time of the run: `CreatedAt` and `UpdatedAt` of a finding with no event time. */
  readonly now: Date;
  /** The Security Hub region imported into; the finding's own region unless given. */
  readonly region?: string;
  /**
   * The account of the product ARN; the finding's own account unless given. With the default
   * product (`product/ACCOUNT/default`) the caller of `BatchImportFindings` must be the finding's
   * account, so another is only useful for a product registered with Security Hub.
   */
  readonly productAccount?: string;
}

const PRODUCT = 'ecr-tag-auditor';

/** Why INFO is INFORMATIONAL: AWS's words for it are "no issue was found"; ours never reach CRITICAL. */
const LABELS: Readonly<Record<Severity, SeverityLabel>> = {
  INFO: 'INFORMATIONAL',
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
};

const CHECKS = 'Software and Configuration Checks/AWS Security Best Practices';

/** The finding type (namespace/category/classifier, AWS's taxonomy with our classifier). */
const TYPES: Readonly<Record<FindingKind, string>> = {
  TAG_OVERWRITE_VIOLATION: `${CHECKS}/ECR Image Tag Overwrite`,
  TAG_OVERWRITE_ALLOWED: `${CHECKS}/ECR Image Tag Overwrite`,
  OVERWRITE_BLOCKED: `${CHECKS}/ECR Image Tag Overwrite`,
  CONFIG_DRIFT: `${CHECKS}/ECR Tag Mutability`,
  CONFIG_DRIFT_RESOLVED: `${CHECKS}/ECR Tag Mutability`,
  TEMPLATE_DRIFT: `${CHECKS}/ECR Tag Mutability`,
  CONFIG_REMEDIATED: `${CHECKS}/ECR Tag Mutability`,
};

/** True when Security Hub's `NonEmptyString` pattern (`.*\S.*`, Java's `\S`) rejects `text`. */
function isBlank(text: string): boolean {
  return !/[^\t\n\v\f\r ]/.test(text);
}

/** `entries` without the null or blank values, each fit into `max`: a map ASFF accepts. */
function fieldMap(entries: [string, string | null][], max: number): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [key, value] of entries)
    if (value !== null && !isBlank(value)) map[key] = fitText(value, max);
  return map;
}

function filtersOf(config: MutabilityConfig | null): string | null {
  return config?.imageTagMutabilityExclusionFilters.map((f) => f.filter).join(', ') ?? null;
}

/**
 * Our fields ASFF has no place for, under `ecr-tag-auditor/` (Security Hub's own keys use the
 * same `owner/name` form). Not `UserDefinedFields`: those are the customer's, and
 * `BatchImportFindings` cannot update them once the finding exists.
 */
function productFields(f: Finding): Record<string, string> {
  const entries: [string, string | null][] = [
    ['findingId', f.id],
    ['kind', f.kind],
    ['detectedBy', f.detectedBy],
    ['tag', f.tag],
    ['previousDigest', f.previousDigest],
    ['digest', f.digest],
    ['viaDelete', f.viaDelete === null ? null : String(f.viaDelete)],
    ['direction', f.direction],
    ['witnesses', f.witnesses.length > 0 ? f.witnesses.join(', ') : null],
    ['expectedImageTagMutability', f.expected?.imageTagMutability ?? null],
    ['expectedExclusionFilters', filtersOf(f.expected)],
    ['actor', f.actor],
    ['eventId', f.eventId],
    ['eventTime', f.eventTime],
  ];
  return fieldMap(
    entries.map(([key, value]) => [`${PRODUCT}/${key}`, value]),
    ASFF_LIMITS.productFieldValue,
  );
}

/** The resource's actual settings, as ECR's API names them: what `Other` is for. */
function actualSettings(f: Finding): [string, string | null][] {
  return [
    ['ImageTagMutability', f.actual?.imageTagMutability ?? null],
    ['ImageTagMutabilityExclusionFilters', filtersOf(f.actual)],
  ];
}

/** `Details.Other` of `entries`, absent when none has a value. */
function otherOf(entries: [string, string | null][]): { Other?: Record<string, string> } {
  const other = fieldMap(entries, ASFF_LIMITS.otherValue);
  return Object.keys(other).length > 0 ? { Other: other } : {};
}

/** Security Hub's partitions; it spells the isolated ones otherwise, so they are left out. */
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;

/** `Resources[].Partition` of a resource in `region`, absent when Security Hub has no name for it. */
function partitionField(region: string): Pick<AsffResource, 'Partition'> {
  const partition = PARTITIONS.find((p) => p === partitionOf(region));
  return partition === undefined ? {} : { Partition: partition };
}

/** The repository, or for a template finding the creation template (an `Other` resource). */
function resourceOf(f: Finding): AsffResource {
  const resource = findingResource(f);
  const where = {
    Id: fitText(resource.id, ASFF_LIMITS.resourceId),
    ...partitionField(f.region),
    Region: f.region,
  };
  if (resource.kind === 'template')
    return {
      Type: 'Other',
      ...where,
      Details: otherOf([['RepositoryCreationTemplatePrefix', resource.name], ...actualSettings(f)]),
    };
  const mode = f.actual?.imageTagMutability;
  // AWS documents IMMUTABLE and MUTABLE only: an exclusion mode is in Other, never rounded to one.
  const plain = mode === 'IMMUTABLE' || mode === 'MUTABLE' ? { ImageTagMutability: mode } : {};
  return {
    Type: 'AwsEcrRepository',
    ...where,
    Details: {
      AwsEcrRepository: {
        ...(isBlank(resource.name)
          ? {}
          : { RepositoryName: fitText(resource.name, ASFF_LIMITS.repositoryName) }),
        ...plain,
      },
      ...otherOf(actualSettings(f)),
    },
  };
}

/**
 * The ASFF finding of `finding` (docs/formats.md#asff): its `Id` is `ecr-tag-auditor/` and the id
 * of the record it updates ({@link findingRecordId}), so a drift's resolution archives the
 * drift's record; `CreatedAt` and `UpdatedAt` are the finding's event time (the run's time
 * without one), so that importing the same finding again is ignored and a later one wins.
 *
 * @example
 * ```ts
 * const asff = toAsff(finding, { now: new Date() });
 * asff.ProductArn; // 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default'
 * ```
 */
export function toAsff(finding: Finding, options: AsffOptions): AsffFinding {
  const region = options.region ?? finding.region;
  const account = options.productAccount ?? finding.account;
  const time = finding.eventTime ?? options.now.toISOString();
  const severity = { Label: LABELS[finding.severity], Original: finding.severity };
  const types = [TYPES[finding.kind]];
  const title = fitText(findingTitle(finding), ASFF_LIMITS.title);
  return {
    SchemaVersion: '2018-10-08',
    Id: `${PRODUCT}/${findingRecordId(finding)}`,
    ProductArn: `arn:${partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: PRODUCT,
    // The resolution is generated by the drift's check, and must not rename its record's generator.
    GeneratorId: `${PRODUCT}/${finding.kind === 'CONFIG_DRIFT_RESOLVED' ? 'CONFIG_DRIFT' : finding.kind}`,
    AwsAccountId: finding.account,
    Types: types,
    CreatedAt: time,
    UpdatedAt: time,
    Severity: severity,
    Title: title,
    Description: isBlank(finding.message)
      ? title
      : fitText(finding.message, ASFF_LIMITS.description),
    ProductFields: productFields(finding),
    Resources: [resourceOf(finding)],
    Compliance: { Status: compliesWithPolicy(finding) ? 'PASSED' : 'FAILED' },
    RecordState: finding.kind === 'CONFIG_DRIFT_RESOLVED' ? 'ARCHIVED' : 'ACTIVE',
    // Providers update severity and types here: the top-level ones are the customer's once set.
    FindingProviderFields: { Severity: severity, Types: types },
  };
}
