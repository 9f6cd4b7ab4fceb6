// Bundles the CLI (dist/cli.mjs, and dist/replay-worker.mjs beside it) and, unless --cli, the
// Lambda handlers (dist/handlers/*.mjs) with the repository's policy.yml validated and inlined as
// JSON. An invalid policy fails the build with its errors. Unless --cli, it also writes the member
// template of an organization-wide deployment (dist/member-template.json) by running the built
// CLI's `member-template`, so the file and the command's output cannot differ, and the validated
// policy as dist/policy.json, which the stack's IAM is derived from (automatic remediation).
//
// Each handler is one bundle plus the chunks of its dynamic imports beside it
// (dist/handlers/<name>.chunk-*.mjs), loaded only when used: the policy reader with its YAML
// parser (only when POLICY_PATH names a file at run time), and the SDK's own lazy parts (the
// credential providers a Lambda function does not use). A cold start never loads them.
//
// Importing this file builds nothing: bench/ imports `handlerBuildOptions` so that its baseline
// bundles are built exactly as the handlers are.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The Lambda handlers: their entries in handlers/, their bundles in dist/handlers/. */
export const HANDLERS = [
  'image-action',
  'api-call',
  'scheduled-scan',
  'org-plan',
  'org-item',
  'org-summary',
  'securityhub-import',
];

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Prefer the ES module builds of dependencies (the AWS SDK's dist-es) to their CommonJS builds:
  // esbuild can drop what is not used from them. Measured with bench/experiments.ts (see
  // BENCHMARKS.md): the handler bundles shrink from 800 KB to 582 KB, and a cold start is about
  // 17 ms (11 %) shorter.
  mainFields: ['module', 'main'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Some dependencies still call require(); give ESM bundles one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

/**
 * The esbuild options of one handler's bundle (without entry point and output directory), given
 * its name and the validated policy to inline (the JSON of `check-policy --json`).
 */
export function handlerBuildOptions(name, policyJson) {
  return {
    ...common,
    target: 'node24',
    minify: true,
    // Dynamic imports become chunks of their own instead of being inlined (see above).
    splitting: true,
    chunkNames: `${name}.chunk-[hash]`,
    outExtension: { '.js': '.mjs' },
    define: { ...common.define, __BUNDLED_POLICY__: policyJson },
  };
}

async function main() {
  const cliOnly = process.argv.includes('--cli');
  // The CLI, and beside it the worker thread of replay's parallel intake (lib/cli/replay/run.ts). Chunk
  // names change with their content: none may be left from an earlier build.
  rmSync('dist/chunks', { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { cli: 'bin/cli.ts', 'replay-worker': 'lib/cli/replay/worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    // `scan` (with the AWS SDK) is a dynamic import: a chunk loaded only by that command, and the
    // code the worker shares with the CLI is a chunk both load.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'node20',
    define: { ...common.define, __REPLAY_WORKER__: JSON.stringify('./replay-worker.mjs') },
  });
  if (cliOnly) return;
  const policyFile = 'policy.yml';
  const check = spawnSync(
    process.execPath,
    ['dist/cli.mjs', 'check-policy', '--json', policyFile],
    {
      encoding: 'utf8',
    },
  );
  if (check.status !== 0) {
    process.stderr.write(`build: ${policyFile} is not a valid policy:\n${check.stderr}`);
    process.exit(1);
  }
  const policyJson = check.stdout.trim();
  // The same validated policy for the stack: infra/serverless-values.cjs reads it, so that the
  // api-call role may write to ECR exactly when (and where) this policy's rules say remediate: true.
  writeFileSync('dist/policy.json', `${policyJson}\n`);
  const member = spawnSync(process.execPath, ['dist/cli.mjs', 'member-template'], {
    encoding: 'utf8',
  });
  if (member.status !== 0) {
    process.stderr.write(`build: member-template failed:\n${member.stderr}`);
    process.exit(1);
  }
  writeFileSync('dist/member-template.json', member.stdout);
  const handlers = HANDLERS.filter((name) => existsSync(`handlers/${name}.ts`));
  // Chunk names change with their content: a chunk left from an earlier build would be packaged.
  rmSync('dist/handlers', { recursive: true, force: true });
  // One build per handler, so that each lazy chunk belongs to one function's package.
  await Promise.all(
    handlers.map((name) =>
      build({
        ...handlerBuildOptions(name, policyJson),
        entryPoints: { [name]: `handlers/${name}.ts` },
        outdir: 'dist/handlers',
      }),
    ),
  );
}

// Run as a script (also through a symbolic link), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
