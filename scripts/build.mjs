// Bundles the CLI (dist/cli.mjs) and, unless --cli, the Lambda handlers (dist/handlers/*.mjs)
// with the repository's policy.yml inlined. An invalid policy fails the build with its errors.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const cliOnly = process.argv.includes('--cli');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Some dependencies still call require(); give ESM bundles one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: ['bin/cli.ts'], outfile: 'dist/cli.mjs', target: 'node20' });

if (!cliOnly) {
  const policyFile = 'policy.yml';
  const check = spawnSync(process.execPath, ['dist/cli.mjs', 'check-policy', policyFile], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    process.stderr.write(`build: ${policyFile} is not a valid policy:\n${check.stderr}`);
    process.exit(1);
  }
  const bundledPolicy = { file: policyFile, text: readFileSync(policyFile, 'utf8') };
  const handlers = ['image-action', 'api-call', 'scheduled-scan'].filter((name) =>
    existsSync(`handlers/${name}.ts`),
  );
  await build({
    ...common,
    entryPoints: Object.fromEntries(handlers.map((name) => [name, `handlers/${name}.ts`])),
    outdir: 'dist/handlers',
    outExtension: { '.js': '.mjs' },
    target: 'node24',
    minify: true,
    define: { ...common.define, __BUNDLED_POLICY__: JSON.stringify(bundledPolicy) },
  });
}
