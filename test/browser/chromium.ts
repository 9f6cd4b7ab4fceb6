/**
 * The browser of the report tests: Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`)
 * driven by puppeteer-core, with every request but the page's own refused and recorded, and every
 * console error, uncaught exception and Content-Security-Policy violation collected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts headless Chromium (without its sandbox when running as root, as CI does). */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** A report opened in a tab, and what the tab saw. */
export interface OpenedPage {
  readonly page: Page;
  /** The page's own file:// address. */
  readonly url: string;
  /** Every request the tab made, in order; all but the page's own were refused. */
  readonly requests: string[];
  /** Console errors and warnings, and uncaught exceptions. */
  readonly errors: string[];
  /** The Content-Security-Policy violations the page reported (`directive blocked-uri`). */
  violations(): Promise<string[]>;
  /** Closes the tab and removes the page's file. */
  close(): Promise<void>;
}

/** How to open a page. */
export interface OpenOptions {
  readonly width?: number;
  readonly height?: number;
  /** False: open it with JavaScript disabled. */
  readonly javaScript?: boolean;
}

// Installed before any of the page's own code runs, so that no violation is missed.
const LISTEN_FOR_VIOLATIONS = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline'));
});`;

/** Writes `html` to a file and opens it in a new tab of `browser`. */
export async function openPage(
  browser: Browser,
  html: string,
  options: OpenOptions = {},
): Promise<OpenedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-tag-auditor-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage();
  await page.setViewport({ width: options.width ?? 1366, height: options.height ?? 768 });
  const requests: string[] = [];
  const errors: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    requests.push(request.url());
    if (request.url() === url) void request.continue();
    else void request.abort('blockedbyclient');
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn')
      errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${String(error)}`));
  if (options.javaScript === false) await page.setJavaScriptEnabled(false);
  else await page.evaluateOnNewDocument(LISTEN_FOR_VIOLATIONS);
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    url,
    requests,
    errors,
    violations: () => page.evaluate('window.__violations') as Promise<string[]>,
    close: async () => {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Evaluates a JavaScript expression in the page (written as text: the project's TypeScript has
 * no DOM types) and returns its value.
 */
export function evaluate<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}
