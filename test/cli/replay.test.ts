/**
 * `ecr-tag-auditor replay` (docs/intake.md, docs/ledger.md, docs/findings.md, docs/cli.md), run in-process through `main` with a fake terminal, on
 * inputs built from the AWS documentation samples.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/core/model/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import {
  blockedPush,
  canonical,
  cloudTrailDelete,
  cloudTrailLog,
  cloudTrailPush,
  createRepository,
  createTemplate,
  describedRepository,
  ecrConfig,
  ecrRecord,
  type FakeTerminal,
  FINDING_FIELDS,
  imageAction,
  linesOf,
  ndjson,
  parseFindings,
  putMutability,
  REGION,
  reEscape,
  runCli,
  specPolicy,
  tempDir,
  viaEventBridge,
  write,
} from './support.ts';

const ESC = '\u001b[';

/** Pushes through ECR Image Action. */
const push = (repository: string, tag: string, d: number, minutes: number) =>
  imageAction('PUSH', { repository, tag, digest: digest(d), minutes });
const remove = (repository: string, tag: string, d: number, minutes: number) =>
  imageAction('DELETE', { repository, tag, digest: digest(d), minutes });

/**
 * A small story with one finding of each severity:
 * web:v1 overwritten (HIGH violation), web:dev-1 overwritten (INFO allowed), payments:v1 refused
 * (LOW), sandbox/alice:v1 refused although the policy wants it mutable (MEDIUM), payments
 * loosened in the console (HIGH drift).
 */
function storyEvents(): Json[] {
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

/** Writes the example policy and `events` (NDJSON) into a fresh temp dir; returns their paths. */
function prepare(events: readonly unknown[] = storyEvents()): {
  dir: string;
  policy: string;
  input: string;
} {
  const dir = tempDir();
  return { dir, policy: specPolicy(dir), input: write(dir, 'events.ndjson', ndjson(events)) };
}

async function replay(args: string[], terminal: FakeTerminal = {}) {
  return runCli(['replay', ...args], terminal);
}

/** Replays with `--format json --min-severity INFO`; returns the findings and the run. */
async function replayJson(policy: string, inputs: string[], extra: string[] = []) {
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

/** Summary line counts. */
function summary(stderr: string) {
  const line = linesOf(stderr).find((l) => l.startsWith('ecr-tag-auditor: read '));
  const m =
    /read (\d+) input item\(s\): (\d+) event\(s\) applied, (\d+) skipped, (\d+) malformed; (\d+) finding\(s\), (\d+) at (\w+) or above$/.exec(
      line ?? '',
    );
  if (!m) throw new Error(`no summary line in:\n${stderr}`);
  const [read, applied, skipped, malformed, findings, shown] = m.slice(1, 7).map(Number);
  return { read, applied, skipped, malformed, findings, shown, threshold: m[7] };
}

const kinds = (findings: readonly Finding[]) => findings.map((f) => `${f.kind} ${f.tag ?? ''}`);

describe('replay --format', () => {
  it('json: an array of findings with every documented field (docs/findings.md), null rather than omitted', async () => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const { code, findings, stderr } = await replayJson(policy, [input]);
    // Assess
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(findings.map((f) => f.kind).sort()).toEqual([
      'CONFIG_DRIFT',
      'OVERWRITE_BLOCKED',
      'OVERWRITE_BLOCKED',
      'TAG_OVERWRITE_ALLOWED',
      'TAG_OVERWRITE_VIOLATION',
    ]);
    for (const finding of findings) {
      expect(Object.keys(finding).sort()).toEqual([...FINDING_FIELDS].sort());
      for (const field of FINDING_FIELDS) expect(finding[field], field).not.toBeUndefined();
      expect(Array.isArray(finding.witnesses)).toBe(true);
      expect(finding.message).not.toContain('\n');
    }
    const violation = findings.find((f) => f.kind === 'TAG_OVERWRITE_VIOLATION');
    expect(violation).toMatchObject({
      severity: 'HIGH',
      account: ACCOUNT,
      region: REGION,
      repository: 'web',
      templatePrefix: null,
      tag: 'v1',
      previousDigest: digest(1),
      digest: digest(2),
      viaDelete: false,
      actual: null,
      direction: null,
      witnesses: [],
      actor: null,
      eventTime: canonical(5),
      detectedBy: 'event',
    });
    expect(violation?.expected).toEqual({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filterType: 'WILDCARD', filter: 'dev-*' },
        { filterType: 'WILDCARD', filter: 'sha256-*' },
      ],
    });
    const drift = findings.find((f) => f.kind === 'CONFIG_DRIFT');
    expect(drift).toMatchObject({
      severity: 'HIGH',
      repository: 'payments',
      tag: null,
      previousDigest: null,
      digest: null,
      viaDelete: null,
      direction: 'LOOSENED',
      expected: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
      actual: {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
      },
      actor: 'arn:aws:sts::123456789012:user/Mary_Major',
      eventId: 'ct-PutImageTagMutability-payments-9',
    });
    expect(drift?.witnesses.length).toBeGreaterThan(0);
    expect(drift?.witnesses.every((w) => w.startsWith('release-'))).toBe(true);
    const blocked = findings.filter((f) => f.kind === 'OVERWRITE_BLOCKED');
    expect(blocked.map((f) => [f.repository, f.severity])).toEqual([
      ['payments', 'LOW'],
      ['sandbox/alice', 'MEDIUM'],
    ]);
  });

  it('json: no findings is an empty array', async () => {
    const { policy, input } = prepare([push('web', 'v1', 1, 0)]);
    const { code, stdout } = await replay(['--policy', policy, '--format', 'json', input]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('ndjson: one finding per line, the same findings as json', async () => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const json = await replayJson(policy, [input]);
    const nd = await replay([
      '--policy',
      policy,
      '--format',
      'ndjson',
      '--min-severity',
      'INFO',
      input,
    ]);
    // Assess
    expect(nd.code).toBe(0);
    expect(nd.stdout.endsWith('\n')).toBe(true);
    const lines = nd.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(json.findings.length);
    expect(lines.map((line) => JSON.parse(line))).toEqual(json.findings);
  });

  it('ndjson: no findings is no output at all', async () => {
    const { policy, input } = prepare([]);
    const run = await replay(['--policy', policy, '--format', 'ndjson', input]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('table (the default): a header and one aligned row per finding', async () => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const run = await replay(['--policy', policy, '--min-severity', 'INFO', input]);
    // Assess
    expect(run.code).toBe(0);
    const [header, ...rows] = linesOf(run.stdout);
    expect(header).toMatch(/^SEVERITY\s+KIND\s+REPOSITORY\s+TAG\s+MESSAGE$/);
    expect(rows).toHaveLength(5);
    const columns = ['KIND', 'REPOSITORY', 'TAG', 'MESSAGE'].map((h) => header?.indexOf(h) ?? -1);
    for (const row of rows) {
      // Every column starts where its heading starts, after at least two spaces.
      for (const column of columns) {
        expect(row.slice(column - 2, column), row).toBe('  ');
        expect(row[column], row).not.toBe(' ');
      }
    }
    const violation = rows.find((r) => r.includes('TAG_OVERWRITE_VIOLATION'));
    expect(violation?.slice(columns[1], columns[2]).trim()).toBe('web');
    expect(violation?.slice(columns[2], columns[3]).trim()).toBe('v1');
    expect(violation?.slice(columns[3])).toContain('moved from sha256:000000000000 to');
    const drift = rows.find((r) => r.includes('CONFIG_DRIFT'));
    expect(drift?.slice(columns[2], columns[3]).trim()).toBe('-');
  });

  it('table: a template finding names the template where the repository goes', async () => {
    const { policy, input } = prepare([createTemplate('team-a', 0, ecrConfig('MUTABLE'))]);
    const run = await replay(['--policy', policy, input]);
    expect(run.stdout).toMatch(
      /^HIGH\s+TEMPLATE_DRIFT\s+template:team-a\s+-\s+Creation template team-a is loosened/m,
    );
  });

  it('table: no findings says so', async () => {
    const { policy, input } = prepare([]);
    const run = await replay(['--policy', policy, input]);
    expect(run.stdout).toBe('No findings.\n');
  });

  it('markdown: a summary, a table with one row per finding, and details', async () => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const run = await replay([
      '--policy',
      policy,
      '--format',
      'markdown',
      '--min-severity',
      'INFO',
      input,
    ]);
    const json = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('| Severity | Kind | Repository | Tag | Message |');
    expect(lines).toContain('|---|---|---|---|---|');
    expect(run.stdout).toContain('5 findings: 2 HIGH, 1 MEDIUM, 1 LOW, 1 INFO.');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Severity'));
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      // Exactly five cells: every `|` inside a cell is escaped.
      expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(5);
    }
    // Markdown-active characters of messages are escaped: `*` of filters, `_` of modes.
    const violationRow = rows.find((r) => r.includes('TAG\\_OVERWRITE\\_VIOLATION'));
    expect(violationRow).toContain('IMMUTABLE\\_WITH\\_EXCLUSION \\[dev-\\*, sha256-\\*\\]');
    expect(violationRow).not.toMatch(/[^\\]\*/);
    // Every finding id is in the details, so a ticket can be matched to an alert.
    for (const finding of json.findings) expect(run.stdout).toContain(`\`${finding.id}\``);
  });
});

describe('replay colour', () => {
  const colourCases: [string, FakeTerminal, boolean][] = [
    ['a terminal', { isTTY: true, env: {} }, true],
    ['a terminal with TERM=xterm-256color', { isTTY: true, env: { TERM: 'xterm-256color' } }, true],
    ['a terminal with NO_COLOR=1', { isTTY: true, env: { NO_COLOR: '1' } }, false],
    [
      'a terminal with an empty NO_COLOR (no-color.org: unset)',
      { isTTY: true, env: { NO_COLOR: '' } },
      true,
    ],
    ['a terminal with TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, false],
    ['a pipe', { isTTY: false, env: {} }, false],
  ];

  it.each(colourCases)('table on %s: colour %s', async (_, terminal, coloured) => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const run = await replay(['--policy', policy, '--min-severity', 'INFO', input], terminal);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.includes(ESC)).toBe(coloured);
    expect(run.stderr.includes(ESC)).toBe(false);
    if (coloured) {
      // Each finding row is coloured by its severity and reset at its end.
      const rows = linesOf(run.stdout).slice(1);
      const high = rows.find((r) => r.includes('TAG_OVERWRITE_VIOLATION')) ?? '';
      const info = rows.find((r) => r.includes('TAG_OVERWRITE_ALLOWED')) ?? '';
      expect(high.startsWith(`${ESC}1;31m`)).toBe(true);
      expect(info.startsWith(`${ESC}2m`)).toBe(true);
      for (const row of rows) expect(row.endsWith(`${ESC}0m`)).toBe(true);
    }
  });

  it.each(['json', 'ndjson', 'markdown'])(
    '%s is never coloured, even on a terminal',
    async (format) => {
      const { policy, input } = prepare();
      const run = await replay(['--policy', policy, '--format', format, input], { isTTY: true });
      expect(run.stdout.length).toBeGreaterThan(0);
      expect(run.stdout).not.toContain(ESC);
    },
  );
});

describe('replay --min-severity and --fail-on', () => {
  it.each([
    [
      'INFO',
      [
        'CONFIG_DRIFT',
        'OVERWRITE_BLOCKED',
        'OVERWRITE_BLOCKED',
        'TAG_OVERWRITE_ALLOWED',
        'TAG_OVERWRITE_VIOLATION',
      ],
    ],
    ['LOW', ['CONFIG_DRIFT', 'OVERWRITE_BLOCKED', 'OVERWRITE_BLOCKED', 'TAG_OVERWRITE_VIOLATION']],
    ['MEDIUM', ['CONFIG_DRIFT', 'OVERWRITE_BLOCKED', 'TAG_OVERWRITE_VIOLATION']],
    ['HIGH', ['CONFIG_DRIFT', 'TAG_OVERWRITE_VIOLATION']],
  ] as const)(
    '--min-severity %s shows the findings at or above it',
    async (threshold, expected) => {
      // Prepare
      const { policy, input } = prepare();
      // Act
      const run = await replay([
        '--policy',
        policy,
        '--format',
        'json',
        '--min-severity',
        threshold,
        input,
      ]);
      // Assess
      const findings = parseFindings(run.stdout);
      expect(findings.map((f) => f.kind).sort()).toEqual(expected);
      const s = summary(run.stderr);
      expect(s.findings).toBe(5);
      expect(s.shown).toBe(expected.length);
      expect(s.threshold).toBe(threshold);
    },
  );

  it('the default --min-severity is LOW: INFO findings are hidden', async () => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--format', 'json', input]);
    const findings = parseFindings(run.stdout);
    expect(findings.some((f) => f.severity === 'INFO')).toBe(false);
    expect(findings).toHaveLength(4);
  });

  it.each([
    ['HIGH', 1],
    ['MEDIUM', 1],
    ['INFO', 1],
  ] as const)('--fail-on %s with a HIGH finding exits %i', async (failOn, code) => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--fail-on', failOn, input]);
    expect(run.code).toBe(code);
    // The findings are still printed.
    expect(run.stdout).toContain('TAG_OVERWRITE_VIOLATION');
  });

  it('--fail-on exits 0 when every finding is below it', async () => {
    // Prepare: only an allowed overwrite (INFO) and a refused one (LOW)
    const { policy, input } = prepare([
      push('web', 'dev-1', 1, 0),
      push('web', 'dev-1', 2, 1),
      blockedPush({ repository: 'payments', tag: 'v1', digest: digest(4), minutes: 2 }),
    ]);
    // Act
    const high = await replay(['--policy', policy, '--fail-on', 'MEDIUM', input]);
    const low = await replay(['--policy', policy, '--fail-on', 'LOW', input]);
    // Assess
    expect(high.code).toBe(0);
    expect(low.code).toBe(1);
  });

  it('without --fail-on, findings alone never fail the run', async () => {
    const { policy, input } = prepare();
    expect((await replay(['--policy', policy, input])).code).toBe(0);
  });
});

describe('replay: malformed and unreadable input (exit 3, the rest processed)', () => {
  it('reports each malformed line as file:line: reason and processes the others', async () => {
    // Prepare: line 2 is not JSON, line 4 is a push without its repository
    const dir = tempDir();
    const policy = specPolicy(dir);
    const broken = push('web', 'v9', 9, 3);
    delete (broken.detail as Json)['repository-name'];
    const input = write(
      dir,
      'events.ndjson',
      [
        JSON.stringify(push('web', 'v1', 1, 0)),
        '{"detail-type": "ECR Image Action", oops',
        JSON.stringify(push('web', 'v2', 1, 1)),
        JSON.stringify(broken),
        JSON.stringify(push('web', 'v1', 2, 5)),
        '',
      ].join('\n'),
    );
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(3);
    const problems = linesOf(run.stderr).filter((l) => !l.startsWith('ecr-tag-auditor: read '));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(input)}:2: not JSON`)),
      expect.stringMatching(
        new RegExp(`^${reEscape(input)}:4: .*detail\\.repository-name is missing$`),
      ),
    ]);
    expect(kinds(run.findings)).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
    expect(summary(run.stderr)).toMatchObject({ read: 5, applied: 3, malformed: 2, findings: 1 });
  });

  it('a missing input file is reported on line 0 and the other inputs are processed', async () => {
    // Prepare
    const { dir, policy, input } = prepare();
    const missing = join(dir, 'no-such-file.json');
    // Act
    const run = await replayJson(policy, [missing, input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toMatch(
      new RegExp(`^${reEscape(missing)}:0: cannot read: ENOENT`),
    );
    expect(run.findings).toHaveLength(5);
  });

  it('a malformed element of a CloudTrail log file names its index, and the others are used', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const bad = cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 });
    bad.eventTime = 'yesterday';
    const log = write(
      dir,
      'log.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
        bad,
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(3), minutes: 6 }),
      ]),
    );
    // Act
    const run = await replayJson(policy, [log]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`^${reEscape(log)}:1: Records\\[1\\]: .*eventTime`, 'm'));
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(3) }]);
  });

  it('a malformed element of a pretty-printed JSON array is reported on the line it begins', async () => {
    // Prepare: three pretty-printed events; the second has a digest ECR would never report
    const dir = tempDir();
    const policy = specPolicy(dir);
    const bad = push('web', 'v1', 3, 3);
    (bad.detail as Json)['image-digest'] = 'nope';
    const text = JSON.stringify([push('web', 'v1', 1, 0), bad, push('web', 'v1', 2, 5)], null, 2);
    const input = write(dir, 'events.json', text);
    // 1-based line of the element's `{`: two lines above its "id" (after "version").
    const badLine = text.split('\n').findIndex((l) => l.includes('"id": "ia-PUSH-web-v1-3"')) - 1;
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toBe(
      `${input}:${badLine}: [1]: ECR Image Action PUSH: detail.image-digest is not a valid image digest: "nope"`,
    );
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
  });

  it('a byte-order mark and CRLF line ends are read as plain NDJSON', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const lines = [push('web', 'v1', 1, 0), push('web', 'v1', 2, 5)].map((e) => JSON.stringify(e));
    const input = write(dir, 'e.ndjson', `\ufeff${lines.join('\r\n')}\r\n`);
    const run = await replayJson(policy, [input]);
    expect(run.code).toBe(0);
    expect(run.findings).toHaveLength(1);
  });

  it('exit 3 wins over exit 1 (a malformed line and a finding at --fail-on)', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const input = write(dir, 'e.ndjson', `${ndjson(storyEvents())}not json\n`);
    const run = await replay(['--policy', policy, '--fail-on', 'INFO', input]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('TAG_OVERWRITE_VIOLATION');
  });

  it('exit 2 wins over exit 3 (a broken policy and malformed input): nothing is processed', async () => {
    // Prepare
    const dir = tempDir();
    const policy = write(
      dir,
      'policy.yml',
      'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["a*b*c*"]\n',
    );
    const input = write(dir, 'e.ndjson', `${ndjson(storyEvents())}not json\n`);
    // Act
    const run = await replay(['--policy', policy, '--fail-on', 'INFO', input]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr)).toEqual([
      `${policy}:4:40: filter "a*b*c*" has 3 wildcards; ECR allows at most 2`,
    ]);
  });

  it('a missing policy file is exit 2 with one line, before any input is read', async () => {
    const { dir, input } = prepare();
    const run = await replay(['--policy', join(dir, 'nope.yml'), input, join(dir, 'missing')]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('nope.yml');
    expect(run.stderr).not.toContain('missing');
  });
});

describe('replay inputs', () => {
  it('- reads NDJSON from stdin, and names it - in problems', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const stdin = `${ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 1)])}{broken\n`;
    // Act
    const run = await replay(['--policy', policy, '--format', 'json', '-'], { stdin });
    // Assess
    expect(run.code).toBe(3);
    expect(kinds(parseFindings(run.stdout))).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
    expect(run.stderr).toMatch(/^-:3: not JSON/m);
  });

  it('- and files mix, in any order', async () => {
    const { dir, policy } = prepare([]);
    const file = write(dir, 'first.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    const stdin = ndjson([push('web', 'v1', 2, 1)]);
    const run = await replayJson(policy, ['-', file], []);
    expect(run.code).toBe(0);
    expect(run.findings).toEqual([]);
    const withStdin = await runCli(['replay', '--policy', policy, '--format', 'json', '-', file], {
      stdin,
    });
    expect(kinds(parseFindings(withStdin.stdout))).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
  });

  it('a gzipped CloudTrail log file is recognised by its content, whatever its name', async () => {
    // Prepare: gzip behind a .json name, and plain text behind a .gz name
    const dir = tempDir();
    const policy = specPolicy(dir);
    const gz = write(
      dir,
      'cloudtrail-log.json',
      gzipSync(
        cloudTrailLog([
          cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
          { ...sample('cloudtrail-record-put-image'), eventSource: 's3.amazonaws.com' },
        ]),
      ),
    );
    const plain = write(
      dir,
      'not-really.json.gz',
      ndjson([cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 3 })]),
    );
    // Act
    const run = await replayJson(policy, [gz, plain]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', previousDigest: digest(1), digest: digest(2) },
    ]);
    expect(summary(run.stderr)).toMatchObject({ read: 3, applied: 2, skipped: 1, malformed: 0 });
  });

  it('gzipped NDJSON on stdin', async () => {
    const { policy } = prepare([]);
    const stdin = gzipSync(ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 1)]));
    const run = await runCli(['replay', '--policy', policy, '--format', 'json', '-'], { stdin });
    expect(run.code).toBe(0);
    expect(parseFindings(run.stdout)).toHaveLength(1);
  });

  it('a corrupt gzip stream is exit 3 naming the file, and the other inputs are processed', async () => {
    const { dir, policy, input } = prepare();
    const corrupt = write(dir, 'corrupt.gz', gzipSync(ndjson(storyEvents())).subarray(0, 40));
    const run = await replayJson(policy, [corrupt, input]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${corrupt}:`);
    expect(run.findings).toHaveLength(5);
  });

  it('a directory is every file in it, recursively', async () => {
    // Prepare: the first push in a nested file, the overwrite in another, one pretty-printed
    const dir = tempDir();
    const policy = specPolicy(dir);
    const events = join(dir, 'events');
    mkdirSync(join(events, 'b', 'c'), { recursive: true });
    write(events, 'a.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    write(
      join(events, 'b', 'c'),
      'ct.json',
      JSON.stringify(
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 }),
        null,
        2,
      ),
    );
    write(join(events, 'b'), 'array.json', JSON.stringify([remove('web', 'dev-1', 7, 2)]));
    // Act
    const run = await replayJson(policy, [events]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        previousDigest: digest(1),
        digest: digest(2),
        actor: 'arn:aws:sts::123456789012:user/Mary_Major',
      },
    ]);
    expect(summary(run.stderr)).toMatchObject({ read: 3, applied: 3 });
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n  \n\r\n'],
    ['an empty JSON array', '[]'],
    ['an empty CloudTrail log', '{"Records": []}'],
  ])('%s is zero events, exit 0', async (_, content) => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const run = await replay(['--policy', policy, write(dir, 'in', content)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No findings.\n');
    expect(summary(run.stderr)).toMatchObject({
      read: 0,
      applied: 0,
      skipped: 0,
      malformed: 0,
      findings: 0,
    });
  });

  it('an empty stdin is zero events, exit 0', async () => {
    const { policy } = prepare([]);
    const run = await replay(['--policy', policy, '-'], { stdin: '' });
    expect(run.code).toBe(0);
    expect(summary(run.stderr).read).toBe(0);
  });
});

describe('replay summary line', () => {
  it('counts items read, events applied, skipped, malformed and findings', async () => {
    // Prepare: a CloudTrail log with an S3 record and a read-only ECR call (skipped), a
    // BatchDeleteImage of two tags (one item, two events), a refused overwrite; and an NDJSON
    // file with a failed push (skipped), a broken line, and a push.
    const dir = tempDir();
    const policy = specPolicy(dir);
    const batch = ecrRecord(
      'BatchDeleteImage',
      { repository: 'web', minutes: 2 },
      { repositoryName: 'web', imageIds: [{ imageTag: 'a' }, { imageTag: 'b' }] },
      {
        imageIds: [
          { imageTag: 'a', imageDigest: digest(1) },
          { imageTag: 'b', imageDigest: digest(1) },
        ],
        failures: [],
      },
    );
    const log = write(
      dir,
      'log.json',
      cloudTrailLog([
        {
          ...sample('cloudtrail-record-put-image'),
          eventSource: 's3.amazonaws.com',
          eventName: 'GetObject',
        },
        ecrRecord(
          'DescribeImages',
          { repository: 'web', minutes: 1 },
          { repositoryName: 'web' },
          null,
        ),
        batch,
        blockedPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 3 }),
      ]),
    );
    const failed = push('web', 'x', 1, 4);
    (failed.detail as Json).result = 'FAILURE';
    const events = write(
      dir,
      'e.ndjson',
      `${JSON.stringify(failed)}\nnope\n${JSON.stringify(push('web', 'v2', 1, 5))}\n`,
    );
    // Act
    const run = await replay(['--policy', policy, log, events]);
    // Assess
    expect(run.code).toBe(3);
    const lines = linesOf(run.stderr);
    expect(lines.at(-1)).toMatch(/^ecr-tag-auditor: read /);
    expect(summary(run.stderr)).toEqual({
      read: 7,
      applied: 4,
      skipped: 3,
      malformed: 1,
      findings: 1,
      shown: 1,
      threshold: 'LOW',
    });
  });

  it('goes to stderr, never to stdout', async () => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--format', 'json', input]);
    expect(run.stdout).not.toContain('input item');
    expect(run.stderr).toContain('input item');
  });
});

describe('replay --repositories (a describe-repositories snapshot)', () => {
  it('judges each repository once before any event (detectedBy snapshot), then follows events', async () => {
    // Prepare: legacy has no settings (MUTABLE: loosened), web and payments are as expected (web
    // with its filters in another order), sandbox/alice is tightened, and cache/ is ignored
    const dir = tempDir();
    const policy = specPolicy(dir);
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({
        repositories: [
          describedRepository('legacy', {}),
          describedRepository('web', ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'sha256-*', 'dev-*')),
          describedRepository('payments', ecrConfig('IMMUTABLE')),
          describedRepository('sandbox/alice', ecrConfig('IMMUTABLE')),
          describedRepository('cache/hub/nginx', ecrConfig('MUTABLE')),
        ],
      }),
    );
    const input = write(
      dir,
      'e.ndjson',
      ndjson([
        putMutability(
          { repository: 'legacy', minutes: 10 },
          ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
        ),
      ]),
    );
    // Act
    const run = await replayJson(policy, [input], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings.map((f) => [f.kind, f.repository, f.direction, f.detectedBy])).toEqual([
      ['CONFIG_DRIFT', 'legacy', 'LOOSENED', 'snapshot'],
      ['CONFIG_DRIFT', 'sandbox/alice', 'TIGHTENED', 'snapshot'],
      ['CONFIG_DRIFT_RESOLVED', 'legacy', 'EQUAL', 'event'],
    ]);
    const [legacy, sandbox] = run.findings;
    expect(legacy).toMatchObject({
      severity: 'HIGH',
      account: ACCOUNT,
      region: REGION,
      eventId: null,
      eventTime: null,
      actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
    });
    expect(legacy?.witnesses).toHaveLength(5);
    expect(sandbox?.severity).toBe('LOW');
  });

  it('reports a bad entry with its index and still uses the other entries (exit 3)', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const noArn = describedRepository('orphan', {});
    delete noArn.repositoryArn;
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({
        repositories: [
          describedRepository('legacy', ecrConfig('MUTABLE')),
          noArn,
          'not an object',
          describedRepository('odd', { imageTagMutability: 'SOMETIMES' }),
          describedRepository('payments', ecrConfig('MUTABLE_WITH_EXCLUSION', 'latest')),
        ],
      }),
    );
    const input = write(dir, 'e.ndjson', '');
    // Act
    const run = await replayJson(policy, [input], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(3);
    const problems = linesOf(run.stderr).slice(0, -1);
    expect(problems).toEqual([
      `${snapshot}: repositories[1]: repositoryArn is missing or not an ECR repository ARN`,
      `${snapshot}: repositories[2]: not an object`,
      expect.stringMatching(
        new RegExp(
          `^${reEscape(snapshot)}: repositories\\[3\\]: imageTagMutability must be one of .*SOMETIMES`,
        ),
      ),
    ]);
    expect(run.findings.map((f) => [f.repository, f.detectedBy])).toEqual([
      ['legacy', 'snapshot'],
      ['payments', 'snapshot'],
    ]);
    expect(run.findings[1]).toMatchObject({
      direction: 'LOOSENED',
      witnesses: ['0', '1', '2', '3', '4'],
    });
    expect(summary(run.stderr).malformed).toBe(3);
  });

  it('rejects an entry whose repository name ECR would not accept', async () => {
    // Prepare: a hand-edited snapshot; the name would reach tables and Markdown unchecked
    const dir = tempDir();
    const policy = specPolicy(dir);
    const weird = describedRepository('x', ecrConfig('MUTABLE'));
    weird.repositoryArn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/a|b*\u001b[31mc`;
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({ repositories: [weird, describedRepository('legacy', {})] }),
    );
    // Act
    const run = await replayJson(policy, [write(dir, 'e', '')], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${snapshot}: repositories[0]:`);
    expect(run.findings.map((f) => f.repository)).toEqual(['legacy']);
  });

  it('a snapshot that is not JSON, or not describe-repositories output, is exit 3 and events still run', async () => {
    const { dir, policy, input } = prepare();
    for (const content of ['{"repositories": [', '{"repos": []}', '[]']) {
      const snapshot = write(dir, 'repositories.json', content);
      const run = await replayJson(policy, [input], ['--repositories', snapshot]);
      expect(run.code, content).toBe(3);
      expect(linesOf(run.stderr)[0]).toMatch(new RegExp(`^${reEscape(snapshot)}: `));
      expect(run.findings).toHaveLength(5);
    }
  });

  it('a missing snapshot file is exit 3 and events still run', async () => {
    const { dir, policy, input } = prepare();
    const run = await replayJson(policy, [input], ['--repositories', join(dir, 'none.json')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('none.json: cannot read');
    expect(run.findings).toHaveLength(5);
  });

  it('the example snapshot of examples/ is read whole', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const snapshot = new URL('../../examples/repositories.json', import.meta.url).pathname;
    const run = await replayJson(policy, [write(dir, 'e', '')], ['--repositories', snapshot]);
    expect(run.code).toBe(0);
    // hoge0724immutabletag has no rule in the example policy: its single exclusion is a drift.
    expect(run.findings.map((f) => f.repository)).toEqual(['hoge0724immutabletag', 'legacy']);
  });
});

describe('replay --state', () => {
  it('a second run sees the overwrite of a tag pushed in the first', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const first = write(dir, 'first.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    const second = write(dir, 'second.ndjson', ndjson([push('web', 'v1', 2, 60)]));
    // Act
    const run1 = await replayJson(policy, [first], ['--state', state]);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    const run2 = await replayJson(policy, [second], ['--state', state]);
    const withoutState = await replayJson(policy, [second]);
    // Assess
    expect(run1.code).toBe(0);
    expect(run1.findings).toEqual([]);
    expect(saved).toMatchObject({
      version: 1,
      repositories: [
        {
          account: ACCOUNT,
          region: REGION,
          repository: 'web',
          tags: { v1: { digest: digest(1), deleted: false } },
        },
      ],
      templates: [],
    });
    expect(run2.code).toBe(0);
    expect(run2.findings).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1', previousDigest: digest(1), digest: digest(2) },
    ]);
    expect(withoutState.findings).toEqual([]);
  });

  it('keeps tombstones and drift across runs', async () => {
    // Prepare: run 1 deletes v1 and loosens payments; run 2 re-pushes v1 and fixes payments
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const first = write(
      dir,
      '1.ndjson',
      ndjson([
        push('web', 'v1', 1, 0),
        remove('web', 'v1', 1, 1),
        putMutability({ repository: 'payments', minutes: 2 }, ecrConfig('MUTABLE')),
      ]),
    );
    const second = write(
      dir,
      '2.ndjson',
      ndjson([
        push('web', 'v1', 2, 3),
        putMutability({ repository: 'payments', minutes: 4 }, ecrConfig('IMMUTABLE')),
      ]),
    );
    // Act
    const run1 = await replayJson(policy, [first], ['--state', state]);
    const run2 = await replayJson(policy, [second], ['--state', state]);
    // Assess
    expect(run1.findings.map((f) => f.kind)).toEqual(['CONFIG_DRIFT']);
    expect(run2.findings.map((f) => [f.kind, f.viaDelete])).toEqual([
      ['TAG_OVERWRITE_VIOLATION', true],
      ['CONFIG_DRIFT_RESOLVED', null],
    ]);
  });

  it('replaying the same input twice with a state finds nothing new the second time', async () => {
    const { dir, policy, input } = prepare();
    const state = join(dir, 'state.json');
    const run1 = await replayJson(policy, [input], ['--state', state]);
    const run2 = await replayJson(policy, [input], ['--state', state]);
    expect(run1.findings.length).toBe(5);
    // Redelivered events report their findings again with the same ids, or nothing.
    const firstIds = new Set(run1.findings.map((f) => f.id));
    for (const f of run2.findings) expect(firstIds.has(f.id)).toBe(true);
  });

  it('writes the state atomically: a new file replaces the old, no temporary is left', async () => {
    // Prepare: an existing state file
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    await replayJson(
      policy,
      [write(dir, '1.ndjson', ndjson([push('web', 'v1', 1, 0)]))],
      ['--state', state],
    );
    const before = statSync(state).ino;
    // Act
    const run = await replayJson(
      policy,
      [write(dir, '2.ndjson', ndjson([push('web', 'v2', 1, 1)]))],
      ['--state', state],
    );
    // Assess: renamed over (a new inode), valid JSON, and nothing else beside it
    expect(run.code).toBe(0);
    expect(statSync(state).ino).not.toBe(before);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(Object.keys(saved.repositories[0].tags).sort()).toEqual(['v1', 'v2']);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('state'))
        .sort(),
    ).toEqual(['state.json']);
  });

  it.each([
    ['not JSON', '{\n  "version": 1,\n  oops\n}\n', /not JSON/],
    ['JSON of another shape', '{"version": 2, "repositories": [], "templates": []}', /version/],
    [
      'a tag record missing its digest',
      JSON.stringify({
        version: 1,
        repositories: [
          {
            account: ACCOUNT,
            region: REGION,
            repository: 'web',
            config: null,
            configTime: null,
            drift: null,
            eventId: null,
            finding: null,
            tags: { v1: { deleted: false } },
          },
        ],
        templates: [],
      }),
      /repositories\.0\.tags\.v1\.digest/,
    ],
  ])(
    'a corrupt state file (%s) is exit 2 with one line naming it, and is left alone',
    async (_, content, reason) => {
      // Prepare
      const { dir, policy, input } = prepare();
      const state = write(dir, 'state.json', content);
      const snapshot = write(dir, 'repositories.json', '{"repositories": [');
      // Act: a missing input and a broken snapshot too, which alone would be exit 3
      const run = await replay([
        '--policy',
        policy,
        '--state',
        state,
        '--repositories',
        snapshot,
        input,
        join(dir, 'missing'),
      ]);
      // Assess
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = linesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(state);
      expect(lines[0]).toMatch(reason);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(readFileSync(state, 'utf8')).toBe(content);
    },
  );

  it('a state file that cannot be written is exit 2 with one line', async () => {
    const { dir, policy, input } = prepare();
    const state = join(dir, 'no-such-dir', 'state.json');
    const run = await replay(['--policy', policy, '--state', state, input]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr).filter((l) => l.includes(state))).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('replay order and identity', () => {
  it('applies events in event-time order, whatever the input order', async () => {
    // Prepare: push d1, delete, push d2 — listed backwards. In time order the second push
    // follows a delete (viaDelete); in input order the delete would be older than the tag.
    const inOrder = [push('web', 'v1', 1, 0), remove('web', 'v1', 1, 5), push('web', 'v1', 2, 10)];
    const { dir, policy } = prepare([]);
    const forwards = write(dir, 'f.ndjson', ndjson(inOrder));
    const backwards = write(dir, 'b.ndjson', ndjson(inOrder.toReversed()));
    // Act
    const a = await replayJson(policy, [forwards]);
    const b = await replayJson(policy, [backwards]);
    // Assess
    expect(a.findings).toMatchObject([
      { previousDigest: digest(1), digest: digest(2), viaDelete: true, eventTime: canonical(10) },
    ]);
    expect(b.findings).toEqual(a.findings);
  });

  it('orders across files and sources by time, not by file', async () => {
    const { dir, policy } = prepare([]);
    const later = write(dir, 'a.ndjson', ndjson([push('web', 'v1', 2, 10)]));
    const earlier = write(
      dir,
      'b.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
      ]),
    );
    const run = await replayJson(policy, [later, earlier]);
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
  });

  it('input order breaks ties between events of the same time', async () => {
    const { dir, policy } = prepare([]);
    const one = write(dir, '1.ndjson', ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 0)]));
    const two = write(dir, '2.ndjson', ndjson([push('web', 'v1', 2, 0), push('web', 'v1', 1, 0)]));
    const a = await replayJson(policy, [one]);
    const b = await replayJson(policy, [two]);
    expect(a.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
    expect(b.findings).toMatchObject([{ previousDigest: digest(2), digest: digest(1) }]);
  });

  it('times in other forms (fractions, offsets) order by the instant they name', async () => {
    // 00:10+01:00 is 23:10 the day before: the push of d2 comes first.
    const { dir, policy } = prepare([]);
    const early = push('web', 'v1', 2, 0);
    early.time = '2025-07-24T00:10:00+01:00';
    const late = push('web', 'v1', 1, 0);
    late.time = '2025-07-23T23:30:00.5Z';
    const run = await replayJson(policy, [write(dir, 'e.ndjson', ndjson([late, early]))]);
    expect(run.findings).toMatchObject([{ previousDigest: digest(2), digest: digest(1) }]);
  });

  it('the same push through ECR Image Action and CloudTrail PutImage is one finding at most', async () => {
    // Prepare: the first push and the overwrite each seen three times — Image Action, a raw
    // CloudTrail record, and the record forwarded by EventBridge
    const { dir, policy } = prepare([]);
    const seen = (d: number, minutes: number) => {
      const at = { repository: 'web', tag: 'v1', digest: digest(d), minutes };
      return [imageAction('PUSH', at), cloudTrailPush(at), viaEventBridge(cloudTrailPush(at))];
    };
    const input = write(dir, 'e.ndjson', ndjson([...seen(1, 0), ...seen(2, 5)]));
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.findings).toHaveLength(1);
    expect(run.findings[0]).toMatchObject({ previousDigest: digest(1), digest: digest(2) });
    expect(summary(run.stderr)).toMatchObject({ read: 6, applied: 6, findings: 1 });
  });

  it('a duplicate delivery of the same event is one finding', async () => {
    const overwrite = push('web', 'v1', 2, 5);
    const { policy, input } = prepare([push('web', 'v1', 1, 0), overwrite, overwrite, overwrite]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toHaveLength(1);
  });

  it('finding ids are stable across runs, formats and sources', async () => {
    // Prepare: the story through ECR Image Action, and its pushes through CloudTrail
    const { dir, policy, input } = prepare();
    const viaCloudTrail = write(
      dir,
      'ct.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 }),
      ]),
    );
    // Act
    const a = await replayJson(policy, [input]);
    const b = await replayJson(policy, [input]);
    const nd = await replay([
      '--policy',
      policy,
      '--format',
      'ndjson',
      '--min-severity',
      'INFO',
      input,
    ]);
    const md = await replay([
      '--policy',
      policy,
      '--format',
      'markdown',
      '--min-severity',
      'INFO',
      input,
    ]);
    const ct = await replayJson(policy, [viaCloudTrail]);
    // Assess
    const ids = a.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(b.findings.map((f) => f.id)).toEqual(ids);
    expect(linesOf(nd.stdout).map((l) => JSON.parse(l).id)).toEqual(ids);
    for (const id of ids) expect(md.stdout).toContain(id);
    const violation = a.findings.find((f) => f.kind === 'TAG_OVERWRITE_VIOLATION');
    expect(ct.findings.map((f) => f.id)).toEqual([violation?.id]);
  });
});

describe('replay: what is and is not a finding', () => {
  it('a delete and re-push of other content is a violation with viaDelete, via CloudTrail too', async () => {
    const { policy, input } = prepare([
      cloudTrailPush({ repository: 'prod/api', tag: 'v1', digest: digest(1), minutes: 0 }),
      cloudTrailDelete({ repository: 'prod/api', tag: 'v1', digest: digest(1), minutes: 1 }),
      cloudTrailPush({ repository: 'prod/api', tag: 'v1', digest: digest(2), minutes: 2 }),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        repository: 'prod/api',
        viaDelete: true,
        severity: 'HIGH',
      },
    ]);
    expect(run.findings[0]?.message).toContain('deleted and pushed again');
  });

  it('a delete and re-push of the same content is no finding', async () => {
    const { policy, input } = prepare([
      push('web', 'v1', 1, 0),
      remove('web', 'v1', 1, 1),
      push('web', 'v1', 1, 2),
    ]);
    expect((await replayJson(policy, [input])).findings).toEqual([]);
  });

  it('an ignored repository is never audited', async () => {
    const { policy, input } = prepare([
      push('cache/hub/nginx', 'latest', 1, 0),
      push('cache/hub/nginx', 'latest', 2, 1),
      blockedPush({ repository: 'cache/hub/nginx', tag: 'v1', digest: digest(3), minutes: 2 }),
      putMutability({ repository: 'cache/hub/nginx', minutes: 3 }, ecrConfig('MUTABLE')),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toEqual([]);
    expect(summary(run.stderr).applied).toBe(4);
  });

  it('an identical re-push refused as ImageAlreadyExistsException is no finding', async () => {
    const identical = {
      ...blockedPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 1 }),
      errorCode: 'ImageAlreadyExistsException',
    };
    const { policy, input } = prepare([identical]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toEqual([]);
    expect(summary(run.stderr).skipped).toBe(1);
  });

  it('CreateRepository without mutability (the AWS sample) is MUTABLE: drift from the default', async () => {
    const { policy, input } = prepare([createRepository({ repository: 'testrepo', minutes: 0 })]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      {
        kind: 'CONFIG_DRIFT',
        repository: 'testrepo',
        direction: 'LOOSENED',
        actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
        actor: 'arn:aws:sts::123456789012:user/Mary_Major',
        detectedBy: 'event',
      },
    ]);
  });

  it('configurations are compared by meaning, not by text', async () => {
    // Prepare: docs/semantics.md's examples of equal configurations, and two that differ
    const { policy, input } = prepare([
      push('batch', 'dev-1', 1, 0),
      createRepository({ repository: 'prod/api', minutes: 0 }, ecrConfig('IMMUTABLE')),
      createRepository(
        { repository: 'prod/web', minutes: 1 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', '*'),
      ),
      createRepository(
        { repository: 'web', minutes: 2 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'sha256-*', 'dev-*', 'dev-a*'),
      ),
      createRepository(
        { repository: 'api', minutes: 3 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', 'v*', 'latest'),
      ),
      createRepository(
        { repository: 'worker', minutes: 4 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*', 'latest'),
      ),
      createRepository(
        { repository: 'batch', minutes: 5 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', 'dev-1', 'v*'),
      ),
    ]);
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.findings.map((f) => [f.repository, f.direction, f.severity])).toEqual([
      ['api', 'LOOSENED', 'HIGH'],
      ['worker', 'LOOSENED', 'HIGH'],
      ['batch', 'CHANGED', 'HIGH'],
    ]);
    // `latest` is the one tag worker exposes; batch's known tag dev-1 comes first, then the
    // shortest differing tags.
    expect(run.findings[1]?.witnesses).toEqual(['latest']);
    expect(run.findings[2]?.witnesses).toEqual(['dev-1', '0', '1', '2', '3']);
  });

  it('a tightened repository is LOW drift', async () => {
    const { policy, input } = prepare([
      putMutability(
        { repository: 'sandbox/bob', minutes: 0 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*'),
      ),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      { kind: 'CONFIG_DRIFT', direction: 'TIGHTENED', severity: 'LOW' },
    ]);
    expect(run.findings[0]?.message).toMatch(/now immutable: /);
  });

  it('the AWS samples themselves replay cleanly', async () => {
    // Prepare: every sample, as given, in one directory
    const dir = tempDir();
    const policy = specPolicy(dir);
    const events = join(dir, 'samples');
    mkdirSync(events);
    for (const name of [
      'ecr-image-action-push',
      'ecr-image-action-delete',
      'cloudtrail-record-put-image',
      'cloudtrail-record-create-repository',
      'eventbridge-cloudtrail-put-image',
    ] as const) {
      writeFileSync(join(events, `${name}.json`), JSON.stringify(sample(name), null, 2));
    }
    // Act
    const run = await replayJson(policy, [events]);
    // Assess: only testrepo's creation without settings drifts
    expect(run.code).toBe(0);
    expect(run.findings.map((f) => [f.kind, f.repository])).toEqual([['CONFIG_DRIFT', 'testrepo']]);
    expect(summary(run.stderr)).toMatchObject({ read: 5, applied: 5, skipped: 0, malformed: 0 });
  });
});
