import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A poll waits for what the page or the server does next; on two busy cores that can take seconds.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results.json' },
  },
});
