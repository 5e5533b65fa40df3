import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleForNode, LOCAL_BUILD_DIR } from '#local/build';

describe('the local stack built for plain node', () => {
  it('keeps each module finding the files beside its source, while the entry knows where the bundle is', async () => {
    // Prepare: an entry whose imports read the state machine definitions and config/ relative to themselves
    // (inside the build folder, so that the bundle finds node_modules as npm start's does)
    mkdirSync(LOCAL_BUILD_DIR, { recursive: true });
    const folder = mkdtempSync(join(LOCAL_BUILD_DIR, 'test-'));
    const outfile = join(folder, 'entry.mjs');

    // Act
    await bundleForNode('test/support/bundle-entry/read-beside-sources.ts', outfile);
    const printed = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' })) as { startAt: string; directoryFound: boolean; entry: string };
    rmSync(folder, { recursive: true, force: true });

    // Assess
    expect(printed).toEqual({ startAt: 'WaitForApproval', directoryFound: true, entry: outfile });
  });

  it('runs with no TypeScript compiler and loads esbuild only to build the dashboard', async () => {
    // Prepare
    const outfile = join(mkdtempSync(join(tmpdir(), 'hitl-local-build-')), 'main.mjs');

    // Act
    await bundleForNode('infra/local/main.ts', outfile);
    const bundle = readFileSync(outfile, 'utf8');

    // Assess: static imports load at start; esbuild is only imported on demand
    const staticImports = [...bundle.matchAll(/^import\s.*?from\s+"([^"]+)";$/gm)].map((m) => m[1]);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((name) => /^(esbuild|tsx|typescript)(\/|$)/.test(name))).toEqual([]);
    expect(bundle).toContain('import("esbuild")');
  });
});
