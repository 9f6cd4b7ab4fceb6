/**
 * `ecr-tag-auditor replay`: the output formats (json, ndjson, table, markdown) and when the table is coloured (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT } from '../../support/account.ts';
import { digest } from '../../support/digest.ts';
import { eventUuid } from '../../support/uuid.ts';
import {
  canonical,
  createTemplate,
  ecrConfig,
  type FakeTerminal,
  FINDING_FIELDS,
  linesOf,
  REGION,
} from '../support.ts';
import { ESC, prepare, push, replay, replayJson } from './support.ts';

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
      eventId: eventUuid('ct-PutImageTagMutability-payments-9'),
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
