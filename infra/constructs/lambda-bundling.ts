import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

// The code is ESM ("type": "module"); a few CommonJS dependencies still call `require`, which ESM
// output lacks, so the banner defines it for them.
const ESM_REQUIRE_BANNER = "import { createRequire as __hitlCreateRequire } from 'node:module';const require = __hitlCreateRequire(import.meta.url);";

/**
 * How every Lambda bundle is built, in one place, so that CDK (`HitlFunction`) and the cold-start
 * bench build the very same file.
 *
 * The AWS SDK clients are bundled, tree-shaken, instead of loaded from the runtime's copy (as
 * Powertools recommends): importing the runtime's SDK means resolving and compiling hundreds of
 * small files at every cold start, and pins our behaviour to whatever SDK version the runtime has.
 * Clients a function rarely needs are loaded with `import()` at first use (see
 * `lambdas/adapters/aws/on-first-use.ts`); esbuild keeps them in the bundle but runs their code only
 * when imported.
 */
export const LAMBDA_BUNDLE = {
  format: 'esm',
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  externalModules: [] as string[],
} as const;

/** The options `NodejsFunction` gets (its defaults would leave `@aws-sdk/*` out). */
export function cdkBundlingOptions(tsconfig: string | undefined): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourceMap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: LAMBDA_BUNDLE.banner,
    externalModules: [...LAMBDA_BUNDLE.externalModules],
    tsconfig,
  };
}

/**
 * The same options as esbuild's API takes them, as `NodejsFunction` turns them into esbuild's
 * command line (`--bundle --platform=node --target --format --minify --sourcemap
 * --sources-content=false --external --main-fields --banner:js --tsconfig`), for builds outside CDK.
 */
export function esbuildOptions(tsconfig: string | undefined): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    external: [...LAMBDA_BUNDLE.externalModules],
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    ...(tsconfig ? { tsconfig } : {}),
  };
}
