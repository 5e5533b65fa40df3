import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { esbuildOptions } from '#infra/constructs/lambda-bundling';
import { lambdaEntryFiles, outputsAtInit } from '../support/bundle-init-graph.ts';
import { probe } from '../support/json-schema-reader-probe.ts';

/** zod schema kinds no code of ours and no part of zod we use builds: a bundle that compiles them at init holds every zod export. */
const UNUSED_KINDS = ['"$ZodTemplateLiteral"', '"$ZodFile"', '"$ZodFunction"'];

async function bundled(entry: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-zod-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const { metafile } = await build({ ...esbuildOptions(join(REPO_ROOT, 'tsconfig.json'), dir), entryPoints: [entry], logLevel: 'silent', metafile: true });
  return { dir, metafile };
}

describe('zod in the Lambda bundles, built as CDK builds them', () => {
  it.each(lambdaEntryFiles().map((file) => [basename(file), file]))('%s compiles at init only the zod it uses', { timeout: 120_000 }, async (_name, entry) => {
    // Act
    const { metafile } = await bundled(entry);

    // Assess
    const initText = outputsAtInit(metafile).map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(initText).toContain('"$ZodObject"');
    expect(UNUSED_KINDS.filter((kind) => initText.includes(kind))).toEqual([]);
  });

  it("reads a saved tool's JSON Schema inside a bundle as it does unbundled", { timeout: 120_000 }, async () => {
    // Prepare
    const { dir } = await bundled(join(REPO_ROOT, 'test', 'support', 'json-schema-reader-probe.ts'));

    // Act
    const script = `const { probe } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.stdout.write(JSON.stringify(probe()));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8' });

    // Assess
    const unbundled = probe();
    expect(unbundled[0]).toEqual([]);
    expect(unbundled[1]).toEqual([]);
    expect(unbundled.slice(2).every((fields) => fields.length > 0)).toBe(true);
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual(unbundled);
  });
});
