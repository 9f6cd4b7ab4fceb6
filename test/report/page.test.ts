/**
 * The HTML report page (lib/render/report/page.ts) without a browser: self-contained and locked
 * by its Content-Security-Policy, the numbers and rows it shows, the data block, and — for any
 * hostile text in any field — the same markup as for plain words. test/browser/ opens it in
 * Chromium.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../../lib/core/engine/auditor.ts';
import { createMemoryLedger } from '../../lib/core/engine/memory-ledger.ts';
import { findingsOf } from '../../lib/core/model/delivery.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { renderFindings } from '../../lib/render/format.ts';
import { renderHtmlReport } from '../../lib/render/report/page.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { digest } from '../support/digest.ts';
import { at, del, push } from '../support/events.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import {
  dataBlock,
  markup,
  neutralised,
  reportHostileFinding,
  strayAmpersands,
  strayAngles,
} from './support.ts';

/** The text of the first element of `html` that `pattern` (one group) finds. */
function first(html: string, pattern: RegExp): string {
  const match = pattern.exec(html);
  if (!match) throw new Error(`not found: ${pattern}`);
  return match[1] as string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** The data-index of every finding article, in page order. */
const articleOrder = (html: string) =>
  [...html.matchAll(/<article class="finding[^"]*" id="finding-\d+" data-index="(\d+)"/g)].map(
    (m) => Number(m[1]),
  );

describe('renderHtmlReport: a self-contained page', () => {
  const html = renderHtmlReport({ findings: [sampleFinding('CONFIG_DRIFT'), sampleFinding()] });

  it('allows exactly its own style and script, by their SHA-256, and nothing else', () => {
    // Prepare
    const csp = first(html, /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    const style = first(html, /<style>([^<]*)<\/style>/);
    const script = first(html, /<script>([^<]*)<\/script>/);

    // Act
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );

    // Assess
    expect(directives).toEqual({
      'default-src': ["'none'"],
      'style-src': [`'sha256-${sha256(style)}'`],
      'script-src': [`'sha256-${sha256(script)}'`],
      'img-src': ['data:'],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
    // The policy comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('loads nothing: no src, no link but a data: icon, no url() or @import in its style', () => {
    // Act
    const sources = [...html.matchAll(/\s(src|href|srcset|action|formaction|poster)="([^"]*)"/g)];

    // Assess
    expect(sources.map((m) => `${m[1]}=${m[2]}`)).toEqual(['href=data:,']);
    expect(first(html, /<style>([^<]*)<\/style>/)).not.toMatch(/url\(|@import/);
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="application/json" id="report-data">',
      '<script>',
    ]);
  });

  it('keeps the findings, as given, in its data block', () => {
    // Prepare
    const findings = [sampleFinding('OVERWRITE_BLOCKED'), sampleFinding('TEMPLATE_DRIFT')];

    // Act / Assess
    expect(dataBlock(renderHtmlReport({ findings }))).toEqual(findings);
  });

  it('is what renderFindings gives for the html format', () => {
    // Prepare
    const findings = [sampleFinding('OVERWRITE_BLOCKED')];

    // Act
    const page = renderFindings(findings, 'html', false, { minSeverity: 'LOW' });

    // Assess
    expect(page).toBe(renderHtmlReport({ findings, minSeverity: 'LOW' }));
  });
});

describe('renderHtmlReport: what it shows', () => {
  it('shows the findings highest severity first, in the order given within a severity', () => {
    // Prepare
    const findings = [
      sampleFinding('TAG_OVERWRITE_ALLOWED', { id: 'a', severity: 'INFO' }),
      sampleFinding('CONFIG_DRIFT', { id: 'b', severity: 'HIGH' }),
      sampleFinding('OVERWRITE_BLOCKED', { id: 'c', severity: 'LOW' }),
      sampleFinding('TAG_OVERWRITE_VIOLATION', { id: 'd', severity: 'HIGH' }),
      sampleFinding('OVERWRITE_BLOCKED', { id: 'e', severity: 'MEDIUM' }),
    ];

    // Act
    const html = renderHtmlReport({ findings });

    // Assess
    expect(articleOrder(html)).toEqual([1, 3, 4, 2, 0]);
  });

  it('shows the counts per severity and per kind, and the header facts, escaped', () => {
    // Prepare
    const findings = [
      sampleFinding('CONFIG_DRIFT', { id: '1', account: '111111111111' }),
      sampleFinding('CONFIG_DRIFT', { id: '2', severity: 'LOW', region: 'us-east-1' }),
      sampleFinding('OVERWRITE_BLOCKED', { id: '3', severity: 'MEDIUM' }),
    ];

    // Act
    const html = renderHtmlReport({
      findings,
      minSeverity: 'LOW',
      generatedAt: '2026-01-02T03:04:05.000Z',
    });

    // Assess
    const count = (key: string) => first(html, new RegExp(`data-count="${key}">(\\d+)<`));
    expect([count('severity:HIGH'), count('severity:MEDIUM'), count('severity:LOW')]).toEqual([
      '1',
      '1',
      '1',
    ]);
    expect(count('severity:INFO')).toBe('0');
    expect(count('kind:CONFIG_DRIFT')).toBe('2');
    expect(count('kind:OVERWRITE_BLOCKED')).toBe('1');
    expect(count('kind:TEMPLATE_DRIFT')).toBe('0');
    expect(first(html, /<p class="meta">(.*?)<\/p>/)).toBe(
      '3 findings at LOW or above · 2 accounts · 2 regions · 3 repositories and templates · generated 2026-01-02 03:04:05 UTC',
    );
    expect(first(html, /<title>(.*?)<\/title>/)).toBe('ecr-tag-auditor report: 3 findings');
  });

  it('has a row per account-region and per repository, with their counts', () => {
    // Prepare
    const findings = [
      sampleFinding('CONFIG_DRIFT', { id: '1', repository: 'api' }),
      sampleFinding('OVERWRITE_BLOCKED', { id: '2', repository: 'api', severity: 'LOW' }),
      sampleFinding('TEMPLATE_DRIFT', { id: '3', account: '999999999999' }),
    ];

    // Act
    const html = renderHtmlReport({ findings });

    // Assess
    const rows = (table: string) =>
      (
        first(html, new RegExp(`<table class="breakdown ${table}">.*?<tbody>(.*?)</tbody>`)).match(
          /<tr>.*?<\/tr>/g,
        ) ?? []
      ).map((row) =>
        row
          .replace(/<[^>]+>/g, ' ')
          .trim()
          .split(/\s+/),
      );
    expect(rows('places')).toEqual([
      ['123456789012', 'eu-west-1', '1', '0', '1', '0', '2'],
      ['999999999999', 'eu-west-1', '1', '0', '0', '0', '1'],
    ]);
    expect(rows('subjects')).toEqual([
      ['api', '123456789012', 'eu-west-1', '1', '0', '1', '0', '2'],
      ['template', 'payments', '999999999999', 'eu-west-1', '1', '0', '0', '0', '1'],
    ]);
  });

  it('says so when there are no findings', () => {
    // Act
    const html = renderHtmlReport({ findings: [] });

    // Assess
    expect(html).toContain('<p class="none">No findings.</p>');
    expect(articleOrder(html)).toEqual([]);
    expect(first(html, /<p class="meta">(.*?)<\/p>/)).toBe(
      '0 findings · 0 accounts · 0 regions · 0 repositories and templates',
    );
  });

  it('shows a refused overwrite with the refused content and what the policy expects', () => {
    // Prepare
    const finding = sampleFinding('OVERWRITE_BLOCKED', { digest: digest(9), actor: 'arn:x' });

    // Act
    const html = renderHtmlReport({ findings: [finding] });

    // Assess
    expect(html).toContain(`Refused content <code title="${digest(9)}">sha256:000000000000</code>`);
    expect(html).toContain(
      'The policy expects <code>IMMUTABLE_WITH_EXCLUSION [dev-*, sha256-*]</code>',
    );
    expect(html).toContain('<dt>Actor</dt><dd><code>arn:x</code></dd>');
    expect(html).not.toContain('class="history"');
  });

  it('shows a refused overwrite whose record names no digest without one', () => {
    // Act
    const html = renderHtmlReport({
      findings: [sampleFinding('OVERWRITE_BLOCKED', { digest: null })],
    });

    // Assess
    expect(html).not.toContain('Refused content');
    expect(html).toContain('The policy expects');
  });

  it('shows a time that is not canonical as it is, escaped', () => {
    // Act
    const html = renderHtmlReport({ findings: [], generatedAt: 'today <b>' });

    // Assess
    expect(first(html, /<p class="meta">(.*?)<\/p>/)).toMatch(/ · generated today &lt;b&gt;$/);
  });
});

describe('renderHtmlReport: an overwritten tag’s history', () => {
  /** A tag pushed, deleted and pushed again with other content, through the real auditor. */
  async function deletedAndPushedAgain() {
    const ledger = createMemoryLedger();
    const auditor = createAuditor(parsePolicy(DEV_MUTABLE_POLICY, 'policy.yml'), ledger);
    const findings: Finding[] = [];
    for (const event of [push('web', 'v1', 1, 0), del('web', 'v1', 1, 3), push('web', 'v1', 2, 5)])
      findings.push(...findingsOf(await auditor.apply(event)));
    return { findings, state: ledger.state };
  }

  const entries = (html: string) =>
    (first(html, /<ol class="timeline">(.*?)<\/ol>/).match(/<li class="entry [^"]*"/g) ?? []).map(
      (li) => li.slice(17, -1),
    );

  it('takes the history from the ledger when it has one, the delete included', async () => {
    // Prepare
    const { findings, state } = await deletedAndPushedAgain();

    // Act
    const html = renderHtmlReport({ findings, state });

    // Assess
    expect(findings).toHaveLength(1);
    expect(entries(html)).toEqual(['push from', 'delete', 'push to']);
    expect(html).toContain('as the ledger recorded it');
    expect(html).toContain(`datetime="${at(3)}"`);
  });

  it('builds it from the findings without the ledger (the delete’s time not known)', async () => {
    // Prepare
    const { findings } = await deletedAndPushedAgain();

    // Act
    const html = renderHtmlReport({ findings });

    // Assess
    expect(entries(html)).toEqual(['push from', 'delete', 'push to']);
    expect(html).toContain('no ledger history');
    expect(html).not.toContain(`datetime="${at(3)}"`);
  });
});

describe('renderHtmlReport: hostile text', () => {
  it('adds no element, attribute, comment or entity for any text in any field', () => {
    fc.assert(
      fc.property(fc.array(reportHostileFinding, { minLength: 1, maxLength: 6 }), (findings) => {
        // Act
        const hostile = renderHtmlReport({ findings });
        const plain = renderHtmlReport({ findings: neutralised(findings) });

        // Assess
        expect(strayAngles(hostile)).toBe(0);
        expect(strayAmpersands(hostile)).toBe(0);
        expect(markup(hostile)).toEqual(markup(plain));
        expect(dataBlock(hostile)).toEqual(JSON.parse(JSON.stringify(findings)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderHtmlReport: size', () => {
  it('renders 10,000 findings, 2,500 of them overwrites of one tag, in linear time', () => {
    // Prepare: every fourth finding moves dev from digest n to n + 1 (n = 0 … 2,499): one tag
    // with a 2,500-move history.
    const findings = Array.from({ length: 10_000 }, (_, i) =>
      i % 4 === 0
        ? sampleFinding('TAG_OVERWRITE_ALLOWED', {
            id: `m${i}`,
            repository: 'web',
            tag: 'dev',
            previousDigest: digest(i / 4),
            digest: digest(i / 4 + 1),
            eventTime: at(i / 4),
          })
        : sampleFinding('CONFIG_DRIFT', { id: `d${i}`, repository: `repo-${i % 997}` }),
    );

    // Act
    const started = performance.now();
    const html = renderHtmlReport({ findings });
    const elapsed = performance.now() - started;

    // Assess: move n shows entries up to n + 3 (two after its own), twelve at most: 4, 5, … 11,
    // then 12 for the other 2,492. A page where each showed the whole history would be quadratic.
    expect(articleOrder(html)).toHaveLength(10_000);
    expect(html.match(/<li class="entry /g)).toHaveLength(
      4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 * 2_492,
    );
    expect(elapsed).toBeLessThan(15_000);
  });
});
