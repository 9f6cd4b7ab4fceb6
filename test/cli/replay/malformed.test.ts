/**
 * `ecr-tag-auditor replay`: malformed and unreadable input: exit 3, each problem named, the rest processed; and which exit code wins (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import type { Json } from '../../support/json.ts';
import { eventUuid } from '../../support/uuid.ts';
import {
  cloudTrailLog,
  cloudTrailPush,
  linesOf,
  ndjson,
  reEscape,
  specPolicy,
  tempDir,
  write,
} from '../support.ts';
import { kinds, prepare, push, replay, replayJson, storyEvents, summary } from './support.ts';

describe('replay: malformed and unreadable input (exit 3, the rest processed)', () => {
  it('reports each malformed line as file:line: reason and processes the others', async () => {
    // Prepare: line 2 is not JSON, line 4 is a push without its repository
    const dir = tempDir();
    const policy = specPolicy(dir);
    const broken = push('web', 'v9', 9, 3);
    delete (broken.detail as Json)['repository-name'];
    const input = write(
      dir,
      'events.ndjson',
      [
        JSON.stringify(push('web', 'v1', 1, 0)),
        '{"detail-type": "ECR Image Action", oops',
        JSON.stringify(push('web', 'v2', 1, 1)),
        JSON.stringify(broken),
        JSON.stringify(push('web', 'v1', 2, 5)),
        '',
      ].join('\n'),
    );
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(3);
    const problems = linesOf(run.stderr).filter((l) => !l.startsWith('ecr-tag-auditor: read '));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(input)}:2: not JSON`)),
      expect.stringMatching(
        new RegExp(`^${reEscape(input)}:4: .*detail\\.repository-name is missing$`),
      ),
    ]);
    expect(kinds(run.findings)).toEqual(['TAG_OVERWRITE_VIOLATION v1']);
    expect(summary(run.stderr)).toMatchObject({ read: 5, applied: 3, malformed: 2, findings: 1 });
  });

  it('NDJSON under two header lines: each header reported as file:line, every event used (reliability issue, item 5)', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const input = write(
      dir,
      'events.ndjson',
      `Exported events\n---------------\n${ndjson(storyEvents())}`,
    );
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr).slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`^${reEscape(input)}:1: not JSON`)),
      expect.stringMatching(new RegExp(`^${reEscape(input)}:2: not JSON`)),
    ]);
    expect(run.findings).toHaveLength(5);
  });

  it('a missing input file is reported on line 0 and the other inputs are processed', async () => {
    // Prepare
    const { dir, policy, input } = prepare();
    const missing = join(dir, 'no-such-file.json');
    // Act
    const run = await replayJson(policy, [missing, input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toMatch(
      new RegExp(`^${reEscape(missing)}:0: cannot read: ENOENT`),
    );
    expect(run.findings).toHaveLength(5);
  });

  it('a malformed element of a CloudTrail log file names its index, and the others are used', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const bad = cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 });
    bad.eventTime = 'yesterday';
    const log = write(
      dir,
      'log.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
        bad,
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(3), minutes: 6 }),
      ]),
    );
    // Act
    const run = await replayJson(policy, [log]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`^${reEscape(log)}:1: Records\\[1\\]: .*eventTime`, 'm'));
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(3) }]);
  });

  it('a malformed element of a pretty-printed JSON array is reported on the line it begins', async () => {
    // Prepare: three pretty-printed events; the second has a digest ECR would never report
    const dir = tempDir();
    const policy = specPolicy(dir);
    const bad = push('web', 'v1', 3, 3);
    (bad.detail as Json)['image-digest'] = 'nope';
    const text = JSON.stringify([push('web', 'v1', 1, 0), bad, push('web', 'v1', 2, 5)], null, 2);
    const input = write(dir, 'events.json', text);
    // 1-based line of the element's `{`: two lines above its "id" (after "version").
    const badLine =
      text.split('\n').findIndex((l) => l.includes(`"id": "${eventUuid('ia-PUSH-web-v1-3')}"`)) - 1;
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.code).toBe(3);
    expect(linesOf(run.stderr)[0]).toBe(
      `${input}:${badLine}: [1]: ECR Image Action PUSH: detail.image-digest is not a valid image digest: "nope"`,
    );
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
  });

  it('a byte-order mark and CRLF line ends are read as plain NDJSON', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const lines = [push('web', 'v1', 1, 0), push('web', 'v1', 2, 5)].map((e) => JSON.stringify(e));
    const input = write(dir, 'e.ndjson', `\ufeff${lines.join('\r\n')}\r\n`);
    const run = await replayJson(policy, [input]);
    expect(run.code).toBe(0);
    expect(run.findings).toHaveLength(1);
  });

  it('exit 3 wins over exit 1 (a malformed line and a finding at --fail-on)', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const input = write(dir, 'e.ndjson', `${ndjson(storyEvents())}not json\n`);
    const run = await replay(['--policy', policy, '--fail-on', 'INFO', input]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('TAG_OVERWRITE_VIOLATION');
  });

  it('exit 2 wins over exit 3 (a broken policy and malformed input): nothing is processed', async () => {
    // Prepare
    const dir = tempDir();
    const policy = write(
      dir,
      'policy.yml',
      'version: 1\ndefault:\n  imageTagMutability: IMMUTABLE_WITH_EXCLUSION\n  imageTagMutabilityExclusionFilters: ["a*b*c*"]\n',
    );
    const input = write(dir, 'e.ndjson', `${ndjson(storyEvents())}not json\n`);
    // Act
    const run = await replay(['--policy', policy, '--fail-on', 'INFO', input]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr)).toEqual([
      `${policy}:4:40: filter "a*b*c*" has 3 wildcards; ECR allows at most 2`,
    ]);
  });

  it('a missing policy file is exit 2 with one line, before any input is read', async () => {
    const { dir, input } = prepare();
    const run = await replay(['--policy', join(dir, 'nope.yml'), input, join(dir, 'missing')]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('nope.yml');
    expect(run.stderr).not.toContain('missing');
  });
});
