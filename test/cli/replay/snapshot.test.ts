/**
 * `ecr-tag-auditor replay`: `--repositories`: a describe-repositories snapshot judged before any event (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNT } from '../../support/account.ts';
import {
  describedRepository,
  ecrConfig,
  linesOf,
  ndjson,
  putMutability,
  REGION,
  reEscape,
  specPolicy,
  tempDir,
  write,
} from '../support.ts';
import { prepare, replayJson, summary } from './support.ts';

describe('replay --repositories (a describe-repositories snapshot)', () => {
  it('judges each repository once before any event (detectedBy snapshot), then follows events', async () => {
    // Prepare: legacy has no settings (MUTABLE: loosened), web and payments are as expected (web
    // with its filters in another order), sandbox/alice is tightened, and cache/ is ignored
    const dir = tempDir();
    const policy = specPolicy(dir);
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({
        repositories: [
          describedRepository('legacy', {}),
          describedRepository('web', ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'sha256-*', 'dev-*')),
          describedRepository('payments', ecrConfig('IMMUTABLE')),
          describedRepository('sandbox/alice', ecrConfig('IMMUTABLE')),
          describedRepository('cache/hub/nginx', ecrConfig('MUTABLE')),
        ],
      }),
    );
    const input = write(
      dir,
      'e.ndjson',
      ndjson([
        putMutability(
          { repository: 'legacy', minutes: 10 },
          ecrConfig('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
        ),
      ]),
    );
    // Act
    const run = await replayJson(policy, [input], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings.map((f) => [f.kind, f.repository, f.direction, f.detectedBy])).toEqual([
      ['CONFIG_DRIFT', 'legacy', 'LOOSENED', 'snapshot'],
      ['CONFIG_DRIFT', 'sandbox/alice', 'TIGHTENED', 'snapshot'],
      ['CONFIG_DRIFT_RESOLVED', 'legacy', 'EQUAL', 'event'],
    ]);
    const [legacy, sandbox] = run.findings;
    expect(legacy).toMatchObject({
      severity: 'HIGH',
      account: ACCOUNT,
      region: REGION,
      eventId: null,
      eventTime: null,
      actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
    });
    expect(legacy?.witnesses).toHaveLength(5);
    expect(sandbox?.severity).toBe('LOW');
  });

  it('reports a bad entry with its index and still uses the other entries (exit 3)', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const noArn = describedRepository('orphan', {});
    delete noArn.repositoryArn;
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({
        repositories: [
          describedRepository('legacy', ecrConfig('MUTABLE')),
          noArn,
          'not an object',
          describedRepository('odd', { imageTagMutability: 'SOMETIMES' }),
          describedRepository('payments', ecrConfig('MUTABLE_WITH_EXCLUSION', 'latest')),
        ],
      }),
    );
    const input = write(dir, 'e.ndjson', '');
    // Act
    const run = await replayJson(policy, [input], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(3);
    const problems = linesOf(run.stderr).slice(0, -1);
    expect(problems).toEqual([
      `${snapshot}: repositories[1]: repositoryArn is missing or not an ECR repository ARN`,
      `${snapshot}: repositories[2]: not an object`,
      expect.stringMatching(
        new RegExp(
          `^${reEscape(snapshot)}: repositories\\[3\\]: imageTagMutability must be one of .*SOMETIMES`,
        ),
      ),
    ]);
    expect(run.findings.map((f) => [f.repository, f.detectedBy])).toEqual([
      ['legacy', 'snapshot'],
      ['payments', 'snapshot'],
    ]);
    expect(run.findings[1]).toMatchObject({
      direction: 'LOOSENED',
      witnesses: ['0', '1', '2', '3', '4'],
    });
    expect(summary(run.stderr).malformed).toBe(3);
  });

  it('rejects an entry whose repository name ECR would not accept', async () => {
    // Prepare: a hand-edited snapshot; the name would reach tables and Markdown unchecked
    const dir = tempDir();
    const policy = specPolicy(dir);
    const weird = describedRepository('x', ecrConfig('MUTABLE'));
    weird.repositoryArn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/a|b*\u001b[31mc`;
    const snapshot = write(
      dir,
      'repositories.json',
      JSON.stringify({ repositories: [weird, describedRepository('legacy', {})] }),
    );
    // Act
    const run = await replayJson(policy, [write(dir, 'e', '')], ['--repositories', snapshot]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${snapshot}: repositories[0]:`);
    expect(run.findings.map((f) => f.repository)).toEqual(['legacy']);
  });

  it('a snapshot that is not JSON, or not describe-repositories output, is exit 3 and events still run', async () => {
    const { dir, policy, input } = prepare();
    for (const content of ['{"repositories": [', '{"repos": []}', '[]']) {
      const snapshot = write(dir, 'repositories.json', content);
      const run = await replayJson(policy, [input], ['--repositories', snapshot]);
      expect(run.code, content).toBe(3);
      expect(linesOf(run.stderr)[0]).toMatch(new RegExp(`^${reEscape(snapshot)}: `));
      expect(run.findings).toHaveLength(5);
    }
  });

  it('a missing snapshot file is exit 3 and events still run', async () => {
    const { dir, policy, input } = prepare();
    const run = await replayJson(policy, [input], ['--repositories', join(dir, 'none.json')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('none.json: cannot read');
    expect(run.findings).toHaveLength(5);
  });

  it('the example snapshot of examples/ is read whole', async () => {
    const dir = tempDir();
    const policy = specPolicy(dir);
    const snapshot = new URL('../../../examples/repositories.json', import.meta.url).pathname;
    const run = await replayJson(policy, [write(dir, 'e', '')], ['--repositories', snapshot]);
    expect(run.code).toBe(0);
    // hoge0724immutabletag has no rule in the example policy: its single exclusion is a drift.
    expect(run.findings.map((f) => f.repository)).toEqual(['hoge0724immutabletag', 'legacy']);
  });
});
