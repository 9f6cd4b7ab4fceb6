/**
 * The AWS CLI command of a remediation request (lib/render/aws-cli.ts), read back by a real POSIX
 * shell: it gives exactly the words meant, whatever a template's settings hold.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  putImageTagMutabilityRequest,
  updateTemplateRequest,
} from '../../lib/core/remediation/request.ts';
import { awsCliCommand, shellWord } from '../../lib/render/aws-cli.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';

const REGION = 'eu-west-1';

/** The words `sh` makes of `command` (its first word replaced, so nothing runs). */
function shellWords(command: string): string[] {
  const [first, ...rest] = command.split(' ');
  expect(first).toBe('aws');
  const run = spawnSync('sh', ['-c', `printf '%s\\0' ${rest.join(' ')}`], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return ['aws', ...run.stdout.split('\0').slice(0, -1)];
}

describe('awsCliCommand', () => {
  it('spells a repository request with the command’s options, each filter one shorthand word, read back by sh exactly', () => {
    // Act
    const command = awsCliCommand(
      REGION,
      putImageTagMutabilityRequest(
        { account: ACCOUNT, region: REGION, repository: 'team/web' },
        config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', '*-rc*'),
      ),
    );
    // Assess
    expect(shellWords(command)).toEqual([
      'aws',
      'ecr',
      'put-image-tag-mutability',
      '--region',
      REGION,
      '--registry-id',
      ACCOUNT,
      '--repository-name',
      'team/web',
      '--image-tag-mutability',
      'IMMUTABLE_WITH_EXCLUSION',
      '--image-tag-mutability-exclusion-filters',
      'filterType=WILDCARD,filter=dev-*',
      'filterType=WILDCARD,filter=*-rc*',
    ]);
    expect(command).toContain(`'filterType=WILDCARD,filter=dev-*'`);
  });

  it('passes a template’s request whole as --cli-input-json, whatever its text holds', () => {
    // Prepare: a description a shell would otherwise expand, split or end a quote on
    const description = `it's "$HOME" \`id\` ; rm -rf / *`;
    const request = updateTemplateRequest('team-a', config('IMMUTABLE'), {
      description,
      lifecyclePolicy: '{"rules":[]}',
    });
    // Act
    const words = shellWords(awsCliCommand(REGION, request));
    // Assess
    expect(words.slice(0, 6)).toEqual([
      'aws',
      'ecr',
      'update-repository-creation-template',
      '--region',
      REGION,
      '--cli-input-json',
    ]);
    expect(JSON.parse(words[6] ?? '')).toEqual(request.input);
    expect(words).toHaveLength(7);
  });

  it('leaves plain words unquoted', () => {
    expect(shellWord('eu-west-1')).toBe('eu-west-1');
    expect(shellWord('a b')).toBe("'a b'");
  });
});
