import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { bundledAsCdkBuilds, sourcesAtInit, sourcesInBundle } from '../support/bundle-init-graph.ts';

/** Code of the routes the API function serves: admin, inbox actions, gates, flows and their editor, tools, channels, MCP, the OpenAPI document. */
const API_FUNCTION_ONLY = [
  'lambdas/entrypoints/api-flow-routes.ts',
  'lambdas/handlers/api.ts',
  'lambdas/handlers/api/gate-routes.ts',
  'lambdas/handlers/api/inbox-routes.ts',
  'lambdas/handlers/api/insights-routes.ts',
  'lambdas/handlers/api/openapi.ts',
  'lambdas/handlers/channels/',
  'lambdas/handlers/flows/',
  'lambdas/handlers/mcp/',
  'lambdas/handlers/tools/',
];

describe('the decision function bundle, built as CDK builds it', () => {
  it('reads none of the API function routes\' code at init', { timeout: 120_000 }, async () => {
    // Act
    const { metafile } = await bundledAsCdkBuilds(join(REPO_ROOT, 'lambdas', 'entrypoints', 'decisions.ts'));

    // Assess
    const atInit = sourcesAtInit(metafile);
    expect(atInit.some((source) => source.endsWith('lambdas/usecases/respond.ts'))).toBe(true);
    expect(atInit.filter((source) => API_FUNCTION_ONLY.some((code) => source.includes(code)))).toEqual([]);
    expect(sourcesInBundle(metafile).filter((source) => API_FUNCTION_ONLY.some((code) => source.includes(code)))).toEqual([]);
  });
});
