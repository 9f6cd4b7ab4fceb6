/**
 * The HTML report in a real browser (headless Chromium, puppeteer-core): it asks for nothing but
 * itself, breaks no rule of its Content-Security-Policy, logs no error; the numbers it shows are
 * those this test counts from the findings it made; the filters hide and show the right findings;
 * hostile text is text. It also writes screenshots of the bundled example (`npm start`'s) at two
 * laptop sizes, and prints where.
 *
 * Run with `npm run test:browser` (not part of `npm test`: it needs Chromium).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, FindingKind, Severity } from '../../lib/core/model/findings.ts';
import { printable } from '../../lib/render/printable.ts';
import { renderHtmlReport } from '../../lib/render/report/page.ts';
import { sampleFinding } from '../alerts/findings.ts';
import { npmStartArgs, runCli } from '../cli/support.ts';
import { reportHostileFinding } from '../report/support.ts';
import { digest } from '../support/digest.ts';
import { at } from '../support/events.ts';
import { evaluate, launchChromium, type OpenedPage, openPage } from './chromium.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens `html`, runs `check` on it, and asserts the page stayed clean while it did. */
async function inPage(
  html: string,
  check: (opened: OpenedPage) => Promise<void>,
  options: { width?: number; height?: number } = {},
): Promise<void> {
  const opened = await openPage(browser, html, options);
  try {
    await check(opened);
    expect(opened.requests).toEqual([opened.url]);
    expect(opened.errors).toEqual([]);
    expect(await opened.violations()).toEqual([]);
  } finally {
    await opened.close();
  }
}

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['eu-west-1', 'us-east-1'];

/**
 * 60 findings over three accounts, two regions and seven repositories (and a template), every
 * kind, with the severities each kind can have.
 */
function madeFindings(): Finding[] {
  const plan: [FindingKind, Severity][] = [
    ['TAG_OVERWRITE_VIOLATION', 'HIGH'],
    ['TAG_OVERWRITE_ALLOWED', 'INFO'],
    ['OVERWRITE_BLOCKED', 'LOW'],
    ['CONFIG_DRIFT', 'HIGH'],
    ['CONFIG_DRIFT', 'LOW'],
    ['CONFIG_DRIFT_RESOLVED', 'INFO'],
    ['OVERWRITE_BLOCKED', 'MEDIUM'],
    ['TEMPLATE_DRIFT', 'HIGH'],
  ];
  return Array.from({ length: 60 }, (_, i) => {
    const [kind, severity] = plan[i % plan.length] as [FindingKind, Severity];
    return sampleFinding(kind, {
      id: `finding-${i}`,
      severity,
      account: ACCOUNTS[i % 3] as string,
      region: REGIONS[Math.floor(i / 3) % 2] as string,
      ...(kind === 'TEMPLATE_DRIFT' ? {} : { repository: `team-${i % 7}/svc` }),
      ...(kind.startsWith('TAG_OVERWRITE')
        ? { previousDigest: digest(i), digest: digest(i + 1), eventTime: at(i) }
        : {}),
    });
  });
}

/** How many of `findings` pass `keep`. */
const count = (findings: readonly Finding[], keep: (f: Finding) => boolean) =>
  findings.filter(keep).length;

/** The indexes (in the data block) of the findings the page shows, sorted. */
const visibleIndexes = (page: Page) =>
  evaluate<number[]>(
    page,
    `Array.from(document.querySelectorAll('article.finding')).filter((a) => !a.hidden && a.offsetParent !== null).map((a) => Number(a.dataset.index)).sort((a, b) => a - b)`,
  );

/** The indexes of `findings` that pass `keep`, sorted. */
const indexesOf = (findings: readonly Finding[], keep: (f: Finding) => boolean) =>
  findings.flatMap((f, i) => (keep(f) ? [i] : []));

describe('the report in Chromium', () => {
  it('shows the numbers this test counts from its findings', async () => {
    // Prepare
    const findings = madeFindings();

    // Act / Assess
    await inPage(renderHtmlReport({ findings }), async ({ page }) => {
      const shown = (key: string) =>
        evaluate<string>(page, `document.querySelector('[data-count="${key}"]').textContent`);
      for (const severity of ['HIGH', 'MEDIUM', 'LOW', 'INFO'] as const)
        expect(await shown(`severity:${severity}`), severity).toBe(
          String(count(findings, (f) => f.severity === severity)),
        );
      for (const kind of ['CONFIG_DRIFT', 'OVERWRITE_BLOCKED', 'TEMPLATE_DRIFT'] as const)
        expect(await shown(`kind:${kind}`), kind).toBe(
          String(count(findings, (f) => f.kind === kind)),
        );
      // One row per account-region: account, region, HIGH, MEDIUM, LOW, INFO, total.
      const rows = await evaluate<string[][]>(
        page,
        `Array.from(document.querySelectorAll('table.places tbody tr')).map((tr) => Array.from(tr.cells).map((td) => td.textContent))`,
      );
      const expected = ACCOUNTS.flatMap((account) =>
        REGIONS.map((region) => {
          const here = findings.filter((f) => f.account === account && f.region === region);
          const of = (s: Severity) => String(count(here, (f) => f.severity === s));
          return [
            account,
            region,
            of('HIGH'),
            of('MEDIUM'),
            of('LOW'),
            of('INFO'),
            String(here.length),
          ];
        }),
      );
      expect([...rows].sort()).toEqual([...expected].sort());
      const repositories = await evaluate<number>(
        page,
        `document.querySelectorAll('table.subjects tbody tr').length`,
      );
      expect(repositories).toBe(
        new Set(
          findings.map(
            (f) => `${f.account}/${f.region}/${f.repository ?? `t:${f.templatePrefix}`}`,
          ),
        ).size,
      );
      expect(await visibleIndexes(page)).toEqual(indexesOf(findings, () => true));
    });
  });

  it('hides and shows the findings the severity, kind and search filters select', async () => {
    // Prepare
    const findings = madeFindings();
    const status = "document.getElementById('shown').textContent";

    await inPage(renderHtmlReport({ findings }), async ({ page }) => {
      // Act 1: untick HIGH
      await page.click('input[data-filter="severity"][value="HIGH"]');
      // Assess 1
      expect(await visibleIndexes(page)).toEqual(indexesOf(findings, (f) => f.severity !== 'HIGH'));

      // Act 2: untick CONFIG_DRIFT too
      await page.click('input[data-filter="kind"][value="CONFIG_DRIFT"]');
      // Assess 2
      const both = (f: Finding) => f.severity !== 'HIGH' && f.kind !== 'CONFIG_DRIFT';
      expect(await visibleIndexes(page)).toEqual(indexesOf(findings, both));
      expect(await evaluate(page, status)).toBe(
        `Showing ${count(findings, both)} of ${findings.length} findings`,
      );

      // Act 3: search a repository
      await page.type('#search', 'TEAM-3/');
      // Assess 3: case does not matter
      const searched = (f: Finding) => both(f) && f.repository === 'team-3/svc';
      expect(await visibleIndexes(page)).toEqual(indexesOf(findings, searched));

      // Act 4: untick every kind left
      for (const kind of [
        'TAG_OVERWRITE_VIOLATION',
        'TAG_OVERWRITE_ALLOWED',
        'OVERWRITE_BLOCKED',
        'CONFIG_DRIFT_RESOLVED',
        'TEMPLATE_DRIFT',
      ])
        await page.click(`input[data-filter="kind"][value="${kind}"]`);
      // Assess 4
      expect(await visibleIndexes(page)).toEqual([]);
      expect(await evaluate(page, "document.getElementById('no-match').hidden")).toBe(false);

      // Act 5: show all
      await page.click('#reset');
      // Assess 5
      expect(await visibleIndexes(page)).toEqual(indexesOf(findings, () => true));
      expect(await evaluate(page, status)).toBe(`Showing 60 of 60 findings`);
      expect(await evaluate(page, "document.getElementById('no-match').hidden")).toBe(true);
    });
  });

  it('shows hostile text as text: no element, handler or script comes from it', async () => {
    // Prepare
    const attacks = [
      '<img src=x onerror="document.title=1">',
      '</script><script>document.title=2</script>',
      '"><svg onload=document.title=3>',
      "' onmouseover='document.title=4",
      '<!-- <style>*{display:none}</style>',
      '&lt;b&gt; &amp; &#60;',
      '<a href="https://example.com/x">link</a>',
    ];
    const findings = attacks.map((text, i) =>
      sampleFinding(i % 2 === 0 ? 'TAG_OVERWRITE_VIOLATION' : 'CONFIG_DRIFT', {
        id: `hostile-${i}`,
        repository: text,
        tag: i % 2 === 0 ? text : null,
        actor: text,
        message: text,
        witnesses: i % 2 === 0 ? [] : [text],
        expected: {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: text }],
        },
      }),
    );

    // Act / Assess
    await inPage(renderHtmlReport({ findings }), async ({ page }) => {
      const texts = await evaluate<
        { repo: string; tag: string | null; message: string; actor: string; filter: string }[]
      >(
        page,
        `Array.from(document.querySelectorAll('article.finding')).sort((a, b) => a.dataset.index - b.dataset.index).map((a) => ({
          repo: a.querySelector('code.repo').textContent,
          tag: a.querySelector('code.tag')?.textContent ?? null,
          message: a.querySelector('p.message').textContent,
          actor: Array.from(a.querySelectorAll('.facts div')).find((d) => d.querySelector('dt').textContent === 'Actor').querySelector('dd').textContent,
          filter: a.querySelector('.chip code, .expects code').textContent,
        }))`,
      );
      expect(texts.map((t) => t.repo)).toEqual(attacks);
      expect(texts.map((t) => t.message)).toEqual(attacks);
      expect(texts.map((t) => t.actor)).toEqual(attacks);
      expect(texts.filter((_, i) => i % 2 === 0).map((t) => t.tag)).toEqual(
        attacks.filter((_, i) => i % 2 === 0),
      );
      // A drift shows the filter alone; an overwrite inside "MODE [filters]".
      expect(texts.map((t, i) => (i % 2 === 1 ? t.filter : t.filter.slice(26, -1)))).toEqual(
        attacks,
      );
      expect(await evaluate(page, 'document.title')).toBe('ecr-tag-auditor report: 7 findings');
      expect(
        await evaluate(
          page,
          `[document.querySelectorAll('img, a, iframe, object, embed, style').length, document.querySelectorAll('script').length, Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length]`,
        ),
      ).toEqual([0 + 1, 2, 0]);
    });
  });

  it('shows any hostile string of any field as the same text (property, 25 pages)', async () => {
    // Lone surrogates cannot be written as UTF-8: the page has U+FFFD in their place.
    const wellFormed = (s: string) =>
      s.replace(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
        '\ufffd',
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(reportHostileFinding, { minLength: 1, maxLength: 4 }),
        async (findings) => {
          await inPage(renderHtmlReport({ findings }), async ({ page }) => {
            // Act
            const shown = await evaluate<{ subject: string; message: string; data: unknown }>(
              page,
              `({
              subject: Array.from(document.querySelectorAll('article.finding')).sort((a, b) => a.dataset.index - b.dataset.index).map((a) => a.querySelector('code.repo').textContent + '|' + (a.querySelector('code.tag')?.textContent ?? '')).join('\\n'),
              message: Array.from(document.querySelectorAll('article.finding')).sort((a, b) => a.dataset.index - b.dataset.index).map((a) => a.querySelector('p.message').textContent).join('\\n'),
              data: JSON.parse(document.getElementById('report-data').textContent),
            })`,
            );
            // Assess
            expect(shown.subject).toBe(
              findings
                .map(
                  (f) =>
                    `${wellFormed(printable(f.repository ?? f.templatePrefix ?? ''))}|${wellFormed(printable(f.tag ?? ''))}`,
                )
                .join('\n'),
            );
            expect(shown.message).toBe(
              findings.map((f) => wellFormed(printable(f.message))).join('\n'),
            );
            expect(shown.data).toEqual(JSON.parse(wellFormed(JSON.stringify(findings))));
            expect(
              await evaluate(page, `document.querySelectorAll('script, img, iframe').length`),
            ).toBe(2);
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reads with JavaScript off: every finding shown, the filters hidden, a note why', async () => {
    // Prepare
    const findings = madeFindings();
    const opened = await openPage(browser, renderHtmlReport({ findings }), { javaScript: false });
    try {
      // Act
      const state = await evaluate<[number, boolean, string]>(
        opened.page,
        `[Array.from(document.querySelectorAll('article.finding')).filter((a) => a.offsetParent !== null).length,
          document.getElementById('filters').offsetParent === null,
          document.querySelector('noscript') ? 'noscript present' : 'none']`,
      );
      // Assess
      expect(state).toEqual([60, true, 'noscript present']);
      expect(opened.requests).toEqual([opened.url]);
    } finally {
      await opened.close();
    }
  });

  it('is seen to fail: the policy blocks an added image and script, and reports them', async () => {
    // Prepare: the report with an external image and a script the policy does not name
    const html = renderHtmlReport({ findings: madeFindings() }).replace(
      '</main>',
      '</main><img src="https://example.com/x.png"><script>document.title = "ran"</script>',
    );

    // Act
    const opened = await openPage(browser, html);
    try {
      // Assess: blocked before any request was made
      expect((await opened.violations()).sort()).toEqual([
        'img-src https://example.com/x.png',
        'script-src-elem inline',
      ]);
      expect(opened.errors.some((e) => e.includes('Content Security Policy'))).toBe(true);
      expect(await evaluate(opened.page, 'document.title')).not.toBe('ran');
      expect(opened.requests).toEqual([opened.url]);
    } finally {
      await opened.close();
    }
  });

  it('is seen to fail: without the policy, the request is caught (and refused)', async () => {
    // Prepare: the same image in a report whose policy was removed
    const html = renderHtmlReport({ findings: madeFindings() })
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</main>', '</main><img src="https://example.com/x.png">');

    // Act
    const opened = await openPage(browser, html);
    try {
      // Assess
      expect(opened.requests).toEqual([opened.url, 'https://example.com/x.png']);
      expect(await opened.violations()).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

describe('the bundled example, for people', () => {
  it('renders without a request or an error, and is written as screenshots at 1366×768 and 1440×900', async () => {
    // Prepare: what `npm start` replays, as a report page
    const run = await runCli(npmStartArgs('--format', 'html'));
    const dir = process.env.REPORT_SCREENSHOTS ?? join(tmpdir(), 'ecr-tag-auditor-screenshots');
    mkdirSync(dir, { recursive: true });

    // Act / Assess
    expect(run.code).toBe(0);
    for (const [width, height] of [
      [1366, 768],
      [1440, 900],
    ] as const) {
      await inPage(
        run.stdout,
        async ({ page }) => {
          const screen = join(dir, `report-${width}x${height}.png`);
          const full = join(dir, `report-${width}x${height}-full.png`);
          await page.screenshot({ path: screen });
          await page.screenshot({ path: full, fullPage: true });
          console.log(`screenshots: ${screen} ${full}`);
          // Nothing wider than the window: no sideways scrolling on a laptop.
          expect(await evaluate(page, 'document.documentElement.scrollWidth')).toBe(width);
        },
        { width, height },
      );
    }
  });
});
