import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs for every mutant of lib/core (stryker.config.mjs): the in-process tests
 * of the pure core only. Integration tests (dynalite, fake AWS over HTTP, child processes, built
 * bundles) are left out: they would multiply the run time and mostly do not see lib/core in
 * process anyway.
 */
export default defineConfig({
  test: {
    include: [
      'test/semantics/**/*.test.ts',
      'test/policy/**/*.test.ts',
      'test/engine/**/*.test.ts',
      'test/events/**/*.test.ts',
      'test/model/**/*.test.ts',
      'test/scan/**/*.test.ts',
      // The alert protocol's plan is pure (lib/core/delivery); its tests are with the alerts'.
      'test/alerts/plan.test.ts',
    ],
    exclude: [
      // MUTATE_WITHOUT_ORACLE=1: leave out the brute-force oracle of compareConfigs, which takes
      // minutes per mutant here (and its timeouts more) — for parts it does not aim at.
      ...(process.env.MUTATE_WITHOUT_ORACLE ? ['test/semantics/compare.oracle.test.ts'] : []),
    ],
    // Instrumented code on a shared machine: the brute-force oracle takes far longer than usual.
    testTimeout: 180_000,
  },
});
