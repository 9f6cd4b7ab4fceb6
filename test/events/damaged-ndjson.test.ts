/**
 * NDJSON whose first lines are damaged is still NDJSON (docs/intake.md, "NDJSON or one
 * document"; reliability issue, item 5): each bad line is reported at its `file:line`, every other
 * line is read — whichever line is damaged. A document spanning lines stays one document.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocation, type IntakeItem, readInputs } from '../../lib/io/events/read.ts';
import { sample, sampleText } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

/** Reads `text` as stdin and returns every item. */
async function itemsOf(text: string): Promise<IntakeItem[]> {
  const items: IntakeItem[] = [];
  for await (const item of readInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) })) {
    items.push(item);
  }
  return items;
}

/** `line kind` per item: `3 push`, `1 malformed`. */
function outline(items: readonly IntakeItem[]): string[] {
  return items.map((item) => {
    const { result } = item;
    const what =
      result.kind === 'events' ? result.events.map((e) => e.type).join(',') : result.kind;
    return `${item.line} ${what}`;
  });
}

/** A push of tag `v<n>` as one NDJSON line. */
function pushLine(n: number): string {
  const event = sample('ecr-image-action-push');
  (event.detail as Json)['image-tag'] = `v${n}`;
  event.id = `push-${n}`;
  return JSON.stringify(event);
}

const threePushes = [pushLine(1), pushLine(2), pushLine(3)];

describe('NDJSON with a damaged first line', () => {
  it('two header lines before the events: each header reported, every event read', async () => {
    // Prepare
    const text = ['Exported ECR events', '===================', ...threePushes, ''].join('\n');
    // Act
    const items = await itemsOf(text);
    // Assess
    expect(outline(items)).toEqual(['1 malformed', '2 malformed', '3 push', '4 push', '5 push']);
    expect(formatLocation(items[0] as IntakeItem)).toBe('-:1');
  });

  it('a first line cut inside a string: that line reported, every other event read', async () => {
    // Prepare
    const cut = (threePushes[0] as string).slice(0, 40);
    const text = [cut, threePushes[1], threePushes[2], ''].join('\n');
    // Act
    const items = await itemsOf(text);
    // Assess
    expect(outline(items)).toEqual(['1 malformed', '2 push', '3 push']);
    expect(items[0]?.result).toMatchObject({ kind: 'malformed', reason: /^not JSON: / });
  });

  it('a first line cut after "source": — it could open a document — is reported alone', async () => {
    // Prepare: the cut line ends in `:`, as a pretty-printed document's line may
    const first = threePushes[0] as string;
    const cut = first.slice(0, first.indexOf('"source":') + '"source":'.length);
    const text = [cut, threePushes[1], threePushes[2], ''].join('\n');
    // Act
    const items = await itemsOf(text);
    // Assess
    expect(outline(items)).toEqual(['1 malformed', '2 push', '3 push']);
  });

  it('a damaged first line followed by one event only: the event is still read', async () => {
    const text = ['{"detail-type": "ECR Image Action", "source":', threePushes[0], ''].join('\n');
    expect(outline(await itemsOf(text))).toEqual(['1 malformed', '2 push']);
  });

  it('still reads a pretty-printed document as one, and a broken one is reported once', async () => {
    // Prepare: the AWS sample as printed, and the same with a comma missing
    const pretty = sampleText('ecr-image-action-push');
    const broken = pretty.replace('"region": "us-west-2",', '"region": "us-west-2"');
    // Act
    const whole = await itemsOf(pretty);
    const damaged = await itemsOf(broken);
    // Assess
    expect(outline(whole)).toEqual(['1 push']);
    expect(outline(damaged)).toEqual(['9 malformed']);
  });

  it('still reads a JSON array holding one minified event per line as one document', async () => {
    const text = `[\n${threePushes.join(',\n')}\n]\n`;
    expect(outline(await itemsOf(text))).toEqual(['2 push', '3 push', '4 push']);
  });
});

describe('NDJSON with any one line damaged (property)', () => {
  /** Ways to damage one line; each leaves a non-blank line that is not JSON. */
  const damage = fc.oneof(
    fc.record({
      kind: fc.constant('cut' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    fc.record({ kind: fc.constant('after-source' as const) }),
    fc.record({
      kind: fc.constant('replaced' as const),
      text: fc
        .string({ minLength: 1, maxLength: 30 })
        .filter((s) => !/[\n\r]/.test(s) && /\S/.test(s) && !parses(s)),
    }),
  );

  it('valid events with one line damaged: exactly that line reported, every other event read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.oneof(fc.constant(0), fc.nat(5)),
        damage,
        async (count, pick, how) => {
          // Prepare
          const lines = Array.from({ length: count }, (_, i) => pushLine(i));
          const k = pick % count;
          const line = lines[k] as string;
          lines[k] =
            how.kind === 'replaced'
              ? how.text
              : how.kind === 'after-source'
                ? line.slice(0, line.indexOf('"source":') + 9)
                : line.slice(0, 1 + Math.floor(how.at * (line.length - 2)));
          // Act
          const items = await itemsOf(`${lines.join('\n')}\n`);
          // Assess
          const reported = items.filter((item) => item.result.kind === 'malformed');
          expect(reported.map((item) => item.line)).toEqual([k + 1]);
          const read = items.filter((item) => item.result.kind === 'events');
          expect(read.map((item) => item.line)).toEqual(
            lines.map((_, i) => i + 1).filter((n) => n !== k + 1),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
