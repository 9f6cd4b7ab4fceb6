/**
 * The dependency audit (scripts/audit.ts, the CI step `npm run audit`): how it judges what
 * `npm audit --omit=dev --audit-level=high --json` prints. It passes only on a complete report
 * with no high or critical advisory, fails naming each one, and fails — never passes — when
 * the registry's audit endpoint gives no answer. (The run itself needs that endpoint; it is a
 * CI step, not part of this suite.)
 */
import { describe, expect, it } from 'vitest';
import { judgeAudit } from '../../scripts/audit.ts';

/** A report as npm 11 prints it for `npm audit --json`. */
function report(
  counts: Partial<Record<'info' | 'low' | 'moderate' | 'high' | 'critical', number>>,
  vulnerabilities: Record<string, unknown> = {},
): string {
  const all = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts };
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: { ...all, total: Object.values(all).reduce((a, b) => a + b, 0) },
      dependencies: { prod: 97, dev: 0, optional: 3, peer: 0, peerOptional: 0, total: 97 },
    },
  });
}

describe('judgeAudit', () => {
  it('passes a clean report of the production dependencies', () => {
    expect(judgeAudit(report({}))).toEqual({
      code: 0,
      lines: ['audit: 0 critical, 0 high, 0 moderate, 0 low in 97 production dependencies'],
    });
  });

  it('passes moderate and low advisories, and says so', () => {
    const verdict = judgeAudit(
      report(
        { moderate: 1, low: 2 },
        { brace: { name: 'brace', severity: 'moderate', range: '<1.0.1', via: [] } },
      ),
    );
    expect(verdict.code).toBe(0);
    expect(verdict.lines[0]).toContain('1 moderate, 2 low');
  });

  it('fails on a high or critical advisory, naming each package and advisory', () => {
    const verdict = judgeAudit(
      report(
        { high: 1, critical: 1 },
        {
          yaml: {
            name: 'yaml',
            severity: 'high',
            range: '2.0.0 - 2.2.1',
            via: [{ title: 'Uncaught exception in yaml', severity: 'high' }],
          },
          'fast-xml-parser': {
            name: 'fast-xml-parser',
            severity: 'critical',
            range: '<4.4.1',
            via: [{ title: 'ReDoS in currency parsing', severity: 'critical' }],
          },
        },
      ),
    );
    expect(verdict.code).toBe(1);
    expect(verdict.lines).toEqual([
      'audit: critical fast-xml-parser <4.4.1 — ReDoS in currency parsing',
      'audit: high yaml 2.0.0 - 2.2.1 — Uncaught exception in yaml',
      'audit: 1 critical, 1 high, 0 moderate, 0 low in 97 production dependencies',
    ]);
  });

  it('fails when the counts say high even if no entry is listed', () => {
    expect(judgeAudit(report({ high: 1 })).code).toBe(1);
  });

  it('fails, never passes, when the registry gives no answer', () => {
    // What npm printed here: a registry mirror that refuses the audit endpoint.
    const refused = JSON.stringify({
      message:
        '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    });
    const offline = JSON.stringify({
      error: {
        code: 'ENOTFOUND',
        summary: 'request to https://registry.npmjs.org failed',
        detail: '',
      },
    });
    for (const [output, reason] of [
      [refused, '405 Method Not Allowed'],
      [offline, 'ENOTFOUND: request to https://registry.npmjs.org failed'],
      ['', 'no JSON report'],
      ['npm ERR! something else', 'no JSON report'],
      [JSON.stringify({ auditReportVersion: 1, advisories: {} }), 'no report'],
    ] as const) {
      const verdict = judgeAudit(output);
      expect(verdict.code, output).toBe(2);
      expect(verdict.lines.join('\n')).toContain(reason);
    }
  });
});
