// Bundles the CLI (dist/cli.mjs) and, unless --cli, the Lambda handlers (dist/handlers/*.mjs).
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
    metafile: false,
  });
}
