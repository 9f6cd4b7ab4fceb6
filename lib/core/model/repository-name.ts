/**
 * ECR's repository name grammar, defined once (the ECR service model's `repositoryName`): what
 * the intake accepts in events and snapshots and what the policy's repository globs can match.
 *
 * @module
 */

/**
 * ECR's `repositoryName` pattern (service model).
 *
 * @example
 * ```ts
 * REPOSITORY_NAME_PATTERN.test('team/app'); // true
 * ```
 */
export const REPOSITORY_NAME_PATTERN =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * The longest repository name ECR allows (service model).
 *
 * @example
 * ```ts
 * name.length <= REPOSITORY_NAME_MAX_LENGTH;
 * ```
 */
export const REPOSITORY_NAME_MAX_LENGTH = 256;

// Character classes of isRepositoryName, by code (ASCII only; anything else fails).
const LOWER_OR_DIGIT = 1;
const UNDERSCORE = 2;
const DOT = 4;
const DASH = 8;
const SLASH = 16;
const CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = LOWER_OR_DIGIT;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LOWER_OR_DIGIT;
CLASS[0x5f] = UNDERSCORE;
CLASS[0x2e] = DOT;
CLASS[0x2d] = DASH;
CLASS[0x2f] = SLASH;

function classOf(value: string, at: number): number {
  const code = value.charCodeAt(at);
  return code < 128 ? (CLASS[code] as number) : 0;
}

const REPOSITORY_SEPARATOR = DOT | UNDERSCORE | DASH | SLASH;

/**
 * True for a name that {@link REPOSITORY_NAME_PATTERN} matches, read character by character
 * (every event has one): lowercase letters and digits, separated by single `.`, `_`, `-` or `/`,
 * starting and ending with a letter or digit. The length is not checked here.
 *
 * @example
 * ```ts
 * isRepositoryName('team/app-1'); // true
 * isRepositoryName('Team//app'); // false
 * ```
 */
export function isRepositoryName(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const c = classOf(value, i);
    if (c === LOWER_OR_DIGIT) {
      previous = c;
      continue;
    }
    // A separator: not first, not after another separator, and something must follow it.
    if ((c & REPOSITORY_SEPARATOR) === 0 || previous !== LOWER_OR_DIGIT || i === n - 1) {
      return false;
    }
    previous = c;
  }
  return true;
}
