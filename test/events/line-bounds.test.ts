/**
 * The reader's bounds (docs/intake.md, "Bounds"; reliability issue, item 6): a line longer than
 * the bound is reported and skipped without being held, a line that does not end within four
 * times the bound ends its input, and a document spanning lines has the same bound. The bound is
 * lowered here through `maxLineBytes`; test/cli/replay/bounds.test.ts runs the real default.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type IntakeItem, readInputs } from '../../lib/io/events/read.ts';
import { sample, sampleText } from '../support/fixtures.ts';

const KIB = 1024;
const dir = mkdtempSync(join(tmpdir(), 'ecr-line-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pushLine = JSON.stringify(sample('ecr-image-action-push'));

/** Every item of `inputs`, `-` reading `stdin`, with a line bound of 1 KiB. */
async function itemsOf(inputs: string[], stdin?: NodeJS.ReadableStream): Promise<IntakeItem[]> {
  const items: IntakeItem[] = [];
  for await (const item of readInputs(inputs, { maxLineBytes: KIB, ...(stdin ? { stdin } : {}) })) {
    items.push(item);
  }
  return items;
}

/** `source:line what` per item, the reason in full for malformed ones. */
function outline(items: readonly IntakeItem[]): string[] {
  return items.map((item) => {
    const { result } = item;
    const what =
      result.kind === 'events' ? result.events.map((e) => e.type).join(',') : result.reason;
    return `${item.source.replace(`${dir}/`, '')}:${item.line} ${what}`;
  });
}

/** `text` in chunks of `size` characters, as a stream yields them. */
function* chunksOf(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('a line longer than the bound', () => {
  it.each([
    ['arriving in one chunk', 1 << 20],
    ['arriving in many chunks', 100],
  ])('%s: reported at its line, the lines around it read', async (_, chunk) => {
    // Prepare
    const text = `${pushLine}\n${'x'.repeat(3 * KIB)}\n${pushLine}\n`;
    // Act
    const items = await itemsOf(['-'], Readable.from([...chunksOf(text, chunk)]));
    // Assess
    expect(outline(items)).toEqual(['-:1 push', '-:2 line longer than 1 KiB', '-:3 push']);
  });

  it('counts UTF-8 bytes, not characters', async () => {
    // Prepare: 400 characters of three bytes each: 1200 bytes
    const text = `${pushLine}\n"${'€'.repeat(400)}"\n`;
    // Act
    const items = await itemsOf(['-'], Readable.from([Buffer.from(text)]));
    // Assess
    expect(outline(items)).toEqual(['-:1 push', '-:2 line longer than 1 KiB']);
  });

  it('as the first line: reported, and the events after it read as NDJSON', async () => {
    const text = `${'y'.repeat(2 * KIB)}\n${pushLine}\n${pushLine}\n`;
    const items = await itemsOf(['-'], Readable.from([...chunksOf(text, 512)]));
    expect(outline(items)).toEqual(['-:1 line longer than 1 KiB', '-:2 push', '-:3 push']);
  });
});

describe('a line that does not end within four times the bound', () => {
  it('ends its input there, without reading on; the next input is read', async () => {
    // Prepare: a finite stream of 64 KiB with no line feed after the first line, then one more
    // event; and how much of it the reader pulled
    let pulled = 0;
    function* endless(): Generator<Buffer> {
      yield Buffer.from(`${pushLine}\n`);
      for (let i = 0; i < 64; i++) {
        pulled += KIB;
        yield Buffer.alloc(KIB, 0x7a);
      }
      yield Buffer.from(`\n${pushLine}\n`);
    }
    const next = join(dir, 'next.ndjson');
    writeFileSync(next, `${pushLine}\n`);
    // Act
    const items = await itemsOf(['-', next], Readable.from(endless()));
    // Assess
    expect(outline(items)).toEqual([
      '-:1 push',
      '-:2 line longer than 1 KiB and not ended after 4 KiB: the rest of the input is not read',
      'next.ndjson:1 push',
    ]);
    expect(pulled).toBeLessThanOrEqual(6 * KIB);
  });

  it('a gzip stream inflating to one endless line (a gzip bomb) ends with that error', async () => {
    // Prepare: 1 MiB of zeros, about 1 KiB compressed
    const bomb = join(dir, 'bomb.json.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(1 << 20)));
    const next = join(dir, 'after-bomb.ndjson');
    writeFileSync(next, `${pushLine}\n`);
    // Act
    const items = await itemsOf([bomb, next]);
    // Assess
    expect(outline(items)).toEqual([
      'bomb.json.gz:1 line longer than 1 KiB and not ended after 4 KiB: the rest of the input is not read',
      'after-bomb.ndjson:1 push',
    ]);
  });
});

describe('a document spanning lines', () => {
  it('longer than the bound: reported once at its first line, never parsed', async () => {
    // Prepare: the AWS sample (469 bytes) three times in an array: over 1 KiB
    const event = sampleText('ecr-image-action-push');
    const path = join(dir, 'big.json');
    writeFileSync(path, `\n[\n${[event, event, event].join(',\n')}\n]\n`);
    // Act
    const items = await itemsOf([path]);
    // Assess
    expect(outline(items)).toEqual([
      'big.json:2 document longer than 1 KiB: the rest of the input is not read',
    ]);
  });

  it('within the bound: read as before', async () => {
    const path = join(dir, 'small.json');
    writeFileSync(path, sampleText('ecr-image-action-push'));
    expect(outline(await itemsOf([path]))).toEqual(['small.json:1 push']);
  });
});
