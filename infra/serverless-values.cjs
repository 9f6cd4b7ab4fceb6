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
'use strict';

const path = require('node:path');

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
  return module.serverlessValues();
}

module.exports = async () => {
  values ??= load();
  // A fresh copy for every use: the framework may normalize what it is given in place.
  return structuredClone(await values);
};
