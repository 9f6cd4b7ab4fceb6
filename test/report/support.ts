/**
 * Helpers of the HTML report tests: findings holding hostile text in every field the report
 * shows, the markup of a page reduced to its elements and attribute names, and HTML entities
 * decoded — so that a test can tell text from markup without a browser.
 */
import fc from 'fast-check';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { hostileFinding, hostileText } from '../alerts/findings.ts';

/** Exclusion filters as a CloudTrail record may spell them: anything at all. */
const hostileConfig: fc.Arbitrary<MutabilityConfig> = fc.record({
  imageTagMutability: fc.constantFrom(
    'MUTABLE',
    'IMMUTABLE',
    'IMMUTABLE_WITH_EXCLUSION',
    'MUTABLE_WITH_EXCLUSION',
  ),
  imageTagMutabilityExclusionFilters: fc.array(
    hostileText(3).map((filter) => ({ filterType: 'WILDCARD' as const, filter })),
    { maxLength: 5 },
  ),
});

/**
 * Findings whose user-controlled fields — repository, template prefix, tag, digests, actor, event
 * id, message, witnesses, both configurations' filters, and the id — all hold hostile text.
 */
export const reportHostileFinding: fc.Arbitrary<Finding> = fc
  .tuple(hostileFinding, hostileConfig, fc.option(hostileConfig, { nil: null }), hostileText(4))
  .map(([f, expected, actual, id]) => ({ ...f, expected, actual, id }));

/** Every string a finding holds that the report may show, in a fixed order. */
function stringsOf(f: Finding): string[] {
  const filters = (c: MutabilityConfig | null) =>
    c ? c.imageTagMutabilityExclusionFilters.map((x) => x.filter) : [];
  return [
    f.id,
    f.repository,
    f.templatePrefix,
    f.tag,
    f.previousDigest,
    f.digest,
    f.actor,
    f.eventId,
    f.message,
    ...f.witnesses,
    ...filters(f.expected),
    ...filters(f.actual),
  ].filter((s): s is string => s !== null);
}

/**
 * `findings` with every user-controlled string replaced by a plain word, the same word for the
 * same string (and the empty string kept), so that grouping and equality are unchanged: a page
 * of these has the markup a page of the originals must have.
 */
export function neutralised(findings: readonly Finding[]): Finding[] {
  const words = new Map<string, string>([['', '']]);
  for (const f of findings) {
    for (const s of stringsOf(f)) if (!words.has(s)) words.set(s, `w${words.size}`);
  }
  const word = (s: string) => words.get(s) as string;
  const maybe = (s: string | null) => (s === null ? null : word(s));
  const config = (c: MutabilityConfig | null): MutabilityConfig | null =>
    c && {
      ...c,
      imageTagMutabilityExclusionFilters: c.imageTagMutabilityExclusionFilters.map((x) => ({
        ...x,
        filter: word(x.filter),
      })),
    };
  return findings.map((f) => ({
    ...f,
    id: word(f.id),
    repository: maybe(f.repository),
    templatePrefix: maybe(f.templatePrefix),
    tag: maybe(f.tag),
    previousDigest: maybe(f.previousDigest),
    digest: maybe(f.digest),
    actor: maybe(f.actor),
    eventId: maybe(f.eventId),
    message: word(f.message),
    witnesses: f.witnesses.map(word),
    expected: config(f.expected),
    actual: config(f.actual),
  }));
}

/**
 * The elements of `html` as `name attr1 attr2…` (closing tags as `/name`), sorted: what text
 * that escaped its escaping would add to. Attribute values are skipped, whatever they hold.
 */
export function markup(html: string): string[] {
  const tags =
    html.match(/<\/?[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:="[^"]*")?)*\s*\/?>|<!--|<!\[CDATA\[/g) ?? [];
  return tags
    .map((tag) => {
      const name = /^<\/?[^\s/>]*/.exec(tag)?.[0] ?? tag;
      const attributes = [...tag.matchAll(/\s([^\s=/>]+)(?:="[^"]*")?/g)].map((m) => m[1]);
      return [name, ...attributes].join(' ');
    })
    .sort();
}

/** Every `<` of `html` that does not start one of the elements {@link markup} finds. */
export function strayAngles(html: string): number {
  const tags =
    html.match(/<\/?[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:="[^"]*")?)*\s*\/?>|<!doctype html>/g) ?? [];
  return (html.match(/</g)?.length ?? 0) - tags.length;
}

/** The report's JSON data block, parsed. */
export function dataBlock(html: string): unknown {
  const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error('no data block');
  return JSON.parse(match[1] as string);
}

/** Every `&` of `html`, outside its style and scripts, that does not start an entity the report writes. */
export function strayAmpersands(html: string): number {
  const outside = html.replace(/<(style|script)\b[^>]*>[^<]*<\/\1>/g, '');
  return outside.match(/&(?!(?:amp|lt|gt|quot|#39);)/g)?.length ?? 0;
}

/** HTML text or an attribute value as the browser reads it (only the entities the report writes). */
export function decodeEntities(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );
}
