import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { DASHBOARD_ASSET_FILES } from '../../lambdas/channels/dashboard/dashboard-assets.ts';
import { buildDashboardAssets } from '../web/dashboard-build.ts';
import { DYNAMODB_WORKER_BUNDLE, DYNAMODB_WORKER_ENTRY } from './dynamodb-worker-script.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm start` puts the local stack it runs: the server bundle, its source map and the dashboard in `web/`. */
export const LOCAL_BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'hitl-local');

/** Modules besides the entry points that find what the build wrote beside the bundle. */
const FIND_BESIDE_THE_BUNDLE = [join(ROOT, 'infra/local/dynamodb-worker-script.ts')];

/**
 * Each of our modules keeps the `import.meta.url` of its source file, as under tsx: they find
 * config/, gates/, tools/ and the state machine definitions relative to themselves, and in one
 * bundle they would all share the bundle's URL. An entry point keeps the bundle's own URL, to find
 * what the build wrote beside it, and so do the modules in FIND_BESIDE_THE_BUNDLE.
 */
function keepSourceFileUrls(entryPoints: readonly string[]): Plugin {
  return {
    name: 'keep-source-file-urls',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (path.includes(`${sep}node_modules${sep}`) || entryPoints.includes(path) || FIND_BESIDE_THE_BUNDLE.includes(path)) return undefined;
        const { transform } = await import('esbuild');
        const source = await readFile(path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        // esbuild's define works on the syntax tree (strings and comments stay as they are); the
        // inline source map carries the original lines through to the bundle's map.
        const { code } = await transform(source, {
          loader: 'ts',
          format: 'esm',
          sourcefile: path,
          sourcemap: 'inline',
          define: { 'import.meta.url': JSON.stringify(pathToFileURL(path).href) },
        });
        return { contents: code, loader: 'js' };
      });
    },
  };
}

/**
 * Bundles one entry point of ours into `outfile` (ESM, with a source map) for plain `node`: no
 * TypeScript compiler at run time. Dependencies stay in node_modules and load as Node loads them,
 * only when imported (dynalite's native LevelDB binding, and the iterator fix that patches the very
 * copy dynalite uses). Beside it goes the local DynamoDB's worker thread (DYNAMODB_WORKER_BUNDLE),
 * which the bundle finds there when it starts the local stack. Each file is replaced in one rename,
 * so a server starting meanwhile never reads half of it.
 */
export async function bundleForNode(entry: string, outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  const entryPath = join(ROOT, entry);
  const workerPath = join(ROOT, DYNAMODB_WORKER_ENTRY);
  if (extname(outfile) !== '.mjs') throw new Error(`a bundle for node is an .mjs file: ${outfile}`);
  const result = await build({
    entryPoints: { [basename(outfile, '.mjs')]: entryPath, [basename(DYNAMODB_WORKER_BUNDLE, '.mjs')]: workerPath },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    plugins: [keepSourceFileUrls([entryPath, workerPath])],
  });
  await mkdir(dirname(outfile), { recursive: true });
  await Promise.all(result.outputFiles.map((file) => replaceFile(file.path, file.contents)));
}

/**
 * Builds what `npm start` runs into LOCAL_BUILD_DIR: the server bundle and the dashboard's script
 * and style. A dashboard that does not build leaves none behind (the server then tries again and
 * reports it, as run from source), so the page never serves an older build.
 */
export async function buildLocalStack(): Promise<void> {
  const web = join(LOCAL_BUILD_DIR, 'web');
  const [, assets] = await Promise.all([
    bundleForNode('infra/local/main.ts', join(LOCAL_BUILD_DIR, 'main.mjs')),
    buildDashboardAssets().catch(async (error: Error) => {
      await rm(web, { recursive: true, force: true });
      console.error(`the dashboard did not build: ${error.message}`);
      return undefined;
    }),
  ]);
  if (!assets) return;
  await mkdir(web, { recursive: true });
  await replaceFile(join(web, DASHBOARD_ASSET_FILES.script), assets.script);
  await replaceFile(join(web, DASHBOARD_ASSET_FILES.style), assets.style);
}

async function replaceFile(path: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}
