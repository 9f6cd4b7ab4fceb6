/**
 * `ecr-tag-auditor replay`: the order events are applied in, duplicates, and stable finding ids (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import {
  canonical,
  cloudTrailLog,
  cloudTrailPush,
  imageAction,
  linesOf,
  ndjson,
  viaEventBridge,
  write,
} from '../support.ts';
import { prepare, push, remove, replay, replayJson, summary } from './support.ts';

describe('replay order and identity', () => {
  it('applies events in event-time order, whatever the input order', async () => {
    // Prepare: push d1, delete, push d2 — listed backwards. In time order the second push
    // follows a delete (viaDelete); in input order the delete would be older than the tag.
    const inOrder = [push('web', 'v1', 1, 0), remove('web', 'v1', 1, 5), push('web', 'v1', 2, 10)];
    const { dir, policy } = prepare([]);
    const forwards = write(dir, 'f.ndjson', ndjson(inOrder));
    const backwards = write(dir, 'b.ndjson', ndjson(inOrder.toReversed()));
    // Act
    const a = await replayJson(policy, [forwards]);
    const b = await replayJson(policy, [backwards]);
    // Assess
    expect(a.findings).toMatchObject([
      { previousDigest: digest(1), digest: digest(2), viaDelete: true, eventTime: canonical(10) },
    ]);
    expect(b.findings).toEqual(a.findings);
  });

  it('orders across files and sources by time, not by file', async () => {
    const { dir, policy } = prepare([]);
    const later = write(dir, 'a.ndjson', ndjson([push('web', 'v1', 2, 10)]));
    const earlier = write(
      dir,
      'b.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
      ]),
    );
    const run = await replayJson(policy, [later, earlier]);
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
  });

  it('input order breaks ties between pushes of other content in the same second (no order can be known)', async () => {
    const { dir, policy } = prepare([]);
    const one = write(dir, '1.ndjson', ndjson([push('web', 'v1', 1, 0), push('web', 'v1', 2, 0)]));
    const two = write(dir, '2.ndjson', ndjson([push('web', 'v1', 2, 0), push('web', 'v1', 1, 0)]));
    const a = await replayJson(policy, [one]);
    const b = await replayJson(policy, [two]);
    expect(a.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
    expect(b.findings).toMatchObject([{ previousDigest: digest(2), digest: digest(1) }]);
  });

  it('gives the same findings whatever the order of its inputs: ECR events and CloudTrail copies a second later (reliability issue, item 3c)', async () => {
    // Prepare: X long before; A at 10:00:00 and B at 10:00:01 from ECR; CloudTrail's records of
    // the same pushes stamped a second later.
    const at = (s: number) => new Date(Date.UTC(2025, 6, 24, 10, 0, s)).toISOString();
    const ecrPush = (d: number, s: number) => ({
      ...imageAction('PUSH', {
        repository: 'web',
        tag: 'v1',
        digest: digest(d),
        minutes: 0,
        id: `ecr-${d}`,
      }),
      time: at(s),
    });
    const ctPush = (d: number, s: number) => ({
      ...cloudTrailPush({
        repository: 'web',
        tag: 'v1',
        digest: digest(d),
        minutes: 0,
        id: `ct-${d}`,
      }),
      eventTime: at(s),
    });
    const { dir, policy } = prepare([]);
    const ecr = write(dir, 'ecr.ndjson', ndjson([ecrPush(9, -60), ecrPush(1, 0), ecrPush(2, 1)]));
    const ct = write(dir, 'ct.json', cloudTrailLog([ctPush(1, 1), ctPush(2, 2)]));
    // Act
    const a = await replayJson(policy, [ecr, ct]);
    const b = await replayJson(policy, [ct, ecr]);
    // Assess
    expect(a.findings.map((f) => [f.previousDigest, f.digest])).toEqual([
      [digest(9), digest(1)],
      [digest(1), digest(2)],
    ]);
    expect(b.findings).toEqual(a.findings);
  });

  it('times in other forms (fractions, offsets) order by the instant they name', async () => {
    // 00:10+01:00 is 23:10 the day before: the push of d2 comes first.
    const { dir, policy } = prepare([]);
    const early = push('web', 'v1', 2, 0);
    early.time = '2025-07-24T00:10:00+01:00';
    const late = push('web', 'v1', 1, 0);
    late.time = '2025-07-23T23:30:00.5Z';
    const run = await replayJson(policy, [write(dir, 'e.ndjson', ndjson([late, early]))]);
    expect(run.findings).toMatchObject([{ previousDigest: digest(2), digest: digest(1) }]);
  });

  it('the same push through ECR Image Action and CloudTrail PutImage is one finding at most', async () => {
    // Prepare: the first push and the overwrite each seen three times — Image Action, a raw
    // CloudTrail record, and the record forwarded by EventBridge
    const { dir, policy } = prepare([]);
    const seen = (d: number, minutes: number) => {
      const at = { repository: 'web', tag: 'v1', digest: digest(d), minutes };
      return [imageAction('PUSH', at), cloudTrailPush(at), viaEventBridge(cloudTrailPush(at))];
    };
    const input = write(dir, 'e.ndjson', ndjson([...seen(1, 0), ...seen(2, 5)]));
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.findings).toHaveLength(1);
    expect(run.findings[0]).toMatchObject({ previousDigest: digest(1), digest: digest(2) });
    expect(summary(run.stderr)).toMatchObject({ read: 6, applied: 6, findings: 1 });
  });

  it('a duplicate delivery of the same event is one finding', async () => {
    const overwrite = push('web', 'v1', 2, 5);
    const { policy, input } = prepare([push('web', 'v1', 1, 0), overwrite, overwrite, overwrite]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toHaveLength(1);
  });

  it('finding ids are stable across runs, formats and sources', async () => {
    // Prepare: the story through ECR Image Action, and its pushes through CloudTrail
    const { dir, policy, input } = prepare();
    const viaCloudTrail = write(
      dir,
      'ct.json',
      cloudTrailLog([
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 0 }),
        cloudTrailPush({ repository: 'web', tag: 'v1', digest: digest(2), minutes: 5 }),
      ]),
    );
    // Act
    const a = await replayJson(policy, [input]);
    const b = await replayJson(policy, [input]);
    const nd = await replay([
      '--policy',
      policy,
      '--format',
      'ndjson',
      '--min-severity',
      'INFO',
      input,
    ]);
    const md = await replay([
      '--policy',
      policy,
      '--format',
      'markdown',
      '--min-severity',
      'INFO',
      input,
    ]);
    const ct = await replayJson(policy, [viaCloudTrail]);
    // Assess
    const ids = a.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(b.findings.map((f) => f.id)).toEqual(ids);
    expect(linesOf(nd.stdout).map((l) => JSON.parse(l).id)).toEqual(ids);
    for (const id of ids) expect(md.stdout).toContain(id);
    const violation = a.findings.find((f) => f.kind === 'TAG_OVERWRITE_VIOLATION');
    expect(ct.findings.map((f) => f.id)).toEqual([violation?.id]);
  });
});
