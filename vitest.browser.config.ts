import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the tests that open pages in headless Chromium (test/browser/). Apart
// from `npm test` because they need Chromium (/usr/bin/chromium, or CHROMIUM_PATH); .ci/run
// installs Debian's chromium when it is missing and runs them after `npm test`.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One browser at a time: a 2-core machine.
    fileParallelism: false,
  },
});
