import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { REPO_ROOT } from '#infra/constructs/hitl-function';

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
