/**
 * Whether a repository glob of the policy can match any ECR repository name at all
 * (docs/policy.md): a glob that can match nothing is an error in the policy file.
 *
 * @module
 */
import { REPOSITORY_NAME_MAX_LENGTH } from '../model/repository-name.ts';
import { quote } from './message-text.ts';

/** Characters of an ECR repository name (`(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*…`) plus `*`. */
const GLOB_CHARACTER = /[a-z0-9._/*-]/;

/**
 * Why a repository glob can never match an ECR repository name, or null when it can.
 *
 * @example
 * ```ts
 * repositoryGlobProblem('team/*'); // null
 * repositoryGlobProblem('Prod/app'); // 'repository glob "Prod/app" can never match: "P" does …'
 * ```
 */
export function repositoryGlobProblem(glob: string): string | null {
  if (glob === '') return 'a repository glob must not be empty';
  for (const char of glob) {
    if (!GLOB_CHARACTER.test(char)) {
      // A glob that can match nothing would silently hand its repositories to a later rule or the
      // default; a mistyped `Prod/*` must be an error, not a hole in the audit.
      return `repository glob ${quote(glob)} can never match: ${quote(char)} does not occur in ECR repository names (a-z, 0-9, ".", "_", "-", "/")`;
    }
  }
  const literal = glob.replace(/\*/g, '').length;
  if (literal > REPOSITORY_NAME_MAX_LENGTH) {
    return `repository glob ${quote(glob)} can never match: it has ${literal} characters besides "*" and ECR repository names have at most ${REPOSITORY_NAME_MAX_LENGTH}`;
  }
  return null;
}
