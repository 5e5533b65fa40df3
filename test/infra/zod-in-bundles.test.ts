import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { bundledAsCdkBuilds, lambdaEntryFiles, outputsAtInit } from '../support/bundle-init-graph.ts';
import { probe } from '../support/json-schema-reader-probe.ts';

/** zod schema kinds no code of ours and no part of zod we use builds: a bundle that compiles them at init holds every zod export. */
const UNUSED_KINDS = ['"$ZodTemplateLiteral"', '"$ZodFile"', '"$ZodFunction"'];

describe('zod in the Lambda bundles, built as CDK builds them', () => {
  it.each(lambdaEntryFiles().map((file) => [basename(file), file]))('%s compiles at init only the zod it uses', { timeout: 120_000 }, async (_name, entry) => {
    // Act
    const { metafile } = await bundledAsCdkBuilds(entry);

    // Assess
    const initText = outputsAtInit(metafile).map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(initText).toContain('"$ZodObject"');
    expect(UNUSED_KINDS.filter((kind) => initText.includes(kind))).toEqual([]);
  });

  it("reads a saved tool's JSON Schema inside a bundle as it does unbundled", { timeout: 120_000 }, async () => {
    // Prepare
    const { dir } = await bundledAsCdkBuilds(join(REPO_ROOT, 'test', 'support', 'json-schema-reader-probe.ts'));

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
