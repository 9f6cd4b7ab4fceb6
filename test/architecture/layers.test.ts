/**
 * The rooms of lib/ are held by .dependency-cruiser.cjs (npm test runs it over the project as
 * `lint:deps`). These tests show that each rule bites: a small tree that breaks one rule, checked
 * with the project's own configuration, fails with that rule's name; the same tree without the
 * offending import passes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

const trees: string[] = [];
afterAll(() => {
  for (const tree of trees) rmSync(tree, { recursive: true, force: true });
});

/** Writes `files` (path → source) into a fresh project tree with the project's tsconfig. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  trees.push(dir);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowImportingTsExtensions: true,
      },
    }),
  );
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

/** Runs the checker as `npm run lint:deps` does; returns its exit status and report. */
function check(dir: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      DEPCRUISE,
      ...['lib', 'handlers', 'infra', 'bin'].filter((folder) => existsSync(join(dir, folder))),
      '--config',
      CONFIG,
    ],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const LEAF = 'export const x = 1;\n';
const use = (path: string) => `import { x } from '${path}';\nexport const y = x;\n`;

describe('.dependency-cruiser.cjs', () => {
  it('passes a tree that keeps every rule', () => {
    // Prepare: each room importing only what it may.
    const dir = tree({
      'lib/core/model/a.ts': LEAF,
      'lib/core/engine/b.ts': use('../model/a.ts'),
      'lib/io/c.ts': use('../core/engine/b.ts'),
      'lib/aws/d.ts': use('../core/model/a.ts'),
      'lib/render/e.ts': use('../core/model/a.ts'),
      'lib/runtime/f.ts': use('../aws/d.ts'),
      'lib/cli/g.ts': use('../io/c.ts'),
      'handlers/h.ts': use('../lib/runtime/f.ts'),
      'infra/i.ts': use('../lib/aws/d.ts'),
    });

    // Act
    const result = check(dir);

    // Assess
    expect(result.output).toContain('no dependency violations');
    expect(result.status).toBe(0);
  });

  it.each([
    [
      'the core imports an adapter',
      { 'lib/aws/d.ts': LEAF, 'lib/core/engine/b.ts': use('../../aws/d.ts') },
      'core-imports-only-itself',
    ],
    [
      'the core reads a file',
      {
        'lib/core/engine/b.ts':
          "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
      },
      'core-is-pure',
    ],
    [
      'a lower core folder imports a higher one',
      { 'lib/core/engine/b.ts': LEAF, 'lib/core/model/a.ts': use('../engine/b.ts') },
      'core-model-below',
    ],
    [
      'rendering imports the runtime',
      { 'lib/runtime/f.ts': LEAF, 'lib/render/e.ts': use('../runtime/f.ts') },
      'render-imports-only-core',
    ],
    [
      'the CLI imports the Lambda runtime',
      { 'lib/runtime/f.ts': LEAF, 'lib/cli/g.ts': use('../runtime/f.ts') },
      'cli-imports-only-core-io-aws-render',
    ],
    [
      'an adapter imports infra',
      { 'infra/i.ts': LEAF, 'lib/aws/d.ts': use('../../infra/i.ts') },
      'aws-imports-only-core-render',
    ],
    [
      'the runtime imports the AWS SDK',
      {
        'lib/runtime/f.ts':
          "import { SNSClient } from '@aws-sdk/client-sns';\nexport const y = SNSClient;\n",
      },
      'sdk-only-in-adapters',
    ],
    [
      'a handler imports the core',
      { 'lib/core/model/a.ts': LEAF, 'handlers/h.ts': use('../lib/core/model/a.ts') },
      'handlers-are-thin',
    ],
    [
      'infra imports the CLI',
      { 'lib/cli/g.ts': LEAF, 'infra/i.ts': use('../lib/cli/g.ts') },
      'infra-reads-contracts-only',
    ],
    [
      'the core reaches a package by a relative path',
      {
        'lib/core/engine/b.ts':
          "import { parse } from '../../../node_modules/yaml/dist/index.js';\nexport const y = parse;\n",
      },
      'core-is-pure',
    ],
    [
      'the core reads a file at the root',
      {
        'package.json': '{"name": "tree"}\n',
        'lib/core/engine/b.ts':
          "import pkg from '../../../package.json' with { type: 'json' };\nexport const y = pkg;\n",
      },
      'core-is-pure',
    ],
    [
      'rendering imports a package',
      { 'lib/render/e.ts': "import { parse } from 'yaml';\nexport const y = parse;\n" },
      'render-is-pure',
    ],
    [
      'the CLI entry imports the AWS SDK',
      {
        'bin/cli.ts':
          "import { ECRClient } from '@aws-sdk/client-ecr';\nexport const y = ECRClient;\n",
      },
      'sdk-only-in-adapters',
    ],
    [
      'two core files import each other',
      { 'lib/core/model/a.ts': use('./b.ts'), 'lib/core/model/b.ts': use('./a.ts') },
      'no-circular',
    ],
  ])('fails when %s', (_, files, rule) => {
    // Prepare
    const dir = tree(files);

    // Act
    const result = check(dir);

    // Assess
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(rule);
  });
});
