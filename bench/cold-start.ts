/**
 * Cold start per Lambda bundle: each entry point is built exactly as CDK builds it (the options of
 * infra/constructs/lambda-bundling.ts), copied alone into an empty folder, and imported in fresh
 * Node processes with the flags the functions run with. The floor is a bundle built the same way
 * that only constructs a DynamoDB document client and a Step Functions client.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_ENTRY_FILE, esbuildOptions } from '#infra/constructs/lambda-bundling';
import type { BenchPart, Figure, PartOutput } from './lib/figure.ts';
import { percentile } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRYPOINTS = join(ROOT, 'lambdas', 'entrypoints');
const FLOOR_ENTRY = join(ROOT, 'bench', 'lib', 'cold-start-floor.ts');
const TSCONFIG = join(ROOT, 'tsconfig.json');
/** A bundle's init may be at most this many times the floor's. */
const TARGET_RATIO = 2;

/** What the function sees at init besides the runtime's own variables (CDK sets these). */
const FUNCTION_ENV = {
  TABLE_NAME: 'hitl-approvals-bench',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'hitl-approvals',
  LOG_LEVEL: 'INFO',
  TOOL_MAIL_FROM: 'hitl-approvals@example.com',
  SENDER_EMAIL: 'hitl-approvals@example.com',
  PUBLIC_BASE_URL: 'https://approvals.example.com',
  LINK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:hitl-link-key',
  USER_POOL_ID: 'us-east-1_Bench0001',
};
/** As HitlFunction sets NODE_OPTIONS. */
const NODE_FLAGS = ['--enable-source-maps'];

/** The packages that make up the AWS SDK v3 in a bundle. */
const SDK_PACKAGE = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/lambda-invoke-store|fast-xml-parser|strnum|bowser|tslib|uuid)\//;
const SDK_IMPORT = /^(@aws-sdk|@smithy)\//;

export interface BundleInit {
  readonly entry: string;
  /** Every file of the bundle: `index.mjs` and its chunks. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Bytes of the bundle that come from the AWS SDK (eager and lazily loaded alike). */
  readonly sdkBytes: number;
  /** What init reads and compiles: `index.mjs` and the chunks it imports statically, not those behind `import()`. */
  readonly initBytes: number;
  /** The AWS SDK's part of `initBytes`. */
  readonly initSdkBytes: number;
  /** Median init, ms, as deployed. */
  readonly initMs: number | null;
  readonly initP90Ms: number | null;
  /**
   * Median CPU time of init, as deployed: the work itself, which waiting for a busy machine's cores
   * does not stretch. A Lambda function of 256 to 512 MB gets a fraction of a vCPU, so there its
   * init takes about this CPU time divided by that fraction.
   */
  readonly initCpuMs?: number | null;
  /** Median init with every AWS SDK module replaced by an empty stand-in: what our own code costs. */
  readonly withoutSdkMs: number | null;
  /** Median init with the SDK left out of the bundle and loaded from node_modules, as the runtime's copy was. */
  readonly runtimeSdkMs: number | null;
  readonly error?: string;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly floor: BundleInit;
  readonly bundles: BundleInit[];
}

/** Entry files that export a `handler`; wiring modules (aws-deps.ts and the like) are not functions. */
export function lambdaEntrypoints(): string[] {
  return readdirSync(ENTRYPOINTS)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /export\s+const\s+handler\b/.test(readFileSync(join(ENTRYPOINTS, file), 'utf8')))
    .sort();
}

/**
 * Replaces every AWS SDK module with stand-ins of the same export names that accept anything, so
 * the bundle's init without the SDK can be timed (our code still runs its module-level wiring).
 */
const sdkStandIns: Plugin = {
  name: 'sdk-stand-ins',
  setup(b) {
    b.onResolve({ filter: SDK_IMPORT }, (args) => ({ path: args.path, namespace: 'sdk-stand-in' }));
    b.onLoad({ filter: /.*/, namespace: 'sdk-stand-in' }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      const stub =
        "const h={get:(_,k)=>k==='then'||typeof k==='symbol'?undefined:s,apply:()=>s,construct:()=>s};const s=new Proxy(function(){},h);";
      return { contents: `${stub}${names.map((name) => `export const ${name}=s;`).join('')}export default s;`, loader: 'js' };
    });
  },
};

type Variant = 'deployed' | 'withoutSdk' | 'runtimeSdk';

async function buildVariant(entry: string, dir: string, variant: Variant): Promise<{ file: string; metafile: Metafile }> {
  const options: BuildOptions = { ...esbuildOptions(existsSync(TSCONFIG) ? TSCONFIG : undefined, dir), logLevel: 'silent', metafile: true };
  const extra: BuildOptions =
    variant === 'withoutSdk' ? { plugins: [...(options.plugins ?? []), sdkStandIns] } : variant === 'runtimeSdk' ? { external: ['@aws-sdk/*'] } : {};
  const result = await build({ ...options, ...extra, entryPoints: [entry] });
  const outfile = join(dir, BUNDLE_ENTRY_FILE);
  // The runtime's SDK resolves from node_modules beside the bundle, as /var/runtime's does on Lambda.
  if (variant === 'runtimeSdk') symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { file: outfile, metafile: result.metafile! };
}

/** An empty folder outside the repository, with no node_modules above it. */
function emptyFolder(root: string, name: string): string {
  const dir = mkdtempSync(join(root, `${name}-`));
  for (let up = dir; up !== dirname(up); up = dirname(up)) {
    if (existsSync(join(dirname(up), 'node_modules'))) throw new Error(`${dirname(up)} has node_modules: bundles there could load packages they do not carry`);
  }
  return dir;
}

/** One init: wall time, and the CPU time the process spent on it (all its threads: compiling, GC). */
function initOnce(file: string): { wall: number; cpu: number } {
  const script =
    `const t = performance.now(), c = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const used = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (used.user + used.system) / 1000 }));`;
  const child = spawnSync(process.execPath, [...NODE_FLAGS, '--input-type=module', '-e', script], {
    cwd: dirname(file),
    env: { PATH: process.env.PATH, ...FUNCTION_ENV },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`init failed: ${firstErrorLine(child.stderr ?? '')}`);
  return JSON.parse(child.stdout) as { wall: number; cpu: number };
}

function firstErrorLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => /^\w*Error\b/.test(l.trim()) && l.length < 500);
  return (line ?? stderr.slice(-300)).trim();
}

interface Built {
  readonly entry: string;
  readonly files: Partial<Record<Variant, string>>;
  readonly samples: Record<Variant, number[]>;
  /** CPU time of the deployed variant's inits. */
  readonly cpuSamples: number[];
  sizes: BundleSizes;
  readonly errors: string[];
}

interface BundleSizes {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sdkBytes: number;
  readonly initBytes: number;
  readonly initSdkBytes: number;
}

const NO_SIZES: BundleSizes = { bytes: 0, gzipBytes: 0, sdkBytes: 0, initBytes: 0, initSdkBytes: 0 };

/** The sizes of a split bundle: all of its files, and those loaded at init (the entry and its static imports). */
function bundleSizes(metafile: Metafile): BundleSizes {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const entry = outputs.find(([file]) => basename(file) === BUNDLE_ENTRY_FILE)![0];
  const atInit = new Set<string>();
  for (const pending = [entry]; pending.length > 0; ) {
    const file = pending.pop()!;
    if (atInit.has(file)) continue;
    atInit.add(file);
    pending.push(...metafile.outputs[file].imports.filter((i) => i.kind === 'import-statement' && i.path in metafile.outputs).map((i) => i.path));
  }
  const sdkOf = (file: string) => Object.entries(metafile.outputs[file].inputs).filter(([input]) => SDK_PACKAGE.test(input)).reduce((sum, [, info]) => sum + info.bytesInOutput, 0);
  const sum = (files: string[], size: (file: string) => number) => files.reduce((total, file) => total + size(file), 0);
  const all = outputs.map(([file]) => file);
  return {
    bytes: sum(all, (file) => metafile.outputs[file].bytes),
    gzipBytes: sum(all, (file) => gzipSync(readFileSync(file)).length),
    sdkBytes: sum(all, sdkOf),
    initBytes: sum([...atInit], (file) => metafile.outputs[file].bytes),
    initSdkBytes: sum([...atInit], sdkOf),
  };
}

/**
 * Builds every entry point and the floor in three variants, then times their init round-robin
 * (every bundle once per round, so load from other processes hits all of them alike), `runs`
 * rounds after one warm-up round that fills the OS file cache, as a provisioned sandbox's disk is.
 */
export async function benchColdStart(runs = 7, log = console.log): Promise<ColdStartResult> {
  const root = mkdtempSync(join(tmpdir(), 'hitl-cold-start-'));
  try {
    const entries = [{ entry: 'floor', path: FLOOR_ENTRY }, ...lambdaEntrypoints().map((file) => ({ entry: file, path: join(ENTRYPOINTS, file) }))];
    const built: Built[] = [];
    for (const { entry, path } of entries) {
      const item: Built = { entry, files: {}, samples: { deployed: [], withoutSdk: [], runtimeSdk: [] }, cpuSamples: [], sizes: NO_SIZES, errors: [] };
      for (const variant of ['deployed', 'withoutSdk', 'runtimeSdk'] as const) {
        try {
          const { file, metafile } = await buildVariant(path, emptyFolder(root, `${basename(entry, '.ts')}-${variant}`), variant);
          item.files[variant] = file;
          if (variant === 'deployed') item.sizes = bundleSizes(metafile);
        } catch (error) {
          item.errors.push(`${variant}: bundling failed: ${(error as Error).message.split('\n')[0]}`);
        }
      }
      built.push(item);
    }
    for (let round = 0; round <= runs; round++) {
      for (const item of built) {
        for (const [variant, file] of Object.entries(item.files) as [Variant, string][]) {
          try {
            const { wall, cpu } = initOnce(file);
            if (round > 0) item.samples[variant].push(wall);
            if (round > 0 && variant === 'deployed') item.cpuSamples.push(cpu);
          } catch (error) {
            item.errors.push(`${variant}: ${(error as Error).message}`);
            delete item.files[variant];
          }
        }
      }
      log(`  cold start: round ${round} of ${runs} done`);
    }
    const figures = built.map((item): BundleInit => {
      const median = (variant: Variant) => (item.samples[variant].length ? percentile([...item.samples[variant]].sort((a, b) => a - b), 50) : null);
      return {
        entry: item.entry,
        ...item.sizes,
        initMs: median('deployed'),
        initCpuMs: item.cpuSamples.length ? percentile([...item.cpuSamples].sort((a, b) => a - b), 50) : null,
        initP90Ms: item.samples.deployed.length ? percentile([...item.samples.deployed].sort((a, b) => a - b), 90) : null,
        withoutSdkMs: median('withoutSdk'),
        runtimeSdkMs: median('runtimeSdk'),
        ...(item.errors.length ? { error: item.errors.join('; ') } : {}),
      };
    });
    for (const f of figures) {
      log(`  ${f.entry}: ${(f.bytes / 1024).toFixed(0)} KB (${(f.initBytes / 1024).toFixed(0)} KB at init), init ${f.initMs?.toFixed(1) ?? 'n/a'} ms, CPU ${f.initCpuMs?.toFixed(1) ?? 'n/a'} ms (without the SDK ${f.withoutSdkMs?.toFixed(1) ?? 'n/a'} ms; runtime's SDK ${f.runtimeSdkMs?.toFixed(1) ?? 'n/a'} ms)${f.error ? ` ${f.error}` : ''}`);
    }
    return { runs, floor: figures[0], bundles: figures.slice(1) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ratioText = (b: BundleInit, floor: BundleInit) => (b.initMs !== null && floor.initMs ? `${(b.initMs / floor.initMs).toFixed(2)}×` : 'n/a ×');

/** The SDK's share of a bundle's init: init as deployed minus init with the SDK stood in. */
function sdkShare(b: BundleInit): string {
  if (b.initMs === null || b.withoutSdkMs === null) return 'SDK share n/a';
  const sdk = Math.max(0, b.initMs - b.withoutSdkMs);
  return `SDK ${sdk.toFixed(0)} ms = ${((100 * sdk) / b.initMs).toFixed(0)}%`;
}

export const coldStartPart: BenchPart = {
  id: 'cold-start',
  title: 'Cold start: module init per Lambda bundle, against a floor built the same way',
  run: async ({ quick, log }) => coldStartFigures(await benchColdStart(quick ? 2 : 9, log)),
};

/** The figures of a cold-start run. */
export function coldStartFigures(result: ColdStartResult): PartOutput {
  const floor = result.floor;
  const figures: Figure[] = [];
  const section = 'Init (median, fresh Node process, only the bundle on disk, --enable-source-maps)';
  figures.push({
    section,
    name: 'floor: DynamoDB document client + Step Functions client',
    value: floor.initMs ?? (floor.error ?? 'n/a'),
    unit: floor.initMs === null ? '' : 'ms',
    detail: `${kb(floor.initBytes)}; ${sdkShare(floor)}`,
  });
  for (const b of result.bundles) {
    const ratio = b.initMs !== null && floor.initMs ? b.initMs / floor.initMs : null;
    figures.push({ section, name: `${b.entry} init`, value: b.initMs ?? (b.error ?? 'n/a'), unit: b.initMs === null ? '' : 'ms', detail: `${sdkShare(b)}; p90 ${b.initP90Ms?.toFixed(1) ?? 'n/a'} ms` });
    figures.push({
      section,
      name: `${b.entry} init ratio to floor`,
      value: ratio === null ? 'n/a' : Number(ratio.toFixed(2)),
      unit: ratio === null ? '' : '×',
      target: `≤ ${TARGET_RATIO}×`,
      met: ratio !== null && ratio <= TARGET_RATIO,
    });
    const cpuRatio = b.initCpuMs && floor.initCpuMs ? b.initCpuMs / floor.initCpuMs : null;
    figures.push({
      section,
      name: `${b.entry} init CPU time ratio to floor`,
      value: cpuRatio === null ? 'n/a' : Number(cpuRatio.toFixed(2)),
      unit: cpuRatio === null ? '' : '×',
      detail: `${b.initCpuMs?.toFixed(1) ?? 'n/a'} ms CPU; the floor's ${floor.initCpuMs?.toFixed(1) ?? 'n/a'} ms`,
    });
  }
  const sizes = 'Bundle size (minified ESM split into chunks, AWS SDK clients inside)';
  for (const b of [floor, ...result.bundles]) {
    figures.push({
      section: sizes,
      name: `${b.entry} size`,
      value: Math.round(b.bytes / 1024),
      unit: 'KB',
      detail: `loaded at init ${kb(b.initBytes)} (AWS SDK ${kb(b.initSdkBytes)}); AWS SDK in all ${kb(b.sdkBytes)}; gzip ${kb(b.gzipBytes)}`,
    });
  }
  const before = 'For comparison: the AWS SDK left out and loaded from node_modules, as the runtime\'s copy was';
  for (const b of [floor, ...result.bundles]) {
    figures.push({ section: before, name: `${b.entry} init with the runtime's SDK`, value: b.runtimeSdkMs ?? 'n/a', unit: b.runtimeSdkMs === null ? '' : 'ms' });
  }
  const missed = result.bundles.filter((b) => !(b.initMs !== null && floor.initMs && b.initMs / floor.initMs <= TARGET_RATIO));
  const floorOwn = floor.withoutSdkMs ?? 0;
  const misses = Object.fromEntries(
    missed.map((b) => [
      `${b.entry} init ratio to floor`,
      `**${b.entry} init (${b.initMs?.toFixed(0) ?? 'n/a'} ms, ${ratioText(b, floor)} the floor's ${floor.initMs?.toFixed(0) ?? 'n/a'} ms).** ` +
        `Its SDK share is ${sdkShare(b)} (the floor's: ${sdkShare(floor)}); the rest is our own module-level code, ${b.withoutSdkMs === null ? 'n/a' : `${(b.withoutSdkMs - floorOwn).toFixed(0)} ms`} more than the floor's with the SDK stood in; what would close it is under the cold-start figures.`,
    ]),
  );
  return {
    figures,
    raw: result,
    misses,
    meaning:
      'Each Lambda entry point is built with the esbuild options CDK uses for it (infra/constructs/lambda-bundling.ts, shared by both): minified ESM split into chunks, ' +
      'code reached only through `import()` in chunk files beside `index.mjs` that Node reads and compiles only when first imported. ' +
      'The bundle sits alone in an empty folder with no node_modules reachable, and is imported in a fresh `node --enable-source-maps` process with the function\'s environment. ' +
      `Init is the median of ${result.runs} imports after one warm-up, round-robin over all bundles; ` +
      'beside its wall time, the CPU time the process spent on it, which a busy shared machine does not stretch as it does wall time (a 256 to 512 MB Lambda function gets a fraction of a vCPU, so there init takes about that CPU time over the fraction). ' +
      'The floor is a bundle built the same way that only constructs a DynamoDB document client and a Step Functions client: the least any function here can do. ' +
      'The SDK share is init as deployed minus init of the same bundle with every AWS SDK module replaced by a stand-in. ' +
      'Size counts every file of the bundle; "loaded at init" only the entry and the chunks it imports statically. ' +
      'Loaded on first use, in chunks of their own: the clients a function rarely uses (Cognito, Secrets Manager, SES, Lambda, Bedrock), the MCP SDK with ajv, ' +
      'and in the API the flow, flow editor, tool and gate routes (with the tool registry, built when first needed). ' +
      'Bundles keep only zod\'s English locale (the MCP SDK\'s namespace import kept all 40, some 260 KB compiled at every init). ' +
      'Lambda\'s own runtime bootstrap comes on top of every figure. ' +
      'Above the floor, the rest of init is our own module-level code: zod itself and the schemas built at load, and the CEL policy engine with re2js (about 230 KB), ' +
      'which every function loads because the stored request\'s schema checks its policy rules synchronously; loading it on first use would take asynchronous schema checks at every parse of a request.',
  };
}
