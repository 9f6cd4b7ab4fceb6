// Hands the TypeScript definitions in infra/*.ts to serverless.yml.
//
// osls resolves `${file(./infra/serverless-values.cjs):<name>}` by require()-ing this file (it
// loads only .js/.cjs this way; any other extension is read as text) and, since the export is a
// function, by calling it and following <name> in the object it resolves to.
//
// The single source of truth stays TypeScript (infra/stack.ts and what it imports). To read it
// under any Node.js that osls supports — with or without native type stripping — this file
// bundles infra/stack.ts with esbuild (already needed by the build) in memory, then imports the
// result from a data: URL. Once per osls process.
//
// The api-call role's ECR write for automatic remediation follows the policy the build validated
// and inlined into the bundles, dist/policy.json (of the directory osls runs in): a rule with
// `remediate: true` grants it, no such rule grants nothing. Without that file (no build yet) the
// values cannot be computed, as the bundles would be missing too.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** The policy the build inlined into the handler bundles (scripts/build.mjs). */
function bundledPolicy() {
  const file = path.resolve(process.cwd(), 'dist/policy.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} (run npm run build first): ${error.message}`, {
      cause: error,
    });
  }
}

let values;

async function load() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'stack.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const module = await import(
    `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
  );
  return module.serverlessValues(bundledPolicy());
}

module.exports = async () => {
  values ??= load();
  // A fresh copy for every use: the framework may normalize what it is given in place.
  return structuredClone(await values);
};
