/**
 * Entry of the `ecr-tag-auditor` executable (bundled to dist/cli.mjs).
 *
 * @module
 */
import { main } from '../lib/cli/main.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
