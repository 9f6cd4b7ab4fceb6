/**
 * Shared set-up of the `replay` tests: the example policy and a small story of events in a fresh
 * temp dir, in-process runs of `replay`, and readers of its output.
 */
import type { Finding } from '../../../lib/core/model/findings.ts';
import { digest } from '../../support/digest.ts';
import type { Json } from '../../support/json.ts';
import {
  blockedPush,
  ecrConfig,
  type FakeTerminal,
  imageAction,
  linesOf,
  ndjson,
  parseFindings,
  putMutability,
  runCli,
  specPolicy,
  tempDir,
  write,
} from '../support.ts';

/**
 * The start of an ANSI escape sequence: output holding it is coloured.
 *
 * @example
 * ```ts
 * expect(run.stdout).not.toContain(ESC);
 * ```
 */
export const ESC = '\u001b[';

/**
 * A push of `repository:tag` with `digest(d)` through ECR Image Action, `minutes` after the start.
 *
 * @example
 * ```ts
 * const events = [push('web', 'v1', 1, 0), push('web', 'v1', 2, 5)]; // an overwrite
 * ```
 */
export const push = (repository: string, tag: string, d: number, minutes: number) =>
  imageAction('PUSH', { repository, tag, digest: digest(d), minutes });
/**
 * A delete of `repository:tag` (holding `digest(d)`) through ECR Image Action.
 *
 * @example
 * ```ts
 * const events = [push('web', 'v1', 1, 0), remove('web', 'v1', 1, 1), push('web', 'v1', 2, 2)];
 * ```
 */
export const remove = (repository: string, tag: string, d: number, minutes: number) =>
  imageAction('DELETE', { repository, tag, digest: digest(d), minutes });

/**
 * A small story with one finding of each severity:
 * web:v1 overwritten (HIGH violation), web:dev-1 overwritten (INFO allowed), payments:v1 refused
 * (LOW), sandbox/alice:v1 refused although the policy wants it mutable (MEDIUM), payments
 * loosened in the console (HIGH drift).
 *
 * @example
 * ```ts
 * const { policy, input } = prepare(storyEvents());
 * ```
 */
export function storyEvents(): Json[] {
  return [
    push('web', 'v1', 1, 0),
    push('web', 'dev-1', 1, 1),
    push('web', 'v1', 2, 5),
    push('web', 'dev-1', 3, 6),
    blockedPush({ repository: 'payments', tag: 'v1', digest: digest(4), minutes: 7 }),
    blockedPush({ repository: 'sandbox/alice', tag: 'v1', digest: digest(5), minutes: 8 }),
    putMutability(
      { repository: 'payments', minutes: 9 },
      ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'release-*'),
    ),
  ];
}

/**
 * Writes the example policy and `events` (NDJSON) into a fresh temp dir; returns their paths.
 *
 * @example
 * ```ts
 * const { policy, input } = prepare();
 * const run = await replay(['--policy', policy, input]);
 * ```
 */
export function prepare(events: readonly unknown[] = storyEvents()): {
  dir: string;
  policy: string;
  input: string;
} {
  const dir = tempDir();
  return { dir, policy: specPolicy(dir), input: write(dir, 'events.ndjson', ndjson(events)) };
}

/**
 * Runs `replay` with `args` in-process, on a fake terminal.
 *
 * @example
 * ```ts
 * const run = await replay(['--policy', policy, input], { isTTY: true });
 * ```
 */
export async function replay(args: string[], terminal: FakeTerminal = {}) {
  return runCli(['replay', ...args], terminal);
}

/**
 * Replays with `--format json --min-severity INFO`; returns the findings and the run.
 *
 * @example
 * ```ts
 * const { code, findings } = await replayJson(policy, [input], ['--state', state]);
 * ```
 */
export async function replayJson(policy: string, inputs: string[], extra: string[] = []) {
  const run = await replay([
    '--policy',
    policy,
    '--format',
    'json',
    '--min-severity',
    'INFO',
    ...extra,
    ...inputs,
  ]);
  return { ...run, findings: run.code === 2 ? [] : parseFindings(run.stdout) };
}

/**
 * The counts of the summary line `replay` writes to stderr; throws when there is none.
 *
 * @example
 * ```ts
 * expect(summary(run.stderr)).toMatchObject({ read: 7, malformed: 0 });
 * ```
 */
export function summary(stderr: string) {
  const line = linesOf(stderr).find((l) => l.startsWith('ecr-tag-auditor: read '));
  const m =
    /read (\d+) input item\(s\): (\d+) event\(s\) applied, (\d+) skipped, (\d+) malformed; (\d+) finding\(s\), (\d+) at (\w+) or above$/.exec(
      line ?? '',
    );
  if (!m) throw new Error(`no summary line in:\n${stderr}`);
  const [read, applied, skipped, malformed, findings, shown] = m.slice(1, 7).map(Number);
  return { read, applied, skipped, malformed, findings, shown, threshold: m[7] };
}

/**
 * Each finding as `KIND tag`, to compare what was found at a glance.
 *
 * @example
 * ```ts
 * expect(kinds(findings)).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
 * ```
 */
export const kinds = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.kind} ${f.tag ?? ''}`);
