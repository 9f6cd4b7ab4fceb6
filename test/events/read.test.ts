import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocation, type IntakeItem, readInputs } from '../../lib/io/events/read.ts';
import { sample, sampleText } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import {
  batchDeleteImage,
  blockedPutImage,
  identicalRePush,
  logFile,
  pushByDigest,
  s3Record,
} from './samples.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-intake-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file under the test directory and returns its path. */
async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

async function collect(inputs: string[], stdin?: NodeJS.ReadableStream): Promise<IntakeItem[]> {
  const items: IntakeItem[] = [];
  for await (const item of readInputs(inputs, stdin === undefined ? {} : { stdin }))
    items.push(item);
  return items;
}

/** `file:line kind detail`, with the directory stripped, for compact expectations. */
function summary(items: readonly IntakeItem[]): string[] {
  return items.map((item) => {
    const where = formatLocation(item).replace(`${dir}/`, '');
    const { result } = item;
    if (result.kind !== 'events') return `${where} ${result.kind}: ${result.reason}`;
    return `${where} ${result.events.map((e) => e.type).join(',') || '(none)'}`;
  });
}

const ndjson = (...values: readonly unknown[]): string =>
  values.map((v) => JSON.stringify(v)).join('\n');

describe('input formats', () => {
  it('reads a single pretty-printed EventBridge event (the AWS sample as is)', async () => {
    const path = await file('push.json', sampleText('ecr-image-action-push'));
    expect(summary(await collect([path]))).toEqual(['push.json:1 push']);
  });

  it('reads a raw CloudTrail record', async () => {
    const path = await file('record.json', sampleText('cloudtrail-record-put-image'));
    const [item] = await collect([path]);
    expect(item?.result).toMatchObject({
      kind: 'events',
      events: [{ type: 'push', origin: 'cloudtrail' }],
    });
  });

  it('reads a pretty JSON array, each element on the line where it begins', async () => {
    // Prepare: elements of 17 lines each, the array opening on line 1.
    const events = [
      sample('ecr-image-action-push'),
      failedPushText(),
      sample('ecr-image-action-delete'),
    ];
    const path = await file('array.json', JSON.stringify(events, null, 2));
    // Act
    const items = await collect([path]);
    // Assess
    expect(summary(items)).toEqual([
      'array.json:2 push',
      'array.json:19 skipped: ECR Image Action PUSH with result "FAILURE"',
      'array.json:36 delete',
    ]);
  });

  it('reads NDJSON line by line, ignoring blank lines', async () => {
    const text = `${ndjson(sample('ecr-image-action-push'), s3Record())}\n\n   \n${ndjson(blockedPutImage())}\n`;
    const path = await file('events.ndjson', text);
    expect(summary(await collect([path]))).toEqual([
      'events.ndjson:1 push',
      'events.ndjson:2 skipped: CloudTrail event from "s3.amazonaws.com"',
      'events.ndjson:5 overwrite-blocked',
    ]);
  });

  it('reads CRLF line endings and a UTF-8 byte order mark', async () => {
    const text = `\uFEFF${ndjson(sample('ecr-image-action-push'), pushByDigest()).replace('\n', '\r\n')}\r\n`;
    const path = await file('crlf.ndjson', text);
    expect(summary(await collect([path]))).toEqual(['crlf.ndjson:1 push', 'crlf.ndjson:2 push']);
  });

  it('reads a minified CloudTrail log file, one item per record', async () => {
    const log = logFile(
      sample('cloudtrail-record-put-image'),
      s3Record(),
      identicalRePush(),
      batchDeleteImage(),
    );
    const path = await file('trail.json', JSON.stringify(log));
    expect(summary(await collect([path]))).toEqual([
      'trail.json:1 push',
      'trail.json:1 skipped: CloudTrail event from "s3.amazonaws.com"',
      'trail.json:1 skipped: CloudTrail PutImage failed with "ImageAlreadyExistsException"',
      'trail.json:1 delete,delete',
    ]);
  });

  it('reads a pretty CloudTrail log file, records on their lines, malformed ones named by index', async () => {
    const broken = { ...blockedPutImage(), eventTime: 'yesterday' };
    const log = { Records: [sample('cloudtrail-record-create-repository'), broken] };
    const path = await file('trail-pretty.json', JSON.stringify(log, null, 1));
    const lines = JSON.stringify(log, null, 1).split('\n');
    const second = lines.findIndex((line, i) => i > 2 && line === '  {') + 1;
    expect(summary(await collect([path]))).toEqual([
      'trail-pretty.json:3 repository-config',
      `trail-pretty.json:${second} malformed: Records[1]: CloudTrail PutImage: eventTime is not an ISO-8601 time: "yesterday"`,
    ]);
  });

  it('expands arrays and log files that appear as NDJSON lines', async () => {
    const text = ndjson([sample('ecr-image-action-push'), 'junk'], logFile(s3Record()), []);
    const path = await file('mixed.ndjson', text);
    expect(summary(await collect([path]))).toEqual([
      'mixed.ndjson:1 push',
      'mixed.ndjson:1 malformed: [1]: not a JSON object (got string)',
      'mixed.ndjson:2 skipped: CloudTrail event from "s3.amazonaws.com"',
    ]);
  });

  it('yields nothing for an empty or blank input', async () => {
    const empty = await file('empty.json', '');
    const blank = await file('blank.json', '\n  \n\t\n');
    const emptyList = await file('empty-list.json', '[\n]\n');
    const emptyLog = await file('empty-log.json', '{"Records": []}');
    expect(await collect([empty, blank, emptyList, emptyLog])).toEqual([]);
  });
});

function failedPushText(): Json {
  const event = sample('ecr-image-action-push');
  (event.detail as Json).result = 'FAILURE';
  return event;
}

describe('gzip, detected by content', () => {
  it('gunzips a .json file holding gzip and reads a .gz file holding plain text', async () => {
    const gzipped = await file(
      'looks-plain.json',
      gzipSync(ndjson(sample('ecr-image-action-push'), s3Record())),
    );
    const plain = await file('looks-gzipped.json.gz', sampleText('ecr-image-action-delete'));
    expect(summary(await collect([gzipped, plain]))).toEqual([
      'looks-plain.json:1 push',
      'looks-plain.json:2 skipped: CloudTrail event from "s3.amazonaws.com"',
      'looks-gzipped.json.gz:1 delete',
    ]);
  });

  it.each([
    ['single event', sampleText('cloudtrail-record-put-image'), ['1 push']],
    [
      'JSON array',
      JSON.stringify([sample('ecr-image-action-push'), pushByDigest()], null, 2),
      ['2 push', '19 push'],
    ],
    [
      'CloudTrail log file',
      JSON.stringify(logFile(blockedPutImage(), s3Record())),
      ['1 overwrite-blocked', '1 skipped'],
    ],
    [
      'NDJSON',
      ndjson(sample('ecr-image-action-delete'), batchDeleteImage()),
      ['1 delete', '2 delete,delete'],
    ],
  ])('reads a gzipped %s', async (name, text, expected) => {
    const path = await file(`gz-${name.replaceAll(' ', '-')}.log`, gzipSync(text));
    const lines = summary(await collect([path])).map((line) =>
      line.replace(/^[^:]*:/, '').replace(/:.*$/, ''),
    );
    expect(lines).toEqual(expected);
  });

  it('reports a truncated gzip file after the items read before the cut', async () => {
    // Prepare: enough lines that the first ones decompress before the stream ends early.
    const lines = Array.from({ length: 2000 }, () =>
      JSON.stringify(sample('ecr-image-action-push')),
    );
    const zipped = gzipSync(lines.join('\n'));
    const path = await file('truncated.gz', zipped.subarray(0, Math.floor(zipped.length / 2)));
    // Act
    const items = await collect([path]);
    // Assess
    const last = items.at(-1);
    expect(items.length).toBeGreaterThan(1);
    expect(last?.line).toBe(0);
    expect(last?.result).toEqual({
      kind: 'malformed',
      reason: 'cannot read: gzip: unexpected end of file',
    });
    expect(items.slice(0, -1).every((item) => item.result.kind === 'events')).toBe(true);
  });
});

describe('stdin', () => {
  it('reads "-" from the given stream, between files', async () => {
    const before = await file('before.json', sampleText('ecr-image-action-push'));
    const stdin = Readable.from([Buffer.from(ndjson(blockedPutImage(), s3Record()))]);
    const items = await collect([before, '-', before], stdin);
    expect(summary(items)).toEqual([
      'before.json:1 push',
      '-:1 overwrite-blocked',
      '-:2 skipped: CloudTrail event from "s3.amazonaws.com"',
      'before.json:1 push',
    ]);
  });

  it('reads gzip arriving one byte at a time, and strings as well as buffers', async () => {
    const zipped = gzipSync(ndjson(sample('ecr-image-action-push'), { note: 'ü€😀' }));
    const oneByteChunks = Readable.from([...zipped].map((byte) => Buffer.from([byte])));
    expect(summary(await collect(['-'], oneByteChunks))).toEqual([
      '-:1 push',
      '-:2 skipped: neither an EventBridge event nor a CloudTrail record',
    ]);
    const text = `${JSON.stringify(sample('ecr-image-action-delete'), null, 2)}\n`;
    const strings = Readable.from(text.match(/[\s\S]{1,7}/g) ?? []);
    expect(summary(await collect(['-'], strings))).toEqual(['-:1 delete']);
  });
});

describe('directories', () => {
  it('reads every regular file below a directory, recursively, sorted by path', async () => {
    // Prepare
    await file('tree/b.ndjson', ndjson(sample('ecr-image-action-delete')));
    await file('tree/a/z.json.gz', gzipSync(sampleText('cloudtrail-record-put-image')));
    await file('tree/a/nested/deep.json', JSON.stringify(blockedPutImage()));
    await file('tree/a.json', sampleText('ecr-image-action-push'));
    await file('tree/empty', '');
    await symlink(join(dir, 'tree/b.ndjson'), join(dir, 'tree/c-link.ndjson'));
    await symlink(join(dir, 'tree/a'), join(dir, 'tree/d-dir-link'));
    // Act
    const items = await collect([join(dir, 'tree')]);
    // Assess
    expect(summary(items)).toEqual([
      'tree/a.json:1 push',
      'tree/a/nested/deep.json:1 overwrite-blocked',
      'tree/a/z.json.gz:1 push',
      'tree/b.ndjson:1 delete',
      'tree/c-link.ndjson:1 delete',
    ]);
  });
});

describe('malformed and unreadable input', () => {
  it('reports lines that are not JSON at their exact file:line and reads the rest', async () => {
    const text = [
      JSON.stringify(sample('ecr-image-action-push')),
      '{"detail-type": "ECR Image Action", "source": ',
      JSON.stringify(pushByDigest()),
      'not json at all',
      '',
      JSON.stringify({ ...sample('ecr-image-action-push'), account: 12 }),
      JSON.stringify(sample('ecr-image-action-delete')),
    ].join('\n');
    const path = await file('middle.ndjson', text);
    const items = await collect([path]);
    expect(summary(items).map((line) => line.replace(/(not JSON): .*/, '$1'))).toEqual([
      'middle.ndjson:1 push',
      'middle.ndjson:2 malformed: not JSON',
      'middle.ndjson:3 push',
      'middle.ndjson:4 malformed: not JSON',
      'middle.ndjson:6 malformed: ECR Image Action PUSH: account is not a string (got number)',
      'middle.ndjson:7 delete',
    ]);
    const reason = items[1]?.result.kind === 'malformed' ? items[1].result.reason : '';
    expect(reason.length).toBeLessThan(140);
  });

  it('keeps streaming NDJSON whose first line is broken', async () => {
    const text = `{"detail-type": "ECR Ima\n${ndjson(sample('ecr-image-action-push'), s3Record())}\n`;
    const path = await file('broken-first.ndjson', text);
    expect(
      summary(await collect([path])).map((line) => line.replace(/(not JSON): .*/, '$1')),
    ).toEqual([
      'broken-first.ndjson:1 malformed: not JSON',
      'broken-first.ndjson:2 push',
      'broken-first.ndjson:3 skipped: CloudTrail event from "s3.amazonaws.com"',
    ]);
  });

  it('reports a broken multi-line document once, at the line of the error', async () => {
    const text = `\n${sampleText('ecr-image-action-push').replace('"region": "us-west-2",', '"region": "us-west-2"')}`;
    const path = await file('broken.json', text);
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(items[0]?.result.kind).toBe('malformed');
    // The missing comma is noticed at the next key, "resources", on line 10 of the file.
    expect(formatLocation(items[0] as IntakeItem)).toBe(`${path}:10`);
  });

  it('reports a missing file on line 0 with the OS reason and goes on', async () => {
    const missing = join(dir, 'no-such-file.json');
    const present = await file('present.json', sampleText('ecr-image-action-push'));
    const items = await collect([missing, present]);
    expect(summary(items)).toEqual([
      'no-such-file.json:0 malformed: cannot read: ENOENT: no such file or directory',
      'present.json:1 push',
    ]);
  });

  it.each([
    ['plain', (text: string) => Buffer.from(text)],
    ['gzipped', (text: string) => gzipSync(text)],
  ])(
    'reports a %s stream that fails mid-way on line 0, after what it delivered',
    async (_, encode) => {
      // Prepare: one chunk holding two complete lines, then a read error.
      const content = encode(
        `${ndjson(sample('ecr-image-action-push'), sample('ecr-image-action-delete'))}\n`,
      );
      const failing = new Readable({ read() {} });
      failing.push(content);
      setTimeout(() => failing.destroy(new Error('EIO: i/o error, read')), 20);
      // Act
      const items = await collect(['-'], failing);
      // Assess
      expect(summary(items)).toEqual([
        '-:1 push',
        '-:2 delete',
        '-:0 malformed: cannot read: EIO: i/o error, read',
      ]);
    },
  );

  it.each([
    ['plain', (text: string) => Buffer.from(text)],
    ['gzipped', (text: string) => gzipSync(text)],
  ])('releases a %s input stream when the consumer stops early', async (_, encode) => {
    // Prepare: far more than one chunk, so that reading is mid-way at the stop.
    const body = encode(
      ndjson(...Array.from({ length: 5000 }, () => sample('ecr-image-action-push'))),
    );
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.subarray(i * 65536, (i + 1) * 65536),
    );
    const stdin = Readable.from(chunks);
    // Act
    let seen = 0;
    for await (const _item of readInputs(['-'], { stdin })) {
      seen += 1;
      if (seen === 3) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Assess
    expect(seen).toBe(3);
    expect(stdin.destroyed).toBe(true);
  });

  it('closes the file when the consumer stops early', async () => {
    // Prepare
    const events = Array.from({ length: 100 }, () => sample('ecr-image-action-push'));
    const path = await file('many.ndjson', ndjson(...events));
    // Open descriptors are visible on Linux only; elsewhere only the early stop is checked.
    const openFiles = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const items = readInputs([path, path]);
    // Act
    await items.next();
    const whileReading = openFiles();
    await items.return(undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Assess
    expect(await items.next()).toEqual({ done: true, value: undefined });
    if (whileReading > 0) expect(openFiles()).toBeLessThan(whileReading);
  });
});

describe('memory', () => {
  it('streams 200k NDJSON lines without holding them', async () => {
    // Prepare: a generated stream; nothing builds the whole input.
    const event = sample('ecr-image-action-push');
    const detail = event.detail as Json;
    const LINES = 200_000;
    // Chunks of 100 lines, about the 64 KiB a file stream delivers.
    function* chunks(): Generator<string> {
      for (let i = 0; i < LINES; i += 100) {
        let chunk = '';
        for (let j = i; j < i + 100; j++) {
          detail['image-tag'] = `v${j}`;
          chunk += `${JSON.stringify(event)}\n`;
        }
        yield chunk;
      }
    }
    // Act: count, keeping no item.
    let pushes = 0;
    let last: IntakeItem | undefined;
    for await (const item of readInputs(['-'], { stdin: Readable.from(chunks()) })) {
      if (item.result.kind === 'events' && item.result.events[0]?.type === 'push') pushes += 1;
      last = item;
    }
    // Assess
    expect(pushes).toBe(LINES);
    expect(last?.line).toBe(LINES);
    expect(last?.result).toMatchObject({ events: [{ tag: `v${LINES - 1}` }] });
  });
});
