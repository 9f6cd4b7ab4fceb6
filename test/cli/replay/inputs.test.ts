/**
 * `ecr-tag-auditor replay`: the inputs (stdin, files, gzip, directories) and the summary line counting what was read (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import { sample } from '../../support/fixtures.ts';
import type { Json } from '../../support/json.ts';
import {
  blockedPush,
  cloudTrailLog,
  cloudTrailPush,
  ecrRecord,
  linesOf,
  ndjson,
  parseFindings,
  runCli,
  specPolicy,
  tempDir,
  write,
} from '../support.ts';
import {
  kinds,
  prepare,
  push,
  remove,
  replay,
  replayJson,
  storyEvents,
  summary,
} from './support.ts';

describe('replay inputs', () => {
  it('- reads NDJSON from stdin, and names it - in problems', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const stdin = `${ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 1)])}{broken\n`;
    // Act
    const run = await replay(['--policy', policy, '--format', 'json', '-'], { stdin });
    // Assess
    expect(run.code).toBe(3);
    expect(kinds(parseFindings(run.stdout))).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
    expect(run.stderr).toMatch(/^-:3: not JSON/m);
  });

  it('- and files mix, in any order', async () => {
    const { dir, policy } = prepare([]);
    const file = write(dir, 'first.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    const stdin = ndjson([push('web', 'v1', 2, 1)]);
    const run = await replayJson(policy, ['-', file], []);
    expect(run.code).toBe(0);
    expect(run.findings).toEqual([]);
    const withStdin = await runCli(['replay', '--policy', policy, '--format', 'json', '-', file], {
      stdin,
    });
    expect(kinds(parseFindings(withStdin.stdout))).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
  });

  it('a gzipped CloudTrail log file is recognised by its content, whatever its name', async () => {
    // Prepare: gzip behind a .json name, and plain text behind a .gz name
    const dir = tempDir();
    const policy = specPolicy(dir);
    const gz = write(
      dir,
      'cloudtrail-log.json',
      gzipSync(
        cloudTrailLog([
          cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
          { ...sample('cloudtrail-record-put-image'), eventSource: 's3.amazonaws.com' },
        ]),
      ),
    );
    const plain = write(
      dir,
      'not-really.json.gz',
      ndjson([cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 3 })]),
    );
    // Act
    const run = await replayJson(policy, [gz, plain]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', previousDigest: digest(1), digest: digest(2) },
    ]);
    expect(summary(run.stderr)).toMatchObject({ read: 3, applied: 2, skipped: 1, malformed: 0 });
  });

  it('gzipped NDJSON on stdin', async () => {
    const { policy } = prepare([]);
    const stdin = gzipSync(ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 1)]));
    const run = await runCli(['replay', '--policy', policy, '--format', 'json', '-'], { stdin });
    expect(run.code).toBe(0);
    expect(parseFindings(run.stdout)).toHaveLength(1);
  });

  it('a corrupt gzip stream is exit 3 naming the file, and the other inputs are processed', async () => {
    const { dir, policy, input } = prepare();
    const corrupt = write(dir, 'corrupt.gz', gzipSync(ndjson(storyEvents())).subarray(0, 40));
    const run = await replayJson(policy, [corrupt, input]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${corrupt}:`);
    expect(run.findings).toHaveLength(5);
  });

  it('a directory is every file in it, recursively', async () => {
    // Prepare: the first push in a nested file, the overwrite in another, one pretty-printed
    const dir = tempDir();
    const policy = specPolicy(dir);
    const events = join(dir, 'events');
    mkdirSync(join(events, 'b', 'c'), { recursive: true });
    write(events, 'a.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    write(
      join(events, 'b', 'c'),
      'ct.json',
      JSON.stringify(
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 }),
        null,
        2,
      ),
    );
    write(join(events, 'b'), 'array.json', JSON.stringify([remove('web', 'dev-1', 7, 2)]));
    // Act
    const run = await replayJson(policy, [events]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        previousDigest: digest(1),
        digest: digest(2),
        actor: 'arn:aws:sts::123456789012:user/Mary_Major',
      },
    ]);
    expect(summary(run.stderr)).toMatchObject({ read: 3, applied: 3 });
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n  \n\r\n'],
    ['an empty JSON array', '[]'],
    ['an empty CloudTrail log', '{"Records": []}'],
  ])('%s is zero events, exit 0', async (_, content) => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const run = await replay(['--policy', policy, write(dir, 'in', content)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No findings.\n');
    expect(summary(run.stderr)).toMatchObject({
      read: 0,
      applied: 0,
      skipped: 0,
      malformed: 0,
      findings: 0,
    });
  });

  it('an empty stdin is zero events, exit 0', async () => {
    const { policy } = prepare([]);
    const run = await replay(['--policy', policy, '-'], { stdin: '' });
    expect(run.code).toBe(0);
    expect(summary(run.stderr).read).toBe(0);
  });
});

describe('replay summary line', () => {
  it('counts items read, events applied, skipped, malformed and findings', async () => {
    // Prepare: a CloudTrail log with an S3 record and a read-only ECR call (skipped), a
    // BatchDeleteImage of two tags (one item, two events), a refused overwrite; and an NDJSON
    // file with a failed push (skipped), a broken line, and a push.
    const dir = tempDir();
    const policy = specPolicy(dir);
    const batch = ecrRecord(
      'BatchDeleteImage',
      { repository: 'web', minutes: 2 },
      { repositoryName: 'web', imageIds: [{ imageTag: 'a' }, { imageTag: 'b' }] },
      {
        imageIds: [
          { imageTag: 'a', imageDigest: digest(1) },
          { imageTag: 'b', imageDigest: digest(1) },
        ],
        failures: [],
      },
    );
    const log = write(
      dir,
      'log.json',
      cloudTrailLog([
        {
          ...sample('cloudtrail-record-put-image'),
          eventSource: 's3.amazonaws.com',
          eventName: 'GetObject',
        },
        ecrRecord(
          'DescribeImages',
          { repository: 'web', minutes: 1 },
          { repositoryName: 'web' },
          null,
        ),
        batch,
        blockedPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 3 }),
      ]),
    );
    const failed = push('web', 'x', 1, 4);
    (failed.detail as Json).result = 'FAILURE';
    const events = write(
      dir,
      'e.ndjson',
      `${JSON.stringify(failed)}\nnope\n${JSON.stringify(push('web', 'v2', 1, 5))}\n`,
    );
    // Act
    const run = await replay(['--policy', policy, log, events]);
    // Assess
    expect(run.code).toBe(3);
    const lines = linesOf(run.stderr);
    expect(lines.at(-1)).toMatch(/^ecr-tag-auditor: read /);
    expect(summary(run.stderr)).toEqual({
      read: 7,
      applied: 4,
      skipped: 3,
      malformed: 1,
      findings: 1,
      shown: 1,
      threshold: 'LOW',
    });
  });

  it('goes to stderr, never to stdout', async () => {
    const { policy, input } = prepare();
    const run = await replay(['--policy', policy, '--format', 'json', input]);
    expect(run.stdout).not.toContain('input item');
    expect(run.stderr).toContain('input item');
  });
});
