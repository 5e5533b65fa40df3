import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onFirstUse } from '#adapters/aws/on-first-use';

/** The worker thread's entry, from the project root. */
export const DYNAMODB_WORKER_ENTRY = 'infra/local/dynamodb-worker.ts';
/** The name of the worker's bundle, which the build writes beside every bundle of the local stack. */
export const DYNAMODB_WORKER_BUNDLE = 'dynamodb-worker.mjs';

/**
 * The script the local DynamoDB's worker thread runs. The build leaves this module the URL of the
 * bundle it is part of (see `keepSourceFileUrls`), so a bundled stack finds the worker's bundle beside
 * its own. Run from source (tsx, vitest) there is no bundle, and a worker thread gets no TypeScript
 * loader: the worker is bundled on first use, once per process (about 50 ms), into the build folder,
 * where its dependencies resolve from node_modules as the stack's do.
 */
export function dynamoWorkerScript(): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(new URL(`./${DYNAMODB_WORKER_BUNDLE}`, import.meta.url));
  return workerBundledFromSource();
}

const workerBundledFromSource = onFirstUse(async () => {
  // Loaded here, not with the module: a stack started from its build never bundles anything.
  const { bundleForNode, LOCAL_BUILD_DIR } = await import('./build.ts');
  const outfile = join(LOCAL_BUILD_DIR, 'from-source', DYNAMODB_WORKER_BUNDLE);
  await bundleForNode(DYNAMODB_WORKER_ENTRY, outfile);
  return pathToFileURL(outfile);
});
