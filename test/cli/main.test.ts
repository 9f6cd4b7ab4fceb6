/**
 * The CLI's dispatch, help, version and error mapping (docs/cli.md), run in-process.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../lib/cli/main.ts';
import { fakeIO, linesOf, REPO_ROOT, runCli, specPolicy, tempDir, write } from './support.ts';

/** The flags docs/cli.md names for each command, and other words its usage must mention. */
const DOCUMENTED_FLAGS: Record<string, readonly string[]> = {
  replay: [
    '--policy',
    '--repositories',
    '--state',
    '--format',
    '--min-severity',
    '--fail-on',
    'INPUT',
    'table',
    'json',
    'ndjson',
    'markdown',
    'html',
    'INFO',
    'LOW',
    'MEDIUM',
    'HIGH',
    '-h, --help',
  ],
  'check-policy': ['FILE', '-h, --help'],
  explain: [
    '--policy',
    '--repository',
    '--account',
    '--region',
    '--tag',
    '--actual-mode',
    '--actual-filter',
    'MUTABLE',
    'IMMUTABLE_WITH_EXCLUSION',
    'MUTABLE_WITH_EXCLUSION',
    '-h, --help',
  ],
};

describe('top-level help and version', () => {
  it.each(['--help', '-h', 'help'])(
    '%s prints the usage with every command and exits 0',
    async (flag) => {
      // Act
      const run = await runCli([flag]);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: ecr-tag-auditor COMMAND/);
      for (const command of Object.keys(DOCUMENTED_FLAGS))
        expect(run.stdout).toContain(`  ${command}`);
      expect(run.stdout).toContain('--version');
    },
  );

  it('no command at all is a usage error: the usage goes to stderr, exit 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: ecr-tag-auditor COMMAND');
  });

  it('--version prints one line and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    // In-process (not bundled) the build-time version is absent: `dev`.
    expect(run.stdout).toMatch(/^\S+\n$/);
  });
});

describe('command help', () => {
  for (const [command, flags] of Object.entries(DOCUMENTED_FLAGS)) {
    it.each(['--help', '-h'])(
      `${command} %s lists every flag docs/cli.md names and exits 0`,
      async (flag) => {
        // Act: help needs none of the required flags
        const run = await runCli([command, flag]);
        // Assess
        expect(run.code).toBe(0);
        expect(run.stderr).toBe('');
        expect(run.stdout).toMatch(new RegExp(`^Usage: ecr-tag-auditor ${command}`));
        for (const word of flags) expect(run.stdout, word).toContain(word);
      },
    );
  }

  it.each(Object.keys(COMMANDS))(
    'every registered command (%s) has help listing its flags',
    async (command) => {
      const run = await runCli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(new RegExp(`^Usage: ecr-tag-auditor ${command}\\b`));
      expect(run.stdout).toContain('-h, --help');
      // And the top-level help lists it.
      expect((await runCli(['--help'])).stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    },
  );

  it('help wins over other flags and arguments', async () => {
    const run = await runCli(['replay', '--policy', 'nowhere.yml', '--help', 'input.json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ecr-tag-auditor replay');
  });

  it('the README documents every flag the help lists for replay', () => {
    const readme = readFileSync(new URL('README.md', REPO_ROOT), 'utf8');
    for (const flag of DOCUMENTED_FLAGS.replay?.filter((f) => f.startsWith('--')) ?? [])
      expect(readme).toContain(flag);
  });
});

describe('usage errors: one line on stderr, exit 2, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate".*replay/],
    [
      'an unknown flag of replay',
      ['replay', '--bogus', 'x.json'],
      /replay: unknown option --bogus/,
    ],
    ['an unknown short flag', ['explain', '-x'], /explain: unknown option -x/],
    ['an unknown flag of check-policy', ['check-policy', '--strict', 'p.yml'], /--strict/],
    ['a flag without its value', ['replay', 'x.json', '--policy'], /--policy/],
    [
      'a value that looks like a flag',
      ['explain', '--policy', 'p.yml', '--repository', 'web', '--tag', '-v1'],
      /--tag=-XYZ/,
    ],
    ['replay without --policy', ['replay', 'events.json'], /--policy FILE is required/],
    ['replay without INPUT', ['replay', '--policy', 'p.yml'], /at least one INPUT/],
    [
      'an unknown --format',
      ['replay', '--policy', 'p.yml', '--format', 'xml', 'x'],
      /--format must be one of table, json, ndjson, markdown, html, asff, ocsf \(got "xml"\)/,
    ],
    [
      'an unknown --min-severity',
      ['replay', '--policy', 'p.yml', '--min-severity', 'CRITICAL', 'x'],
      /--min-severity must be one of INFO, LOW, MEDIUM, HIGH/,
    ],
    [
      'an unknown --fail-on',
      ['replay', '--policy', 'p.yml', '--fail-on', 'SEVERE', 'x'],
      /--fail-on must be one of/,
    ],
    ['check-policy without FILE', ['check-policy'], /exactly one policy FILE/],
    ['check-policy with two files', ['check-policy', 'a.yml', 'b.yml'], /exactly one policy FILE/],
    ['explain without --repository', ['explain', '--policy', 'p.yml'], /--repository NAME/],
    ['explain with a stray argument', ['explain', 'web'], /unexpected argument "web"/],
    [
      'explain with filters but no mode',
      ['explain', '--policy', 'p.yml', '--repository', 'web', '--actual-filter', 'dev-*'],
      /--actual-filter needs --actual-mode/,
    ],
  ];

  it.each(cases)('%s', async (_, argv, message) => {
    // Act
    const run = await runCli(argv);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ecr-tag-auditor: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('usage errors are found before any input is read', async () => {
    // Prepare: a valid policy, but a bad flag value; the missing input would be exit 3
    const dir = tempDir();
    const policy = specPolicy(dir);
    // Act
    const run = await runCli(['replay', '--policy', policy, '--format', 'yaml', `${dir}/nope`]);
    // Assess: 2 (usage) and not 3 (input)
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('nope');
  });

  it('flag values are case-insensitive', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const input = write(dir, 'empty.json', '');
    const run = await runCli([
      'replay',
      '--policy',
      policy,
      '--format',
      'JSON',
      '--min-severity',
      'high',
      input,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.stderr).toContain('at HIGH or above');
  });
});

describe('unexpected errors', () => {
  /** A terminal whose stdout fails on the first write, with a message of two lines. */
  function brokenStdout(env: Record<string, string>) {
    const io = fakeIO({ env });
    return {
      ...io,
      stdout: {
        isTTY: false,
        write: () => {
          throw new Error('disk on fire\nsecond line');
        },
      },
    };
  }

  it('are one line on stderr, exit 2, without a stack trace', async () => {
    // Prepare
    const dir = tempDir();
    const io = brokenStdout({});
    // Act
    const code = await main(['replay', '--policy', specPolicy(dir), write(dir, 'e', '')], io);
    // Assess
    expect(code).toBe(2);
    expect(linesOf(io.err())).toEqual([
      'ecr-tag-auditor: unexpected error: disk on fire second line',
    ]);
  });

  it('show their stack trace with DEBUG set', async () => {
    const dir = tempDir();
    const io = brokenStdout({ DEBUG: '1' });
    const code = await main(['replay', '--policy', specPolicy(dir), write(dir, 'e', '')], io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^ {4}at /m);
  });
});
