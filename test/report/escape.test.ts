/**
 * The report's escaping (lib/render/report/escape.ts, json-block.ts): one function for text and
 * attributes, and JSON that cannot end its `<script>` element early.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../lib/render/report/escape.ts';
import { jsonForScript } from '../../lib/render/report/json-block.ts';
import { hostileText } from '../alerts/findings.ts';
import { decodeEntities } from './support.ts';

/**
 * `text` without the characters that must never reach a page as they are: C0 and C1 controls,
 * DEL, the line and paragraph separators, and the direction overrides and isolates.
 */
function withoutHidden(text: string): string {
  const hidden = (c: number) =>
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069);
  return [...text].filter((ch) => !hidden(ch.charCodeAt(0))).join('');
}

describe('escapeHtml', () => {
  it('writes the five characters that end text or an attribute as entities', () => {
    // Act
    const escaped = escapeHtml(`<img src=x onerror="alert('1')"> & co`);

    // Assess
    expect(escaped).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
  });

  it('shows control characters and direction overrides as visible escapes', () => {
    // Act
    const escaped = escapeHtml('a\nb\u202ec\u0000');

    // Assess
    expect(escaped).toBe('a\\u000ab\\u202ec\\u0000');
  });

  it('leaves no raw < > " \' and no & outside an entity, and reads back as the shown text', () => {
    fc.assert(
      fc.property(hostileText(20), (text) => {
        // Act
        const escaped = escapeHtml(text);

        // Assess
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
        expect(withoutHidden(escaped)).toBe(escaped);
        const shown = decodeEntities(escaped);
        // Every character of the input is still there, in order, unless it was made visible.
        const withoutEscapes = (t: string) => t.replace(/\\u[0-9a-f]{4}/g, '');
        expect(withoutEscapes(shown)).toBe(withoutEscapes(withoutHidden(text)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('jsonForScript', () => {
  it('writes < > & as escapes, so that </script> and <!-- stay inside the string', () => {
    // Act
    const json = jsonForScript({ tag: '</script><!-- & -->' });

    // Assess
    expect(json).toBe('{"tag":"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"}');
  });

  it('gives the value back to JSON.parse and holds no < > & or line separator, whatever the strings', () => {
    fc.assert(
      fc.property(fc.array(hostileText(10), { maxLength: 6 }), fc.jsonValue(), (texts, other) => {
        // Prepare
        const value = { texts, other };

        // Act
        const json = jsonForScript(value);

        // Assess
        expect(json).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});
