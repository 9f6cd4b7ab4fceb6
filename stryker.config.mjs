// @ts-check
/**
 * Mutation testing of the pure core (MUTATION.md): `npm run mutate` for the whole of lib/core,
 * or a part of it with `MUTATE=semantics npm run mutate` (a folder) or
 * `MUTATE=semantics/glob.ts npm run mutate` (a file); reports and incremental file per part.
 * Add `-- --incremental` to reuse the results of unchanged code and tests. Not part of `npm test`.
 */
const part = process.env.MUTATE;
const name = part ? `core-${part.replaceAll('/', '-').replace(/\.ts$/, '')}` : 'core';
const target = part?.endsWith('.ts') ? `lib/core/${part}` : `lib/core/${part}/**/*.ts`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: [part ? target : 'lib/core/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Several engineers share a 2-core machine.
  concurrency: 2,
  // A mutant that makes a search loop forever is a timeout (counted as detected).
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ['html', 'clear-text', 'json', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 70, break: null },
};
