import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { bundledAsCdkBuilds, sourcesAtInit, sourcesInBundle } from '../support/bundle-init-graph.ts';

/** Code of the API that no decision needs: the tools (an edit's arguments load them), the OpenAPI document. */
const LATER = ['lambdas/entrypoints/aws-tools.ts', 'lambdas/tools/data-tool.ts', 'lambdas/tools/demo-tools.ts', 'lambdas/tools/http-tool.ts', 'lambdas/handlers/api/openapi.ts'];

describe('the API bundle, built as CDK builds it', () => {
  it('loads the tools and the OpenAPI document with their first use, not at init', { timeout: 120_000 }, async () => {
    // Act
    const { metafile } = await bundledAsCdkBuilds(join(REPO_ROOT, 'lambdas', 'entrypoints', 'api.ts'));

    // Assess
    const inBundle = sourcesInBundle(metafile);
    expect(LATER.filter((file) => !inBundle.some((source) => source.endsWith(file)))).toEqual([]);
    expect(sourcesAtInit(metafile).filter((source) => LATER.some((file) => source.endsWith(file)))).toEqual([]);
  });
});
