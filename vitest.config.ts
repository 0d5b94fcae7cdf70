import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests drive real git and the built CLI as processes: slower than unit tests, and fine in parallel. They
    // wait on those processes most of the time, so two files run at once even on two cores (vitest's default
    // there is one): 308 s -> 239 s for the whole suite on these 2-core machines.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report is what .ci/run reads for its closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
