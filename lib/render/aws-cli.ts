/**
 * The AWS CLI command equivalent to a remediation request (docs/remediation.md#the-aws-cli-command),
 * quoted for a POSIX shell: what a person runs instead of letting the auditor apply it, and what a
 * drift alert suggests.
 *
 * @module
 */
import type { RemediationRequest } from '../core/remediation/request.ts';

/** Words a POSIX shell (sh, bash, zsh) reads as themselves, unquoted. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `text` as one shell word: as it is when no shell treats any of its characters specially,
 * else single-quoted (a `'` inside written as `'\''`). A filter such as `dev-*` is quoted: zsh
 * aborts on a `*` that matches no file, and bash may expand one that does.
 *
 * @example
 * ```ts
 * shellWord('eu-west-1'); // 'eu-west-1'
 * shellWord('filterType=WILDCARD,filter=dev-*'); // "'filterType=WILDCARD,filter=dev-*'"
 * shellWord("it's"); // "'it'\\''s'"
 * ```
 */
export function shellWord(text: string): string {
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The `aws ecr` command that sends `request` in `region`. A repository's request is spelt with
 * the command's options, its filters in the CLI's shorthand (`filterType=WILDCARD,filter=dev-*`,
 * one word each); a template's as `--cli-input-json`, which carries the template's other settings
 * exactly as the request does.
 *
 * @example
 * ```ts
 * awsCliCommand('eu-west-1', putImageTagMutabilityRequest(ref, config('IMMUTABLE')));
 * // aws ecr put-image-tag-mutability --region eu-west-1 --registry-id 111111111111 \
 * //   --repository-name web --image-tag-mutability IMMUTABLE
 * ```
 */
export function awsCliCommand(region: string, request: RemediationRequest): string {
  if (request.operation === 'UpdateRepositoryCreationTemplate') {
    return words(
      'aws',
      'ecr',
      'update-repository-creation-template',
      '--region',
      region,
      '--cli-input-json',
      JSON.stringify(request.input),
    );
  }
  const { input } = request;
  const filters = input.imageTagMutabilityExclusionFilters ?? [];
  return words(
    'aws',
    'ecr',
    'put-image-tag-mutability',
    '--region',
    region,
    '--registry-id',
    input.registryId,
    '--repository-name',
    input.repositoryName,
    '--image-tag-mutability',
    input.imageTagMutability,
    ...(filters.length > 0 ? ['--image-tag-mutability-exclusion-filters'] : []),
    ...filters.map((f) => `filterType=${f.filterType},filter=${f.filter}`),
  );
}

function words(...parts: string[]): string {
  return parts.map(shellWord).join(' ');
}
