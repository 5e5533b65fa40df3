import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

// The code is ESM ("type": "module"); a few CommonJS dependencies still call `require`, which ESM
// output lacks, so the banner defines it for them (in every file of the bundle).
const ESM_REQUIRE_BANNER = "import { createRequire as __hitlCreateRequire } from 'node:module';const require = __hitlCreateRequire(import.meta.url);";

/**
 * zod re-exports its 40-odd message locales as one namespace (`z.locales`); a bundle that uses the
 * namespace as a value (the MCP SDK's `import * as z` does) keeps every one of them, and compiles
 * about 260 KB of them at each cold start (some 25 ms). The functions answer in English, the only
 * locale zod configures by default: the namespace keeps `en` only. Like leaving out moment's
 * locales, it is a bundling choice; `z.locales.fr` is undefined in a bundle.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: args.importer, namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// The local `z` of zod's JSON Schema reader, as zod writes it.
const SPREAD_Z = /const z = \{\s*\.\.\._schemas,\s*\.\.\._checks,\s*iso: _iso,\s*\};/;

/**
 * zod's JSON Schema reader (`z.fromJSONSchema`, which builds the argument schema of a tool saved
 * with a JSON Schema) makes its own `z` by spreading the namespaces of every schema kind and check.
 * A namespace used as a value keeps all its exports, so any bundle that can reach the reader, even
 * behind `import()`, compiles every zod schema kind at init (some 45 KB in the API and flow
 * functions). The plugin writes that `z` with the members the reader uses, by name, taken from the
 * namespace the spread took them from (checks over schemas, as the spread's order has it); the
 * bundle keeps only those. A zod whose reader is not written this way fails the build, naming it.
 */
export const zodJsonSchemaReaderByName: Plugin = {
  name: 'zod-json-schema-reader-by-name',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]classic[\\/]from-json-schema\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!SPREAD_Z.test(source)) throw new Error(`${args.path}: zod's JSON Schema reader no longer spreads its namespaces into \`z\`; update zodJsonSchemaReaderByName`);
      const dir = dirname(args.path);
      const [schemas, checks] = await Promise.all(['schemas.js', 'checks.js'].map(async (file) => Object.keys(await import(pathToFileURL(join(dir, file)).href))));
      const used = [...new Set([...source.matchAll(/\bz\.([A-Za-z_$][\w$]*)/g)].map((match) => match[1]))].filter((name) => name !== 'iso');
      const members = used.map((name) => {
        if (checks.includes(name)) return `${name}: _checks.${name}`;
        if (schemas.includes(name)) return `${name}: _schemas.${name}`;
        throw new Error(`${args.path}: z.${name} is neither a zod schema nor a check`);
      });
      return { contents: source.replace(SPREAD_Z, `const z = { ${members.join(', ')}, iso: _iso };`), loader: 'js', resolveDir: dir };
    });
  },
};

/** The file Lambda loads (`index.handler`); the chunks it imports sit beside it. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * How every Lambda bundle is built, in one place, so that CDK (`HitlFunction`) and the cold-start
 * bench build the very same files.
 *
 * The AWS SDK clients are bundled, tree-shaken, instead of loaded from the runtime's copy (as
 * Powertools recommends): importing the runtime's SDK means resolving and compiling hundreds of
 * small files at every cold start, and pins our behaviour to whatever SDK version the runtime has.
 *
 * The bundle is split: code reached only through `import()` (the clients a function rarely needs,
 * see `lambdas/adapters/aws/on-first-use.ts`, the MCP SDK, the policy engine, route groups) goes
 * into chunk files beside `index.mjs`, which Node reads and compiles only when first imported.
 * Compiling is most of a cold start's cost above the SDK's, and it grows with the bytes loaded.
 * Chunks share the entry's folder, so `new URL('./x/', import.meta.url)` means the same folder in
 * every one of them.
 */
export function esbuildOptions(tsconfig: string | undefined, outdir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [],
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    splitting: true,
    outdir,
    entryNames: 'index',
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    plugins: [zodEnglishOnly, zodJsonSchemaReaderByName],
    ...(tsconfig ? { tsconfig } : {}),
  };
}

/** Builds one entry file into `outdir` (`index.mjs`, its chunks and their source maps). */
export async function bundleLambda(entry: string, outdir: string, tsconfig: string | undefined): Promise<void> {
  await build({ ...esbuildOptions(tsconfig, outdir), entryPoints: [entry], logLevel: 'warning' });
}
