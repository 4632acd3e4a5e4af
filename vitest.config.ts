import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // A private TMPDIR per run that must end empty; every test file removes what it made.
    globalSetup: ['test/setup/global-tmp.ts'],
    setupFiles: ['test/setup/cleanup.ts'],
    hookTimeout: 60_000,
    // Integration tests start real programs on ports of their own; two workers suit the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
