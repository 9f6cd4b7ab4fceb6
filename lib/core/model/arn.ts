/**
 * The one grammar of Amazon Resource Names in the project: what an actor, a topic setting or a
 * snapshot's repository ARN must look like, and which partition a region belongs to.
 *
 * `arn:partition:service:region:account-id:resource` ("Identify AWS resources with Amazon
 * Resource Names (ARNs)", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
 *
 * - partition: `aws`, `aws-cn`, `aws-us-gov`, or an isolated one (`aws-iso`, `aws-iso-b`,
 *   `aws-iso-e`, `aws-iso-f`, …);
 * - service: lower-case letters, digits and `-` (`iam`, `sts`, `execute-api`);
 * - region: empty (global services such as IAM and STS) or a region code;
 * - account: empty or 12 digits;
 * - resource: a letter or digit, then letters, digits and `: _ / + = , @ . -` — the character set
 *   of IAM names and paths, and of session names (`[\w+=,.@-]`), which is also the resource part
 *   of the ARN pattern AWS documents in its APIs (`[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}`,
 *   e.g. the Amazon Q Developer API reference). No space, no `<`, `>`, `&`, `|`, no backtick, no
 *   invisible character.
 *
 * @module
 */

/** The most characters an ARN has (IAM's `arnType` maximum). */
export const ARN_MAX_LENGTH = 2048;

/** `arn:partition:service:region:account:resource`, each part captured. */
const ARN_PATTERN =
  /^arn:(aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?):([a-z0-9-]{1,63}):((?:[a-z]{2}(?:-[a-z]+)+-\d{1,2})?):(\d{12}|):([A-Za-z0-9][A-Za-z0-9:_/+=,@.-]*)$/;

/** The parts of an ARN. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services. */
  readonly region: string;
  /** Empty when the resource has no account. */
  readonly account: string;
  readonly resource: string;
}

/**
 * The parts of `text` when it is an ARN by the grammar above, else null.
 *
 * @example
 * ```ts
 * parseArn('arn:aws:sts::123456789012:assumed-role/ci/run-7');
 * // { partition: 'aws', service: 'sts', region: '', account: '123456789012', resource: 'assumed-role/ci/run-7' }
 * parseArn('<!channel>'); // null
 * ```
 */
export function parseArn(text: string): Arn | null {
  if (text.length > ARN_MAX_LENGTH) return null;
  const match = ARN_PATTERN.exec(text);
  if (!match) return null;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

/**
 * True when `text` is an ARN by the grammar above.
 *
 * @example
 * ```ts
 * isArn('arn:aws-cn:iam::123456789012:user/dev'); // true
 * isArn('arn:aws:iam::123456789012:user/<!channel>'); // false
 * ```
 */
export function isArn(text: string): boolean {
  return parseArn(text) !== null;
}

/**
 * The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud (US), `aws-iso` for
 * `us-iso-*`, `aws-iso-b` for `us-isob-*`, `aws-iso-e`/`aws-iso-f` for `eu-isoe-*`/`us-isof-*`,
 * `aws` otherwise.
 *
 * @example
 * ```ts
 * partitionOf('cn-north-1'); // 'aws-cn'
 * partitionOf('eu-west-1'); // 'aws'
 * ```
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}

/**
 * The ARN of an ECR repository (`arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`), the
 * partition following the region.
 *
 * @example
 * ```ts
 * repositoryArn('123456789012', 'eu-west-1', 'team/web');
 * // 'arn:aws:ecr:eu-west-1:123456789012:repository/team/web'
 * ```
 */
export function repositoryArn(account: string, region: string, repository: string): string {
  return `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`;
}
