/**
 * `replay --format html` on the bundled example (`npm start`'s replay of examples/): the page
 * holds exactly the findings `--format json` prints, and the tag deleted and pushed again shows
 * its history from the replay's ledger. test/report/ tests the page itself, test/browser/ in
 * Chromium.
 */
import { describe, expect, it } from 'vitest';
import { npmStartArgs, parseFindings, runCli } from './support.ts';

describe('replay --format html', () => {
  it('prints one page holding the findings --format json prints, with the ledger’s histories', async () => {
    // Act
    const html = await runCli(npmStartArgs('--format', 'html'));
    const json = await runCli(npmStartArgs('--format', 'json'));

    // Assess
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>\n/);
    expect(html.stdout).toMatch(/<\/html>\n$/);
    const data = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(
      html.stdout,
    )?.[1];
    expect(JSON.parse(data ?? 'null')).toEqual(parseFindings(json.stdout));
    expect(html.stdout).toMatch(/<p class="meta">7 findings at INFO or above · 1 account · /);
    // web:v2.0.0 was pushed, deleted and pushed again with other content.
    const web =
      /History of tag <code>v2\.0\.0<\/code>, oldest first, as the ledger recorded it<\/figcaption><ol class="timeline">(.*?)<\/ol>/.exec(
        html.stdout,
      )?.[1];
    expect(web?.match(/<li class="entry [^"]*"/g)).toEqual([
      '<li class="entry push from"',
      '<li class="entry delete"',
      '<li class="entry push to"',
    ]);
    // The summary line still goes to stderr, never into the page.
    expect(html.stderr).toMatch(/^ecr-tag-auditor: read 13 input item\(s\)/);
    expect(html.stdout).not.toContain('ecr-tag-auditor: read');
  });
});
