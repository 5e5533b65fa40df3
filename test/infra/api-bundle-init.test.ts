import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { esbuildOptions } from '#infra/constructs/lambda-bundling';
import { sourcesAtInit, sourcesInBundle } from '../support/bundle-init-graph.ts';

/** Code of the API that no decision needs: the tools (an edit's arguments load them), the OpenAPI document. */
const LATER = ['lambdas/entrypoints/aws-tools.ts', 'lambdas/tools/data-tool.ts', 'lambdas/tools/demo-tools.ts', 'lambdas/tools/http-tool.ts', 'lambdas/handlers/api/openapi.ts'];

describe('the API bundle, built as CDK builds it', () => {
  it('loads the tools and the OpenAPI document with their first use, not at init', { timeout: 120_000 }, async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'hitl-api-init-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));

    // Act
    const { metafile } = await build({ ...esbuildOptions(join(REPO_ROOT, 'tsconfig.json'), dir), entryPoints: [join(REPO_ROOT, 'lambdas', 'entrypoints', 'api.ts')], logLevel: 'silent', metafile: true });

    // Assess
    const inBundle = sourcesInBundle(metafile);
    expect(LATER.filter((file) => !inBundle.some((source) => source.endsWith(file)))).toEqual([]);
    expect(sourcesAtInit(metafile).filter((source) => LATER.some((file) => source.endsWith(file)))).toEqual([]);
  });
});
