import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFoldersFirst } from './test/support/slow-folders-first.ts';

/** test/infra files but those that mock modules (api-routes) or bundle and run the functions. */
const CDK_SHARED = ['test/infra/!(api-routes|bundling|lazy-clients-bundle).test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Generous: two workers on two cores that other work also loads can make a CDK synth or a server
    // restart take several times its idle time. A timeout is not what a test asserts.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // A poll waits for what the page or the server does next; on two busy cores that can take seconds.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a two-core machine. Most files wait
    // on servers, child processes and the browser, so one worker per core keeps them busy (on two
    // cores a third worker took as long: the files' own processes fill the cores).
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: SlowFoldersFirst },
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results.json' },
    projects: [
      {
        // Pure tests hold no global state (fake timers and SDK stubs are restored after each test), so
        // their files share a worker and its loaded modules instead of each starting a fresh process.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        // CDK tests only build construct trees in memory: like pure tests, their files share a worker,
        // which loads aws-cdk-lib once instead of once per file. Files that mock modules or run
        // bundles in child processes keep their own process.
        extends: true,
        test: { name: 'cdk', include: CDK_SHARED, isolate: false },
      },
      {
        // Everything that starts engines, servers, processes or a browser gets a fresh process per file.
        extends: true,
        // It builds what `npm start` runs once, for the tests that start and kill the server.
        test: { name: 'local', include: ['test/**/*.test.ts'], exclude: ['test/unit/**', ...CDK_SHARED], globalSetup: ['test/support/build-local-stack.ts'] },
      },
    ],
  },
});
