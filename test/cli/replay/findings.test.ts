/**
 * `ecr-tag-auditor replay`: what is and is not a finding, end to end (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digest } from '../../support/digest.ts';
import { sample } from '../../support/fixtures.ts';
import {
  blockedPush,
  cloudTrailDelete,
  cloudTrailPush,
  createRepository,
  ecrConfig,
  putMutability,
  specPolicy,
  tempDir,
} from '../support.ts';
import { prepare, push, remove, replayJson, summary } from './support.ts';

describe('replay: what is and is not a finding', () => {
  it('a delete and re-push of other content is a violation with viaDelete, via CloudTrail too', async () => {
    const { policy, input } = prepare([
      cloudTrailPush({ repository: 'prod/api', tag: 'v1', digest: digest(1), minutes: 0 }),
      cloudTrailDelete({ repository: 'prod/api', tag: 'v1', digest: digest(1), minutes: 1 }),
      cloudTrailPush({ repository: 'prod/api', tag: 'v1', digest: digest(2), minutes: 2 }),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        repository: 'prod/api',
        viaDelete: true,
        severity: 'HIGH',
      },
    ]);
    expect(run.findings[0]?.message).toContain('deleted and pushed again');
  });

  it('a delete and re-push of the same content is no finding', async () => {
    const { policy, input } = prepare([
      push('web', 'v1', 1, 0),
      remove('web', 'v1', 1, 1),
      push('web', 'v1', 1, 2),
    ]);
    expect((await replayJson(policy, [input])).findings).toEqual([]);
  });

  it('an ignored repository is never audited', async () => {
    const { policy, input } = prepare([
      push('cache/hub/nginx', 'latest', 1, 0),
      push('cache/hub/nginx', 'latest', 2, 1),
      blockedPush({ repository: 'cache/hub/nginx', tag: 'v1', digest: digest(3), minutes: 2 }),
      putMutability({ repository: 'cache/hub/nginx', minutes: 3 }, ecrConfig('MUTABLE')),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toEqual([]);
    expect(summary(run.stderr).applied).toBe(4);
  });

  it('an identical re-push refused as ImageAlreadyExistsException is no finding', async () => {
    const identical = {
      ...blockedPush({ repository: 'web', tag: 'v1', digest: digest(1), minutes: 1 }),
      errorCode: 'ImageAlreadyExistsException',
    };
    const { policy, input } = prepare([identical]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toEqual([]);
    expect(summary(run.stderr).skipped).toBe(1);
  });

  it('CreateRepository without mutability (the AWS sample) is MUTABLE: drift from the default', async () => {
    const { policy, input } = prepare([createRepository({ repository: 'testrepo', minutes: 0 })]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      {
        kind: 'CONFIG_DRIFT',
        repository: 'testrepo',
        direction: 'LOOSENED',
        actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
        actor: 'arn:aws:sts::123456789012:user/Mary_Major',
        detectedBy: 'event',
      },
    ]);
  });

  it('configurations are compared by meaning, not by text', async () => {
    // Prepare: docs/semantics.md's examples of equal configurations, and two that differ
    const { policy, input } = prepare([
      push('batch', 'dev-1', 1, 0),
      createRepository({ repository: 'prod/api', minutes: 0 }, ecrConfig('IMMUTABLE')),
      createRepository(
        { repository: 'prod/web', minutes: 1 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', '*'),
      ),
      createRepository(
        { repository: 'web', minutes: 2 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'sha256-*', 'dev-*', 'dev-a*'),
      ),
      createRepository(
        { repository: 'api', minutes: 3 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', 'v*', 'latest'),
      ),
      createRepository(
        { repository: 'worker', minutes: 4 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*', 'latest'),
      ),
      createRepository(
        { repository: 'batch', minutes: 5 },
        ecrConfig('MUTABLE_WITH_EXCLUSION', 'dev-1', 'v*'),
      ),
    ]);
    // Act
    const run = await replayJson(policy, [input]);
    // Assess
    expect(run.findings.map((f) => [f.repository, f.direction, f.severity])).toEqual([
      ['api', 'LOOSENED', 'HIGH'],
      ['worker', 'LOOSENED', 'HIGH'],
      ['batch', 'CHANGED', 'HIGH'],
    ]);
    // `latest` is the one tag worker exposes; batch's known tag dev-1 comes first, then the
    // shortest differing tags.
    expect(run.findings[1]?.witnesses).toEqual(['latest']);
    expect(run.findings[2]?.witnesses).toEqual(['dev-1', '0', '1', '2', '3']);
  });

  it('a tightened repository is LOW drift', async () => {
    const { policy, input } = prepare([
      putMutability(
        { repository: 'sandbox/bob', minutes: 0 },
        ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*'),
      ),
    ]);
    const run = await replayJson(policy, [input]);
    expect(run.findings).toMatchObject([
      { kind: 'CONFIG_DRIFT', direction: 'TIGHTENED', severity: 'LOW' },
    ]);
    expect(run.findings[0]?.message).toMatch(/now immutable: /);
  });

  it('the AWS samples themselves replay cleanly', async () => {
    // Prepare: every sample, as given, in one directory
    const dir = tempDir();
    const policy = specPolicy(dir);
    const events = join(dir, 'samples');
    mkdirSync(events);
    for (const name of [
      'ecr-image-action-push',
      'ecr-image-action-delete',
      'cloudtrail-record-put-image',
      'cloudtrail-record-create-repository',
      'eventbridge-cloudtrail-put-image',
    ] as const) {
      writeFileSync(join(events, `${name}.json`), JSON.stringify(sample(name), null, 2));
    }
    // Act
    const run = await replayJson(policy, [events]);
    // Assess: only testrepo's creation without settings drifts
    expect(run.code).toBe(0);
    expect(run.findings.map((f) => [f.kind, f.repository])).toEqual([['CONFIG_DRIFT', 'testrepo']]);
    expect(summary(run.stderr)).toMatchObject({ read: 5, applied: 5, skipped: 0, malformed: 0 });
  });
});
