/**
 * A checker of AWS Security Finding Format (ASFF) findings and `BatchImportFindings` requests by
 * what AWS documents, for the tests only — written from the documentation, not from
 * lib/render/asff.ts, so that the mapping is held to AWS's rules rather than to its own:
 *
 * - the Security Hub API reference, `AwsSecurityFinding` and the types it uses (member names,
 *   required members, lengths, enums, the `NonEmptyString` pattern `.*\S.*`), as in the service
 *   model (`botocore/data/securityhub/2018-10-26/service-2.json`);
 * - the user guide's "Required top-level ASFF attributes" (adds `Severity` and `Types` to the
 *   API's required members), "Types taxonomy for ASFF" (the five namespaces; a path of one to
 *   three parts), the `Other` object (at most 50 pairs; keys *fewer than* 128 characters, values
 *   fewer than 1,024) and "BatchImportFindings for finding providers" (the caller is the
 *   finding's account; at most 100 findings, 240 KB each, 6 MB a request);
 * - the API reference's "Timestamps" (the formats `CreatedAt`, `UpdatedAt` accept).
 *
 * Lengths are counted in UTF-16 code units, the most any reading of "characters" gives; sizes in
 * bytes of JSON, against 240,000 and 6,000,000 (under the limits however KB and MB are counted).
 */

/** Members of `AwsSecurityFinding` (API reference). */
const FINDING_MEMBERS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'ProductName',
  'CompanyName',
  'Region',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'FirstObservedAt',
  'LastObservedAt',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Confidence',
  'Criticality',
  'Title',
  'Description',
  'Remediation',
  'SourceUrl',
  'ProductFields',
  'UserDefinedFields',
  'Malware',
  'Network',
  'NetworkPath',
  'Process',
  'Threats',
  'ThreatIntelIndicators',
  'Resources',
  'Compliance',
  'VerificationState',
  'WorkflowState',
  'Workflow',
  'RecordState',
  'RelatedFindings',
  'Note',
  'Vulnerabilities',
  'PatchSummary',
  'Action',
  'FindingProviderFields',
  'Sample',
  'GeneratorDetails',
  'ProcessedAt',
  'AwsAccountName',
  'Detection',
];

/** Required: the API's ten, and `Severity` and `Types` (user guide). */
const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources',
];

/** Members this checker reads inside; any other there is reported, since it is not checked. */
const NESTED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Severity: ['Product', 'Label', 'Normalized', 'Original'],
  Compliance: [
    'Status',
    'RelatedRequirements',
    'StatusReasons',
    'SecurityControlId',
    'AssociatedStandards',
    'SecurityControlParameters',
  ],
  FindingProviderFields: ['Confidence', 'Criticality', 'RelatedFindings', 'Severity', 'Types'],
  Resource: [
    'Type',
    'Id',
    'Partition',
    'Region',
    'Provider',
    'Owner',
    'ResourceRole',
    'Tags',
    'DataClassification',
    'Details',
    'ApplicationName',
    'ApplicationArn',
  ],
  /** The two `ResourceDetails` members this checker knows; the others exist but are not checked. */
  Details: ['AwsEcrRepository', 'Other'],
  AwsEcrRepository: [
    'Arn',
    'ImageScanningConfiguration',
    'ImageTagMutability',
    'LifecyclePolicy',
    'RepositoryName',
    'RepositoryPolicyText',
  ],
};

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const COMPLIANCE_STATUSES = ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'];
const RECORD_STATES = ['ACTIVE', 'ARCHIVED'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b', 'AzureCloud'];
const TYPE_NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];

/** "Timestamps": seconds, up to 9 fraction digits, `Z` or an offset `±HH[:MM]` up to 18:00. */
const TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** The default product of a custom integration, with the finding's own account twice. */
const DEFAULT_PRODUCT =
  /^arn:(aws(?:-[a-z]+)*):securityhub:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):product\/(\d{12})\/default$/;

const FINDING_BYTES = 240_000;
const BATCH_BYTES = 6_000_000;
const BATCH_FINDINGS = 100;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Java's `\S` finds a character other than space, tab, line feed, VT, form feed, return. */
function nonEmpty(text: string): boolean {
  return /[^ \t\n\v\f\r]/.test(text);
}

/** A lone surrogate cannot be encoded in UTF-8, so no request could carry it. */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(text);
}

class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  string(path: string, value: unknown, min = 1, max = Number.POSITIVE_INFINITY): void {
    if (typeof value !== 'string') {
      this.fail(path, `not a string (${typeof value})`);
      return;
    }
    if (value.length < min || value.length > max)
      this.fail(path, `length ${value.length} outside ${min}–${max}`);
    if (!nonEmpty(value)) this.fail(path, 'does not match .*\\S.*');
    if (!wellFormed(value)) this.fail(path, 'holds a lone surrogate');
  }

  oneOf(path: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value))
      this.fail(path, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }

  members(path: string, value: unknown, known: readonly string[]): value is Json {
    if (!isObject(value)) {
      this.fail(path, 'not an object');
      return false;
    }
    for (const key of Object.keys(value))
      if (!known.includes(key)) this.fail(`${path}.${key}`, 'not a member this checker knows');
    return true;
  }

  map(path: string, value: unknown, pairs: number, keyMax: number, valueMax: number): void {
    if (!isObject(value)) {
      this.fail(path, 'not a map');
      return;
    }
    const entries = Object.entries(value);
    if (entries.length > pairs) this.fail(path, `${entries.length} pairs, more than ${pairs}`);
    for (const [key, item] of entries) {
      this.string(`${path} key ${JSON.stringify(key.slice(0, 40))}`, key, 1, keyMax);
      this.string(`${path}.${key.slice(0, 40)}`, item, 1, valueMax);
    }
  }

  timestamp(path: string, value: unknown): void {
    this.string(path, value);
    const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
    if (!match) {
      this.fail(path, `${JSON.stringify(value)} is not an accepted timestamp`);
      return;
    }
    const [, sign, hours, minutes] = match;
    if (sign && Number(hours) * 60 + Number(minutes ?? 0) > 18 * 60)
      this.fail(path, 'offset beyond 18:00');
  }

  types(path: string, value: unknown): void {
    if (!Array.isArray(value) || value.length < 1 || value.length > 50) {
      this.fail(path, 'not an array of 1 to 50 types');
      return;
    }
    value.forEach((type, i) => {
      this.string(`${path}[${i}]`, type);
      const parts = typeof type === 'string' ? type.split('/') : [];
      if (parts.length > 3 || !TYPE_NAMESPACES.includes(parts[0] ?? ''))
        this.fail(
          `${path}[${i}]`,
          `${JSON.stringify(type)} is not namespace[/category[/classifier]]`,
        );
    });
  }

  severity(path: string, value: unknown, known: readonly string[]): void {
    if (!this.members(path, value, known)) return;
    this.oneOf(`${path}.Label`, value.Label, SEVERITY_LABELS);
    if (value.Original !== undefined) this.string(`${path}.Original`, value.Original, 1, 64);
  }

  resource(path: string, value: unknown): void {
    if (!this.members(path, value, NESTED_MEMBERS.Resource ?? [])) return;
    this.string(`${path}.Type`, value.Type, 1, 256);
    this.string(`${path}.Id`, value.Id);
    if (value.Partition !== undefined) this.oneOf(`${path}.Partition`, value.Partition, PARTITIONS);
    if (value.Region !== undefined) this.string(`${path}.Region`, value.Region, 1, 16);
    if (value.Details === undefined) return;
    if (!this.members(`${path}.Details`, value.Details, NESTED_MEMBERS.Details ?? [])) return;
    const { AwsEcrRepository: ecr, Other: other } = value.Details;
    if (other !== undefined) this.map(`${path}.Details.Other`, other, 50, 127, 1023);
    if (ecr === undefined) return;
    if (
      !this.members(`${path}.Details.AwsEcrRepository`, ecr, NESTED_MEMBERS.AwsEcrRepository ?? [])
    )
      return;
    for (const key of ['Arn', 'RepositoryName', 'RepositoryPolicyText'])
      if (ecr[key] !== undefined) this.string(`${path}.Details.AwsEcrRepository.${key}`, ecr[key]);
    if (ecr.ImageTagMutability !== undefined)
      this.oneOf(`${path}.Details.AwsEcrRepository.ImageTagMutability`, ecr.ImageTagMutability, [
        'IMMUTABLE',
        'MUTABLE',
      ]);
  }
}

/**
 * What is wrong with `finding` as an ASFF finding `BatchImportFindings` takes with the default
 * product ARN; `[]` when nothing is.
 *
 * @example
 * ```ts
 * expect(asffProblems(toAsff(finding, { now }))).toEqual([]);
 * ```
 */
export function asffProblems(finding: unknown): string[] {
  const c = new Checker();
  if (!c.members('finding', finding, FINDING_MEMBERS)) return c.problems;
  for (const key of REQUIRED) if (finding[key] === undefined) c.fail(key, 'required, missing');
  if (finding.SchemaVersion !== '2018-10-08') c.fail('SchemaVersion', 'not 2018-10-08');
  c.string('Id', finding.Id, 1, 512);
  c.string('GeneratorId', finding.GeneratorId, 1, 512);
  c.string('ProductArn', finding.ProductArn, 12, 2048);
  if (typeof finding.AwsAccountId !== 'string' || !/^\d{12}$/.test(finding.AwsAccountId))
    c.fail('AwsAccountId', 'not 12 digits');
  const product = DEFAULT_PRODUCT.exec(String(finding.ProductArn));
  if (!product || product[3] !== finding.AwsAccountId || product[4] !== finding.AwsAccountId)
    c.fail('ProductArn', 'not the default product of the finding’s own account');
  if (finding.ProductName !== undefined) c.string('ProductName', finding.ProductName, 1, 128);
  c.types('Types', finding.Types);
  c.timestamp('CreatedAt', finding.CreatedAt);
  c.timestamp('UpdatedAt', finding.UpdatedAt);
  c.severity('Severity', finding.Severity, NESTED_MEMBERS.Severity ?? []);
  c.string('Title', finding.Title, 1, 256);
  c.string('Description', finding.Description, 1, 1024);
  if (finding.ProductFields !== undefined)
    c.map('ProductFields', finding.ProductFields, 50, 128, 2048);
  if (finding.UserDefinedFields !== undefined)
    c.map('UserDefinedFields', finding.UserDefinedFields, 50, 128, 1024);
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > 32)
    c.fail('Resources', 'not an array of 1 to 32 resources');
  else for (const [i, r] of resources.entries()) c.resource(`Resources[${i}]`, r);
  if (
    finding.Compliance !== undefined &&
    c.members('Compliance', finding.Compliance, NESTED_MEMBERS.Compliance ?? [])
  )
    c.oneOf('Compliance.Status', finding.Compliance.Status, COMPLIANCE_STATUSES);
  if (finding.RecordState !== undefined) c.oneOf('RecordState', finding.RecordState, RECORD_STATES);
  const provider = finding.FindingProviderFields;
  if (
    provider !== undefined &&
    c.members('FindingProviderFields', provider, NESTED_MEMBERS.FindingProviderFields ?? [])
  ) {
    if (provider.Severity !== undefined)
      c.severity('FindingProviderFields.Severity', provider.Severity, ['Label', 'Original']);
    if (provider.Types !== undefined) c.types('FindingProviderFields.Types', provider.Types);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(finding)).length;
  if (bytes > FINDING_BYTES) c.fail('finding', `${bytes} bytes, more than ${FINDING_BYTES}`);
  return c.problems;
}

/**
 * What is wrong with `request` as the input of one `BatchImportFindings` call (and so of
 * `aws securityhub batch-import-findings --cli-input-json`): `{ "Findings": [...] }` and nothing
 * else, 1 to 100 findings, each valid, at most 6,000,000 bytes, and one caller — every finding of
 * one account and region (one product ARN); `[]` when nothing is.
 *
 * @example
 * ```ts
 * expect(batchProblems(JSON.parse(line))).toEqual([]);
 * ```
 */
export function batchProblems(request: unknown): string[] {
  if (!isObject(request) || Object.keys(request).join() !== 'Findings')
    return ['request: not an object with Findings only'];
  const findings = request.Findings;
  if (!Array.isArray(findings) || findings.length < 1 || findings.length > BATCH_FINDINGS)
    return [`Findings: not an array of 1 to ${BATCH_FINDINGS} findings`];
  const problems = findings.flatMap((f, i) => asffProblems(f).map((p) => `Findings[${i}].${p}`));
  const arns = new Set(findings.map((f) => (isObject(f) ? f.ProductArn : undefined)));
  if (arns.size !== 1) problems.push(`Findings: ${arns.size} product ARNs, so several callers`);
  const ids = findings.map((f) => (isObject(f) ? f.Id : undefined));
  if (new Set(ids).size !== ids.length) problems.push('Findings: an Id twice');
  const bytes = new TextEncoder().encode(JSON.stringify(request)).length;
  if (bytes > BATCH_BYTES) problems.push(`request: ${bytes} bytes, more than ${BATCH_BYTES}`);
  return problems;
}
