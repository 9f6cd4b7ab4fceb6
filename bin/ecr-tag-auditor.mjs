#!/usr/bin/env node
// The CLI is bundled by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('ecr-tag-auditor: dist/cli.mjs is missing; run `npm run build` first.\n');
  process.exit(2);
}
await import(bundle.href);
