/**
 * The creation templates are read while the repositories are listed and scanned (lib/core/scan/
 * scan.ts), not before them — an account-region's scan does not wait for the templates before its
 * first ListImages — and the report is the same as when they were read first: the templates'
 * findings and failures ahead of the repositories'. Pure: a registry of plain objects whose calls
 * are recorded in order, and the in-memory ledger.
 */
import { describe, expect, it } from 'vitest';
import type { Registry, RegistryTemplatePage } from '../../lib/core/scan/registry.ts';
import { TEMPLATES_FAILURE } from '../../lib/core/scan/scan.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { scanOnce } from '../support/scan.ts';

/** A macrotask: what an answer from ECR costs at the least. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A registry of one drifted template (`team`) and two drifted repositories, whose template page
 * answers a macrotask after it is asked for (or fails then, with `templatesFail`), recording
 * every call in `calls`.
 */
function registry(options: { templatesFail?: boolean; listingFails?: boolean } = {}) {
  const calls: string[] = [];
  const value: Registry = {
    async *templatePages(): AsyncIterable<RegistryTemplatePage> {
      calls.push('templates asked');
      await tick();
      calls.push('templates answered');
      if (options.templatesFail) throw new Error('templates throttled');
      yield { registryId: ACCOUNT, templates: [{ prefix: 'team', imageTagMutability: 'MUTABLE' }] };
    },
    listRepositories: async () => {
      calls.push('repositories listed');
      if (options.listingFails) throw new Error('DescribeRepositories denied');
      return ['app', 'web'].map((name) => ({
        repositoryName: name,
        registryId: ACCOUNT,
        imageTagMutability: 'MUTABLE',
      }));
    },
    listTags: async (name) => {
      calls.push(`tags of ${name}`);
      return new Map([['v1', digest(1)]]);
    },
  };
  return { calls, registry: value };
}

const scan = (target: Registry) => scanOnce(target, 1);

describe('the creation templates, read alongside the repositories', () => {
  it('lists and scans the repositories without waiting for the template page', async () => {
    // Prepare
    const { calls, registry: target } = registry();

    // Act
    await scan(target);

    // Assess: the listing and the first repository's tags were asked before the templates answered.
    expect(calls.indexOf('repositories listed')).toBeLessThan(calls.indexOf('templates answered'));
    expect(calls.indexOf('tags of app')).toBeLessThan(calls.indexOf('templates answered'));
  });

  it("reports the templates' findings ahead of the repositories', as when they were read first", async () => {
    // Act
    const report = await scan(registry().registry);

    // Assess
    expect(report.templates).toBe(1);
    expect(
      report.findings.map(({ finding }) =>
        finding.kind === 'TEMPLATE_DRIFT'
          ? `${finding.kind} ${finding.templatePrefix}`
          : `${finding.kind} ${'repository' in finding ? finding.repository : ''}`,
      ),
    ).toEqual(['TEMPLATE_DRIFT team', 'CONFIG_DRIFT app', 'CONFIG_DRIFT web']);
  });

  it("names the templates' failure first, and scans every repository", async () => {
    // Act
    const report = await scan(registry({ templatesFail: true }).registry);

    // Assess
    expect(report.failures).toEqual([
      { repository: TEMPLATES_FAILURE, error: 'templates throttled' },
    ]);
    expect(report.tags).toBe(2);
  });

  it("fails with the listing's error when the registry cannot be listed, once the templates are done", async () => {
    // Prepare
    const { calls, registry: target } = registry({ listingFails: true });

    // Act
    const failed = await scan(target).catch((error: unknown) => error);

    // Assess: rejected with the listing's error, nothing of the scan left running.
    expect(failed).toMatchObject({ message: 'DescribeRepositories denied' });
    expect(calls.at(-1)).toBe('templates answered');
  });
});
