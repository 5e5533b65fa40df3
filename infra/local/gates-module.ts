import { agentGroupsFrom } from '#core/agent-config';
import { adminGroupsFrom } from '#core/flow-revision';
import { gateRoutes } from '../../lambdas/handlers/api/gate-routes.ts';
import { GATES_DIR, loadGateFiles, staticGateCatalog } from '../../lambdas/gates/gate-files.ts';
import type { LocalModule } from './module.ts';

export interface GatesModuleOptions {
  /** The folder of gate files. @default HITL_GATES_DIR, else the repository's `gates/` */
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Named gates for any agent: the gate files are read once at start (a broken one stops the start,
 * naming the file and field), and agents in HITL_AGENT_GROUPS ask them over HTTP. Webhooks go to
 * loopback URLs only.
 */
export function gatesModule(options: GatesModuleOptions = {}): LocalModule {
  return {
    name: 'gates',
    async start(ctx) {
      const env = options.env ?? process.env;
      const gates = staticGateCatalog(loadGateFiles(options.dir ?? env.HITL_GATES_DIR ?? GATES_DIR));
      return {
        routes: gateRoutes({ ...ctx.deps, gates, agentGroups: agentGroupsFrom(env), adminGroups: adminGroupsFrom(env), webhookRule: 'loopback' }),
      };
    },
  };
}
