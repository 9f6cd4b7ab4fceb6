/**
 * End to end: the bundled CLI (dist/cli.mjs, built here as `npm ci` builds it) run as a process
 * through bin/ecr-tag-auditor.mjs, as `npm start` and `npx ecr-tag-auditor` run it.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import {
  linesOf,
  npmStartArgs,
  parseFindings,
  REPO_ROOT,
  reEscape,
  tempDir,
  write,
} from './support.ts';

const root = fileURLToPath(REPO_ROOT);

/** The environment of a user's shell, without what would change the output. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DEBUG;
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return env;
}

function cli(args: string[], input?: string | Buffer): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['bin/ecr-tag-auditor.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv(),
    ...(input === undefined ? {} : { input }),
  });
}

const STACK_LINE = /^ {4}at /m;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--cli'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
});

describe('the bundled CLI', () => {
  it('npm start tells the example story: exactly these findings, exit 0', () => {
    // Act
    const run = cli(npmStartArgs('--format', 'json'));
    // Assess
    expect(run.status, run.stderr).toBe(0);
    const findings: Finding[] = parseFindings(run.stdout);
    const story = findings.map((f) => [
      f.kind,
      f.repository ?? `template:${f.templatePrefix}`,
      f.tag,
      f.direction,
      f.viaDelete,
      f.detectedBy,
    ]);
    expect(story.sort()).toEqual(
      [
        ['CONFIG_DRIFT', 'legacy', null, 'LOOSENED', null, 'snapshot'],
        ['CONFIG_DRIFT_RESOLVED', 'legacy', null, 'EQUAL', null, 'event'],
        ['OVERWRITE_BLOCKED', 'hoge0724immutabletag', 'v1', null, null, 'event'],
        ['TAG_OVERWRITE_ALLOWED', 'hoge0724immutabletag', 'dev-hoge', null, false, 'event'],
        ['TAG_OVERWRITE_VIOLATION', 'web', 'v2.0.0', null, true, 'event'],
        ['CONFIG_DRIFT', 'payments', null, 'LOOSENED', null, 'event'],
        ['TEMPLATE_DRIFT', 'template:team-a', null, 'LOOSENED', null, 'event'],
      ].sort(),
    );
    // The drift of legacy is resolved after it was seen, in event-time order.
    const kinds = findings.map((f) => `${f.kind} ${f.repository}`);
    expect(kinds.indexOf('CONFIG_DRIFT legacy')).toBeLessThan(
      kinds.indexOf('CONFIG_DRIFT_RESOLVED legacy'),
    );
    expect(run.stderr).toMatch(
      /^ecr-tag-auditor: read \d+ input item\(s\): .* 0 malformed; 7 finding\(s\), 7 at INFO or above$/m,
    );
  });

  it('npm start prints a table without colour when stdout is a pipe', () => {
    const run = cli(npmStartArgs());
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('\u001b[');
    const [header, ...rows] = linesOf(run.stdout);
    expect(header).toMatch(/^SEVERITY\s+KIND\s+REPOSITORY\s+TAG\s+MESSAGE$/);
    expect(rows).toHaveLength(7);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('reads NDJSON piped into stdin (-)', () => {
    const events = readFileSync(new URL('examples/events/ecr-image-actions.ndjson', REPO_ROOT));
    const run = cli(
      [
        'replay',
        '--policy',
        'examples/policy.yml',
        '--format',
        'ndjson',
        '--min-severity',
        'INFO',
        '-',
      ],
      events,
    );
    expect(run.status, run.stderr).toBe(0);
    const findings = linesOf(run.stdout).map((l) => JSON.parse(l) as Finding);
    expect(findings.map((f) => [f.kind, f.repository, f.tag])).toEqual([
      ['TAG_OVERWRITE_ALLOWED', 'hoge0724immutabletag', 'dev-hoge'],
      ['TAG_OVERWRITE_VIOLATION', 'web', 'v2.0.0'],
    ]);
  });

  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', REPO_ROOT), 'utf8'));
    const run = cli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });

  it('a broken policy: exit 2, its errors one line each, and no stack trace', () => {
    // Prepare
    const dir = tempDir();
    const policy = write(
      dir,
      'policy.yml',
      'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["a*b*c*"]\n  colour: red\n',
    );
    // Act
    const check = cli(['check-policy', policy]);
    const replay = cli(['replay', '--policy', policy, 'examples/events']);
    const explain = cli(['explain', '--policy', policy, '--repository', 'web']);
    // Assess
    for (const run of [check, replay, explain]) {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(linesOf(run.stderr)).toEqual([
        `${policy}:4:40: filter "a*b*c*" has 3 wildcards; ECR allows at most 2`,
        expect.stringMatching(new RegExp(`^${reEscape(policy)}:5:3: unknown key "colour"`)),
      ]);
    }
  });

  it('usage errors and a corrupt state file: one line, exit 2, no stack trace', () => {
    const dir = tempDir();
    const state = write(dir, 'state.json', '{\n  "version": 1,\n  oops');
    for (const args of [
      ['replay', '--bogus'],
      ['nonsense'],
      ['replay', '--policy', 'examples/policy.yml', '--state', state, 'examples/events'],
    ]) {
      const run = cli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(linesOf(run.stderr), args.join(' ')).toHaveLength(1);
      expect(run.stderr).not.toMatch(STACK_LINE);
    }
  });
});
