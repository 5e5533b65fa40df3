import { openApiDocument } from '../../lambdas/handlers/api/openapi.ts';
import { startLocalApp } from './app.ts';
import { channelsModule } from './channels-module.ts';
import { gatesModule } from './gates-module.ts';
import type { LocalModule } from './module.ts';
import { localModules } from './modules.ts';

/**
 * The OpenAPI document of every route the stack can serve, whatever this machine's environment
 * says: the local stack in memory with every module, Slack's endpoint included (it exists only
 * with a signing secret), and no environment read by the modules that read one.
 */
export async function completeOpenApiDocument(): Promise<ReturnType<typeof openApiDocument>> {
  const modules: LocalModule[] = localModules.map((module) => {
    if (module.name === 'channels') return channelsModule({ env: {}, slack: { signingSecret: 'only-to-describe-the-route' } });
    if (module.name === 'gates') return gatesModule({ env: {} });
    return module;
  });
  const app = await startLocalApp({ sweepIntervalMs: 0, modules });
  try {
    return openApiDocument(app.routes);
  } finally {
    await app.close();
  }
}
