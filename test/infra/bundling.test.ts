import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ENTRY_NAMES, REPO_HANDLERS, REPO_ROOT } from '#infra/constructs/hitl-function';
import { APPROVAL_GATE_ASL, HitlStack } from '#infra/constructs/hitl-stack';
import { FLOWS_DIR } from '#statemachines/flows';
import { buildDashboardAssets } from '#infra/web/dashboard-build';
import { DASHBOARD_ASSET_FILES, readDashboardAssets } from '../../lambdas/channels/dashboard/dashboard-assets.ts';
import { environmentOf } from './template-values.ts';

const ENTRIES = ENTRY_NAMES.map((name) => join(REPO_HANDLERS.entrypointsDir, `${name}.ts`));
const missing = [...ENTRIES, APPROVAL_GATE_ASL].filter((path) => !existsSync(path));

const FEATURE_FLAGS = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

describe('bundling with the local esbuild (no Docker)', () => {
  it('finds every entry point and the approval-gate definition the stack bundles', () => {
    expect(missing.map((path) => path.replace(`${REPO_ROOT}/`, ''))).toEqual([]);
  });

  // Eight esbuild bundles and the dashboard build: well over the default timeout on a busy machine.
  it('turns every entry point into minified ESM with a require shim and a source map, which loads', async () => {
    // Prepare: node_modules next to the assembly, so the runtime-provided @aws-sdk/* imports resolve.
    const dir = mkdtempSync(join(tmpdir(), 'hitl-bundle-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const app = new App({ outdir: join(dir, 'cdk.out'), context: FEATURE_FLAGS, builtinCloudFormationValidation: false });
    const stack = new HitlStack(app, 'HitlBundle', {
      config: { stage: 'dev', senderEmail: 'approvals@acme.test', approverGroups: ['approvers'], adminGroups: ['admins'], auditorGroups: ['auditors'], callbackUrls: ['http://localhost:8080/callback'] },
    });

    // Act
    const assembly = app.synth();

    // Assess
    const resources = assembly.getStackByName(stack.stackName).template.Resources as Record<string, any>;
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id, r]) => ({ id, ...r }));
    expect(functions).toHaveLength(ENTRY_NAMES.length);
    const assetDirOf = (fn: any) => join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    for (const fn of functions) {
      const assetDir = assetDirOf(fn);
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __hitlCreateRequire } from 'node:module';const require = __hitlCreateRequire(import.meta.url);")).toBe(true);
      // Minified: long lines, few of them.
      expect(code.length / code.split('\n').length).toBeGreaterThan(300);
      expect(statSync(join(assetDir, 'index.mjs')).size).toBeLessThan(1_500_000);
      // The source map exists and shows the SDK stayed outside: the runtime provides @aws-sdk/*.
      const sources = (JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
      expect(sources.some((source) => source.includes('lambdas/entrypoints/'))).toBe(true);
      expect(sources.filter((source) => source.includes('node_modules/@aws-sdk/'))).toEqual([]);
    }
    // Each function bundles one entry file, and every entry file is bundled (flow-config.ts and
    // flow-api-deps.ts are wiring modules that entries import, not entries).
    const entriesIn = (fn: any) =>
      ENTRY_NAMES.filter((name) =>
        (JSON.parse(readFileSync(join(assetDirOf(fn), 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources.some((source) => source.endsWith(`lambdas/entrypoints/${name}.ts`)),
      );
    expect(functions.map(entriesIn).sort()).toEqual(ENTRY_NAMES.map((name) => [name]).sort());

    // The API function carries the flow files it seeds from (`flows/` beside the bundle, found when
    // CDK bundles, so a new file needs no code), and reads them relative to its own module.
    const apiDir = assetDirOf(functions.find((fn) => fn.id === stack.getLogicalId(stack.approvals.apiFunction.node.defaultChild as never)));
    const shipped = readdirSync(FLOWS_DIR).filter((file) => file.endsWith('.json')).sort();
    expect(shipped.length).toBeGreaterThan(0);
    expect(readdirSync(join(apiDir, 'flows')).sort()).toEqual(shipped);
    for (const file of shipped) expect(readFileSync(join(apiDir, 'flows', file), 'utf8'), file).toBe(readFileSync(join(FLOWS_DIR, file), 'utf8'));
    expect(readFileSync(join(apiDir, 'index.mjs'), 'utf8')).toMatch(/new URL\(["']\.\/flows\/["'],import\.meta\.url\)/);
    expect(functions.filter((fn) => existsSync(join(assetDirOf(fn), 'flows'))).map((fn) => fn.id)).toEqual([stack.getLogicalId(stack.approvals.apiFunction.node.defaultChild as never)]);

    // The API function also carries the dashboard's browser code, built from web/ after bundling,
    // and reads it relative to its own module, as the page route does on its first request.
    const webDir = join(apiDir, 'web');
    expect(readdirSync(webDir).sort()).toEqual(Object.values(DASHBOARD_ASSET_FILES).sort());
    expect(await readDashboardAssets(pathToFileURL(`${webDir}/`))).toEqual(await buildDashboardAssets());
    expect(readFileSync(join(apiDir, 'index.mjs'), 'utf8')).toMatch(/new URL\(["']\.\/web\/["'],import\.meta\.url\)/);
    expect(functions.filter((fn) => existsSync(join(assetDirOf(fn), 'web'))).map((fn) => fn.id)).toEqual([stack.getLogicalId(stack.approvals.apiFunction.node.defaultChild as never)]);

    // Load each bundle in a plain Node process, as the Lambda runtime would (vitest would transform
    // it), with the function's own environment; deploy-time values get stand-ins of the right shape.
    for (const fn of functions) {
      const env = environmentOf(resources, fn.id);
      const probe = `const m = await import(${JSON.stringify(pathToFileURL(join(assetDirOf(fn), 'index.mjs')).href)}); if (typeof m.handler !== 'function') throw new Error('no handler export');`;
      execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...env }, stdio: 'pipe' });
    }
  }, 120_000);
});
