import { buildLocalStack } from '#local/build';

/**
 * Vitest's global setup: builds what `npm start` runs once per test run, from the sources as they
 * are now, so the fault tests that start and kill the server run the build rather than rebuilding it
 * on every start (test/support/local-server-process.ts).
 */
export default async function setup(): Promise<void> {
  await buildLocalStack();
}
