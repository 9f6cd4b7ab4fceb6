/**
 * `ecr-tag-auditor replay`: recorded events and CloudTrail logs through the auditor (docs/cli.md).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseRepositorySnapshot, type SnapshotEntry } from '../../core/intake/snapshot.ts';
import { loadPolicy } from '../../io/policy/load.ts';
import { loadStateFile } from '../../io/state-file.ts';
import { parseCommandArgs } from '../args.ts';
import {
  FINDINGS_OUTPUT_HELP,
  FINDINGS_OUTPUT_OPTIONS,
  findingsExitCode,
  findingsOutput,
  printFindings,
} from '../findings-output.ts';
import { type CliIO, EXIT, UsageError } from '../io.ts';
import { replay } from './run.ts';

/** Help text of `replay`. */
export const REPLAY_HELP = `Usage: ecr-tag-auditor replay --policy FILE [options] INPUT...

Replays recorded events through the auditor and prints its findings.

INPUT is a file, a directory (every file in it) or - for stdin, holding EventBridge events
(one object, a JSON array or NDJSON), raw CloudTrail records, CloudTrail log files
({"Records": [...]}), or the failure queue's messages: Lambda destination records, or the
output of \`aws sqs receive-message\` (docs/cli.md, "Replaying the failure queue"); any of
them may be gzipped. Events are applied in event-time order.

Options:
  --policy FILE            the policy (YAML or JSON); required
  --repositories FILE      output of \`aws ecr describe-repositories\`: the starting actual
                           configuration; each repository in it is judged once first
  --state FILE             load the tag ledger from FILE (if it exists) and save it back;
                           not saved (exit 2) if another run saved FILE meanwhile
${FINDINGS_OUTPUT_HELP}  -h, --help               show this help

A summary line goes to stderr, and each malformed input as FILE:LINE: reason. A line (or a
document spanning lines) over 16 MiB is malformed; a line not ended after 64 MiB ends the
reading of its input.
Exit codes: 0 done, 1 a finding at or above --fail-on, 2 usage, policy or state-file
error, 3 some input was malformed or unreadable (the rest was processed).
`;

/** Runs `replay`. */
export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('replay', argv, {
    policy: { type: 'string' },
    repositories: { type: 'string' },
    state: { type: 'string' },
    ...FINDINGS_OUTPUT_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(REPLAY_HELP);
    return EXIT.OK;
  }
  if (!values.policy) throw new UsageError('replay: --policy FILE is required');
  if (positionals.length === 0)
    throw new UsageError('replay: give at least one INPUT (a file, a directory or -)');
  const output = findingsOutput('replay', values);

  const policy = await loadPolicy(values.policy);
  // A bad state file is fatal (exit 2): found before any input problem is reported.
  const stateFile = values.state ? await loadStateFile(values.state) : undefined;
  const problemLines: string[] = [];
  const report = (location: string, reason: string) => {
    problemLines.push(location);
    io.stderr.write(`${location}: ${reason}\n`);
  };

  let snapshot: SnapshotEntry[] = [];
  if (values.repositories) {
    const file = values.repositories;
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      report(file, `cannot read: ${error.message}`);
      return null;
    });
    if (text !== null) {
      const parsed = parseRepositorySnapshot(text, file);
      for (const p of parsed.problems) report(p.location, p.reason);
      snapshot = parsed.entries;
    }
  }

  const result = await replay({
    policy,
    inputs: positionals,
    stdin: io.stdin,
    snapshot,
    state: stateFile?.state,
    onProblem: (p) => report(p.location, p.reason),
  });
  const shown = printFindings(io, result.findings, output, {
    state: result.state,
    generatedAt: new Date().toISOString(),
  });
  // Saved after printing, so that a state file that cannot be written loses no findings.
  // Refused (exit 2) when another run saved the file since it was loaded: never lost silently.
  await stateFile?.save(result.state);
  const s = result.summary;
  io.stderr.write(
    `ecr-tag-auditor: read ${s.read} input item(s): ${s.applied} event(s) applied, ${s.skipped} skipped, ${problemLines.length} malformed; ${s.findings} finding(s), ${shown.length} at ${output.minSeverity} or above\n`,
  );
  return findingsExitCode(result.findings, output, problemLines.length > 0);
}
