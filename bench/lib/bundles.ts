import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { percentile } from './stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRYPOINTS = join(ROOT, 'lambdas', 'entrypoints');

/**
 * The options HitlFunction (infra/constructs/hitl-function.ts) gives CDK's NodejsFunction, which
 * hands them to esbuild: ESM for Node 22, minified, with an external source map, and the AWS SDK v3
 * left out because the nodejs22.x runtime ships it.
 */
export const NODEJS_FUNCTION_OPTIONS: BuildOptions & { metafile: true } = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: { js: "import { createRequire as __hitlCreateRequire } from 'node:module';const require = __hitlCreateRequire(import.meta.url);" },
  tsconfig: join(ROOT, 'tsconfig.json'),
  logLevel: 'silent',
  metafile: true,
};

/** What the function sees at init besides the runtime's own variables. */
const DUMMY_ENV = {
  TABLE_NAME: 'hitl-approvals-bench',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'hitl-approvals',
  LOG_LEVEL: 'INFO',
  // Functions that refuse to start without their channel settings get placeholders, as CDK sets them.
  TOOL_MAIL_FROM: 'hitl-approvals@example.com',
  SENDER_EMAIL: 'hitl-approvals@example.com',
  PUBLIC_BASE_URL: 'https://approvals.example.com',
  LINK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:hitl-link-key',
  USER_POOL_ID: 'us-east-1_Bench0001',
};

/**
 * `import { z } from 'zod'` hands esbuild zod's whole namespace object, so nothing of zod is
 * tree-shaken (about 440 KB); `import * as z from 'zod'` lets it keep only what is used. This
 * plugin applies that one-line change to our sources, to show what it would save.
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(b) {
    b.onLoad({ filter: /\/(lambdas|statemachines)\/.*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"),
      loader: 'ts',
    }));
  },
};

export interface BundleFigure {
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median module init time over fresh processes, with --enable-source-maps as deployed. */
  readonly initMs: number | null;
  readonly initP90Ms: number | null;
  /** The same without source maps enabled. */
  readonly initNoSourceMapsMs: number | null;
  /** Importing only the AWS SDK packages the bundle imports: the part of init our code does not control. */
  readonly sdkInitMs: number | null;
  /** The largest contributors to the bundle, in KB. */
  readonly topInputs: { readonly name: string; readonly kb: number }[];
  /** With `import * as z from 'zod'` instead of `import { z } from 'zod'`. */
  readonly zodNamespaceBytes: number;
  readonly zodNamespaceInitMs: number | null;
  /** With the AWS SDK bundled too (nothing external), minified and tree-shaken. */
  readonly sdkBundledBytes: number;
  readonly sdkBundledInitMs: number | null;
  readonly error?: string;
}

/** Entry files that export a `handler`; helpers (aws-deps.ts and the like) are not functions. */
export function lambdaEntrypoints(): string[] {
  return readdirSync(ENTRYPOINTS)
    .filter((file) => file.endsWith('.ts') && file !== 'aws-deps.ts')
    .filter((file) => /export\s+const\s+handler\b/.test(readFileSync(join(ENTRYPOINTS, file), 'utf8')))
    .sort();
}

/**
 * Bundles every Lambda entry point as CDK would and times its module init in fresh Node processes.
 * Bundles go to a temporary folder inside node_modules/.cache, so Node resolves the external AWS SDK
 * from the project's node_modules the way the Lambda runtime resolves its own copy (NODE_PATH does
 * not apply to ES modules).
 */
export async function benchBundles(runs = 7, log = console.log): Promise<BundleFigure[]> {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const outdir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'hitl-bench-bundles-'));
  try {
    const figures: BundleFigure[] = [];
    for (const file of lambdaEntrypoints()) {
      const name = basename(file, '.ts');
      const outfile = join(outdir, `${name}.mjs`);
      const whatIfFile = join(outdir, `${name}.zod-namespace.mjs`);
      const sdkBundledFile = join(outdir, `${name}.sdk-bundled.mjs`);
      let metafile: Metafile;
      try {
        metafile = (await build({ ...NODEJS_FUNCTION_OPTIONS, entryPoints: [join(ENTRYPOINTS, file)], outfile })).metafile!;
        await build({ ...NODEJS_FUNCTION_OPTIONS, entryPoints: [join(ENTRYPOINTS, file)], outfile: whatIfFile, plugins: [zodNamespaceImports] });
        await build({ ...NODEJS_FUNCTION_OPTIONS, entryPoints: [join(ENTRYPOINTS, file)], outfile: sdkBundledFile, external: [] });
      } catch (error) {
        figures.push({
          entry: file, bytes: 0, gzipBytes: 0, initMs: null, initP90Ms: null, initNoSourceMapsMs: null, sdkInitMs: null,
          topInputs: [], zodNamespaceBytes: 0, zodNamespaceInitMs: null, sdkBundledBytes: 0, sdkBundledInitMs: null, error: `bundling failed: ${(error as Error).message.split('\n')[0]}`,
        });
        continue;
      }
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
      const sdkPackages = [...new Set(output.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))];
      const sdkOnly = join(outdir, `${name}.sdk-only.mjs`);
      writeFileSync(sdkOnly, sdkPackages.map((p) => `import ${JSON.stringify(p)};`).join('\n'));

      const withMaps = timeInit(outfile, runs, ['--enable-source-maps']);
      const figure: BundleFigure = {
        entry: file,
        bytes: statSync(outfile).size,
        gzipBytes: gzipSync(readFileSync(outfile)).length,
        initMs: withMaps.median,
        initP90Ms: withMaps.p90,
        initNoSourceMapsMs: timeInit(outfile, runs, []).median,
        sdkInitMs: timeInit(sdkOnly, runs, []).median,
        topInputs: topInputs(output.inputs),
        zodNamespaceBytes: statSync(whatIfFile).size,
        zodNamespaceInitMs: timeInit(whatIfFile, runs, ['--enable-source-maps']).median,
        sdkBundledBytes: statSync(sdkBundledFile).size,
        sdkBundledInitMs: timeInit(sdkBundledFile, runs, ['--enable-source-maps']).median,
        ...(withMaps.error ? { error: withMaps.error } : {}),
      };
      figures.push(figure);
      log(
        `  bundle ${file}: ${(figure.bytes / 1024).toFixed(1)} KB, init ${figure.initMs?.toFixed(1) ?? 'n/a'} ms ` +
          `(SDK imports alone ${figure.sdkInitMs?.toFixed(1) ?? 'n/a'} ms)${figure.error ? ` (${figure.error})` : ''}`,
      );
    }
    return figures;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function topInputs(inputs: Metafile['outputs'][string]['inputs']): BundleFigure['topInputs'] {
  const byPackage = new Map<string, number>();
  for (const [file, info] of Object.entries(inputs)) {
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + info.bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => ({ name, kb: Math.round(bytes / 1024) }));
}

function timeInit(bundle: string, runs: number, nodeFlags: string[]): { median: number | null; p90: number | null; error?: string } {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const child = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...DUMMY_ENV },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (child.status !== 0) return { median: null, p90: null, error: `init failed: ${firstErrorLine(child.stderr ?? '')}` };
    // The first run warms the OS file cache, as a provisioned sandbox's disk would be.
    if (i > 0) samples.push(Number(child.stdout));
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p90: percentile(samples, 90) };
}

function firstErrorLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => /^\w*Error\b/.test(l.trim()) && l.length < 500);
  return (line ?? stderr.slice(-300)).trim();
}
