import { openApiDocument } from '../../lambdas/handlers/api/openapi.ts';
import { startLocalApp } from './app.ts';
import { channelsModule } from './channels-module.ts';
import { gatesModule } from './gates-module.ts';
import type { LocalModule } from './module.ts';
import { localModules } from './modules.ts';

/**
 * Every module of the local stack, set up to serve every route the stack can serve whatever this
 * machine's environment says: Slack's endpoint included (it exists only with a signing secret),
 * and no environment read by the modules that read one.
 */
export function everyRouteModules(): LocalModule[] {
  return localModules.map((module) => {
    if (module.name === 'channels') return channelsModule({ env: {}, slack: { signingSecret: 'only-to-describe-the-route' } });
    if (module.name === 'gates') return gatesModule({ env: {} });
    return module;
  });
}

/** The OpenAPI document of every route the stack can serve (see `everyRouteModules`). */
export async function completeOpenApiDocument(): Promise<ReturnType<typeof openApiDocument>> {
  const app = await startLocalApp({ sweepIntervalMs: 0, modules: everyRouteModules() });
  try {
    return openApiDocument(app.routes);
  } finally {
    await app.close();
  }
}
