import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
/** Bundling eight functions and starting each in its own process takes a minute or more on two busy cores. */
const BUNDLING_BUDGET_MS = 300_000;

/** An MCP `initialize` call from an approver, as API Gateway hands it to the API function. */
const MCP_INITIALIZE = {
  httpMethod: 'POST',
  path: '/mcp',
  resource: '/mcp',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  requestContext: { authorizer: { claims: { 'cognito:username': 'bob', 'cognito:groups': 'approvers' } } },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'bundling-test', version: '1.0.0' } } }),
  isBase64Encoded: false,
};

describe('bundling with the local esbuild (no Docker)', () => {
  it('finds every entry point and the approval-gate definition the stack bundles', () => {
    expect(missing.map((path) => path.replace(`${REPO_ROOT}/`, ''))).toEqual([]);
  });

  it('turns every entry point into minified ESM chunks with a require shim, source maps and the AWS SDK inside, which load on their own', { timeout: BUNDLING_BUDGET_MS }, async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'hitl-bundle-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
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
      // The entry and the chunks it loads (code behind import() is split into files beside it).
      const files = readdirSync(assetDir).filter((file) => file.endsWith('.mjs'));
      for (const file of files) {
        const chunk = readFileSync(join(assetDir, file), 'utf8');
        expect(chunk.startsWith("import { createRequire as __hitlCreateRequire } from 'node:module';const require = __hitlCreateRequire(import.meta.url);"), file).toBe(true);
        // Minified: long lines, few of them; a chunk that only re-exports shared chunks is one short line.
        const lines = chunk.trimEnd().split('\n').length;
        expect(lines <= 3 || chunk.length / lines > 100, `${file}: ${lines} lines, ${chunk.length} characters`).toBe(true);
        expect(existsSync(join(assetDir, `${file}.map`)), file).toBe(true);
        expect(chunk).not.toMatch(/from\s*["']@aws-sdk\//);
        expect(chunk).not.toMatch(/import\(\s*["']@aws-sdk\//);
      }
      expect(files.reduce((total, file) => total + statSync(join(assetDir, file)).size, 0)).toBeLessThan(3_000_000);
      // The source maps exist and show the SDK clients are bundled: nothing is left for the runtime's copy.
      const sources = files.flatMap((file) => (JSON.parse(readFileSync(join(assetDir, `${file}.map`), 'utf8')) as { sources: string[] }).sources);
      expect(sources.some((source) => source.includes('lambdas/entrypoints/'))).toBe(true);
      expect(sources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
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
    const apiCode = readdirSync(apiDir).filter((file) => file.endsWith('.mjs')).map((file) => readFileSync(join(apiDir, file), 'utf8')).join('\n');
    expect(apiCode).toMatch(/new URL\(["']\.\/flows\/["'],import\.meta\.url\)/);
    expect(functions.filter((fn) => existsSync(join(assetDirOf(fn), 'flows'))).map((fn) => fn.id)).toEqual([stack.getLogicalId(stack.approvals.apiFunction.node.defaultChild as never)]);

    // The API function also carries the dashboard's browser code, built from web/ after bundling,
    // and reads it relative to its own module, as the page route does on its first request.
    const webDir = join(apiDir, 'web');
    expect(readdirSync(webDir).sort()).toEqual(Object.values(DASHBOARD_ASSET_FILES).sort());
    expect(await readDashboardAssets(pathToFileURL(`${webDir}/`))).toEqual(await buildDashboardAssets());
    expect(apiCode).toMatch(/new URL\(["']\.\/web\/["'],import\.meta\.url\)/);
    expect(functions.filter((fn) => existsSync(join(assetDirOf(fn), 'web'))).map((fn) => fn.id)).toEqual([stack.getLogicalId(stack.approvals.apiFunction.node.defaultChild as never)]);

    // Load each bundle in a plain Node process, as the Lambda runtime would (vitest would transform
    // it): copied alone into an empty folder, so no package can come from a node_modules, with the
    // function's own environment; deploy-time values get stand-ins of the right shape.
    for (const fn of functions) {
      const alone = mkdtempSync(join(tmpdir(), 'hitl-bundle-alone-'));
      onTestFinished(() => rmSync(alone, { recursive: true, force: true }));
      cpSync(assetDirOf(fn), alone, { recursive: true });
      const env = environmentOf(resources, fn.id);
      const probe = `const m = await import(${JSON.stringify(pathToFileURL(join(alone, 'index.mjs')).href)}); if (typeof m.handler !== 'function') throw new Error('no handler export');`;
      execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], { cwd: alone, env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...env }, stdio: 'pipe' });
    }

    // The API function serves a request (an approver's MCP initialize: routing, identity, the MCP
    // server) with nothing but its bundle on disk.
    const apiAlone = mkdtempSync(join(tmpdir(), 'hitl-bundle-api-'));
    onTestFinished(() => rmSync(apiAlone, { recursive: true, force: true }));
    cpSync(apiDir, apiAlone, { recursive: true });
    const apiFn = functions.find((fn) => existsSync(join(assetDirOf(fn), 'flows')))!;
    const serve = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(apiAlone, 'index.mjs')).href)}); const answer = await handler(${JSON.stringify(MCP_INITIALIZE)}, { getRemainingTimeInMillis: () => 10000 }); process.stdout.write(JSON.stringify(answer));`;
    const answer = JSON.parse(
      execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', serve], {
        cwd: apiAlone,
        env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...environmentOf(resources, apiFn.id) },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim().split('\n').at(-1)!,
    ) as { statusCode: number; body: string };
    expect(answer.statusCode, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'hitl-approvals' } } });
  });
});
