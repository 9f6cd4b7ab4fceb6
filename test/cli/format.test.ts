/**
 * The output formats (lib/render/format.ts) on findings holding hostile text, directly and
 * through `replay`: text from events must never break a row, a Markdown table or list, nor
 * reach a terminal as control sequences.
 */
import { describe, expect, it } from 'vitest';
import { type Finding, makeFinding } from '../../lib/core/model/findings.ts';
import { escapeMarkdown, printable, renderFindings } from '../../lib/render/format.ts';
import { digest } from '../support/digest.ts';
import {
  ecrConfig,
  FINDING_FIELDS,
  linesOf,
  ndjson,
  parseFindings,
  putMutability,
  runCli,
  specPolicy,
  tempDir,
  write,
} from './support.ts';

/** A finding whose free-text fields hold Markdown- and terminal-active characters. */
function hostile(overrides: Partial<Finding> = {}): Finding {
  return makeFinding({
    id: 'tag-overwrite-violation-0123456789abcdef0123',
    kind: 'TAG_OVERWRITE_VIOLATION',
    severity: 'HIGH',
    account: '123456789012',
    region: 'us-east-2',
    repository: 'team|a/*web*',
    tag: 'v1_`rc`',
    previousDigest: digest(1),
    digest: digest(2),
    viaDelete: false,
    expected: {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
    },
    actor: 'arn:aws:iam::123456789012:user/eve\n# Injected heading `x`',
    eventId: 'evt-1',
    eventTime: '2025-07-24T00:05:00.000Z',
    detectedBy: 'event',
    message: 'Moved *bold* _it_ `code` <b>html</b> [link](http://x) | pipe # \u001b[31mred\nnext',
    ...overrides,
  });
}

/** Cells of a Markdown table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

describe('markdown', () => {
  it('escapes every Markdown-active character of user-controlled cells', () => {
    // Act
    const text = renderFindings([hostile()], 'markdown');
    // Assess
    const row = text.split('\n').find((l) => l.startsWith('| HIGH'));
    expect(row).toBeDefined();
    const [severity, kind, repository, tag, message] = cells(row ?? '');
    expect(cells(row ?? '')).toHaveLength(5);
    expect(severity).toBe('HIGH');
    expect(kind).toBe('TAG\\_OVERWRITE\\_VIOLATION');
    expect(repository).toBe('team\\|a/\\*web\\*');
    expect(tag).toBe('v1\\_\\`rc\\`');
    expect(message).toBe(
      'Moved \\*bold\\* \\_it\\_ \\`code\\` \\<b\\>html\\</b\\> \\[link\\]\\(http://x\\) \\| pipe \\# \\\\u001b\\[31mred next',
    );
  });

  it('keeps each detail on its own line, with no backtick or line break of the value', () => {
    const text = renderFindings([hostile()], 'markdown');
    const lines = text.split('\n');
    // No line of the report starts a heading except the report's own.
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([
      '# ecr-tag-auditor report',
      '## Details',
      expect.stringMatching(
        /^### HIGH TAG\\_OVERWRITE\\_VIOLATION — team\\\|a\/\\\*web\\\*:v1\\_\\`rc\\`$/,
      ),
    ]);
    const actor = lines.find((l) => l.startsWith('- **Actor:**'));
    expect(actor).toBe(
      "- **Actor:** `arn:aws:iam::123456789012:user/eve\\u000a# Injected heading 'x'`",
    );
    // Every detail line is one complete inline code span.
    for (const line of lines.filter((l) => l.startsWith('- **'))) {
      expect(line).toMatch(/^- \*\*[^*]+:\*\* `[^`]*`$/);
    }
  });

  it('counts findings by severity, highest first, and lists all ids', () => {
    const findings = [
      hostile(),
      hostile({ id: 'b', severity: 'LOW', kind: 'OVERWRITE_BLOCKED' }),
      hostile({ id: 'c', severity: 'LOW', kind: 'OVERWRITE_BLOCKED' }),
    ];
    const text = renderFindings(findings, 'markdown');
    expect(text).toContain('3 findings: 1 HIGH, 0 MEDIUM, 2 LOW, 0 INFO.');
    expect(
      text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity')),
    ).toHaveLength(3);
    expect(text).toContain('- **Finding id:** `c`');
  });

  it('with no findings, says so without an empty table', () => {
    const text = renderFindings([], 'markdown');
    expect(text).toContain('0 findings');
    expect(text).not.toContain('|');
  });

  it('escapeMarkdown leaves plain text alone', () => {
    expect(escapeMarkdown('web v1.2.3 sha256:abc-def')).toBe('web v1.2.3 sha256:abc-def');
  });
});

describe('table', () => {
  it('shows control characters as escapes: one line per finding, no terminal sequences', () => {
    // Act
    const text = renderFindings(
      [hostile(), hostile({ id: 'x', repository: 'web', tag: null })],
      'table',
    );
    // Assess
    const lines = linesOf(text);
    expect(lines).toHaveLength(3);
    expect(text).not.toContain('\u001b');
    expect(lines[1]).toContain('\\u001b[31mred\\u000anext');
    expect(lines[2]).toMatch(/^HIGH\s+TAG_OVERWRITE_VIOLATION\s+web\s+-\s+Moved/);
  });

  it('colours whole rows only when asked, and escapes hostile ESC even then', () => {
    const text = renderFindings([hostile()], 'table', true);
    const [header, row] = linesOf(text);
    expect(header).not.toContain('\u001b');
    expect(row?.startsWith('\u001b[1;31m')).toBe(true);
    expect(row?.endsWith('\u001b[0m')).toBe(true);
    // Only the colour's own two sequences.
    expect(row?.split('\u001b').length).toBe(3);
  });

  it('printable escapes C0, DEL, C1, line separators and bidi overrides, nothing else', () => {
    expect(printable('a\tb\u007fc\u0085d\u2028e\u202ef\u2066g')).toBe(
      'a\\u0009b\\u007fc\\u0085d\\u2028e\\u202ef\\u2066g',
    );
    expect(printable('tag v1 — sha256:0123 ’ é')).toBe('tag v1 — sha256:0123 ’ é');
  });
});

describe('json and ndjson', () => {
  it('carry hostile text unchanged (JSON escapes it) and every field', () => {
    const finding = hostile();
    const json = JSON.parse(renderFindings([finding], 'json'));
    expect(json).toEqual([finding]);
    expect(Object.keys(json[0])).toEqual([...FINDING_FIELDS]);
    const nd = renderFindings([finding, finding], 'ndjson');
    expect(nd.split('\n')).toHaveLength(3);
    expect(JSON.parse(nd.split('\n')[1] ?? '')).toEqual(finding);
  });
});

describe('replay of an event holding hostile text', () => {
  it('a filter value with ESC, a pipe and a line break from CloudTrail cannot break the output', async () => {
    // Prepare: a PutImageTagMutability record whose filter and actor hold control characters
    const dir = tempDir();
    const policy = specPolicy(dir);
    const record = putMutability(
      { repository: 'web', minutes: 0 },
      ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'a\u001b[2J|\nb`*'),
    );
    (record.userIdentity as Record<string, unknown>).arn = 'arn:aws:iam::1:user/x\n# pwned';
    const input = write(dir, 'e.ndjson', ndjson([record]));
    // Act
    const table = await runCli(['replay', '--policy', policy, input], { isTTY: false });
    const markdown = await runCli(['replay', '--policy', policy, '--format', 'markdown', input]);
    const json = await runCli(['replay', '--policy', policy, '--format', 'json', input]);
    // Assess: whether or not such a record is accepted, no output is broken by it
    for (const run of [table, markdown]) {
      expect(run.stdout).not.toContain('\u001b');
      expect(run.stdout.split('\n').filter((l) => l.startsWith('# '))).toHaveLength(
        run === markdown ? 1 : 0,
      );
    }
    const findings = parseFindings(json.stdout);
    expect(linesOf(table.stdout)).toHaveLength(findings.length === 0 ? 1 : 1 + findings.length);
  });
});
