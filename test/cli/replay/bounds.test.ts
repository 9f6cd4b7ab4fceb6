/**
 * `replay` with the reader's real bounds (docs/intake.md, "Bounds"; reliability issue, item 6): a
 * line over 16 MiB, and an endless input, are each one malformed input (exit 3) while the other
 * inputs' findings are still printed. test/events/line-bounds.test.ts covers the bounds in detail
 * with a lowered bound.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeldEvents } from '../../../lib/cli/replay/held-events.ts';
import { createIntakeSink } from '../../../lib/cli/replay/intake-sink.ts';
import type { InputProblem } from '../../../lib/cli/replay/types.ts';
import { readInParts } from '../../../lib/cli/replay/workers.ts';
import { digest } from '../../support/digest.ts';
import { linesOf, tempDir } from '../support.ts';
import { prepare, push, replayJson, summary } from './support.ts';

const MIB = 2 ** 20;

/**
 * Writes `before`, then `bytes` bytes of `a` with no line feed, then `after` to `path`, a
 * mebibyte at a time.
 */
async function writeOneLine(path: string, bytes: number, before = '', after = ''): Promise<void> {
  const out = createWriteStream(path);
  out.write(before);
  const block = Buffer.alloc(MIB, 0x61);
  for (let left = bytes; left > 0; left -= MIB) {
    if (!out.write(left >= MIB ? block : block.subarray(0, left))) await once(out, 'drain');
  }
  out.end(after);
  await once(out, 'finish');
}

describe('replay: inputs past the reader bounds', () => {
  it('a line slightly over 16 MiB is reported as file:line, and a second file is still used', async () => {
    // Prepare
    const { dir, policy, input } = prepare();
    const long = join(dir, 'one-long-line.json');
    await writeOneLine(long, 16 * MIB + 1024);
    // Act
    const run = await replayJson(policy, [long, input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toBe(`${long}:1: line longer than 16 MiB`);
    expect(run.findings).toHaveLength(5);
    expect(summary(run.stderr)).toMatchObject({ malformed: 1, findings: 5 });
  });

  it('/dev/zero (an endless line) ends with one error for it, and a second file is still used', async () => {
    // Prepare
    const { policy, input } = prepare();
    // Act
    const run = await replayJson(policy, ['/dev/zero', input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toBe(
      '/dev/zero:1: line longer than 16 MiB and not ended after 64 MiB: the rest of the input is not read',
    );
    expect(run.findings).toHaveLength(5);
  });

  it('a file read in parts stops where an endless line stops it, as when read whole', async () => {
    // Prepare: a push, a line of 66 MiB (it ends after the 64 MiB at which reading stops), then
    // the push that would overwrite the first; cut into three parts around the long line
    const dir = tempDir();
    const first = `${JSON.stringify(push('web', 'v1', 1, 0))}\n`;
    const last = `\n${JSON.stringify(push('web', 'v1', 2, 5))}\n`;
    const path = join(dir, 'parts.ndjson');
    await writeOneLine(path, 66 * MIB, first, last);
    const longEnd = first.length + 66 * MIB + 1;
    const bounds = [0, first.length, longEnd, longEnd + last.length - 1];
    const held = new HeldEvents();
    const counts = { read: 0, skipped: 0, taken: 0 };
    const problems: InputProblem[] = [];
    const sink = createIntakeSink(held, counts, (source, line, reason) =>
      problems.push({ location: `${source}:${line}`, reason }),
    );
    // Act
    await readInParts(path, bounds, held, sink, counts, (p) => problems.push(p), {
      parts: 0,
      failures: 0,
    });
    // Assess: the first push only; the last part is never used
    expect(problems).toEqual([
      {
        location: `${path}:2`,
        reason:
          'line longer than 16 MiB and not ended after 64 MiB: the rest of the input is not read',
      },
    ]);
    expect(held.count).toBe(1);
    expect(held.digest(0)).toBe(digest(1));
  });
});
