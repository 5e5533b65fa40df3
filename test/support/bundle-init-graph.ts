import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { onTestFinished } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { esbuildOptions } from '#infra/constructs/lambda-bundling';

/** The entry files of the Lambda functions: those of lambdas/entrypoints that export a `handler`. */
export function lambdaEntryFiles(): string[] {
  const dir = join(REPO_ROOT, 'lambdas', 'entrypoints');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /export\s+const\s+handler\b/.test(readFileSync(join(dir, file), 'utf8')))
    .map((file) => join(dir, file));
}

/** The files a split bundle reads and compiles at init: `index.mjs` and the chunks it imports statically, not those behind `import()`. */
export function outputsAtInit(metafile: Metafile): string[] {
  const atInit = new Set<string>();
  for (const pending = Object.keys(metafile.outputs).filter((file) => file.endsWith('/index.mjs')); pending.length > 0; ) {
    const file = pending.pop()!;
    if (atInit.has(file)) continue;
    atInit.add(file);
    pending.push(...metafile.outputs[file].imports.filter((i) => i.kind === 'import-statement' && i.path in metafile.outputs).map((i) => i.path));
  }
  return [...atInit];
}

/** The source files of the outputs read at init (outputsAtInit). */
export function sourcesAtInit(metafile: Metafile): string[] {
  return outputsAtInit(metafile).flatMap((file) => Object.keys(metafile.outputs[file].inputs));
}

/** Every source file of the bundle, loaded at init or later. */
export function sourcesInBundle(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
}

/**
 * `entry` bundled as CDK bundles a function, alone in a fresh folder (removed when the test ends):
 * the folder, to run the bundle from, and esbuild's metafile, to see what it reads at init.
 */
export async function bundledAsCdkBuilds(entry: string): Promise<{ dir: string; metafile: Metafile }> {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-bundle-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const { metafile } = await build({ ...esbuildOptions(join(REPO_ROOT, 'tsconfig.json'), dir), entryPoints: [entry], logLevel: 'silent', metafile: true });
  return { dir, metafile };
}
