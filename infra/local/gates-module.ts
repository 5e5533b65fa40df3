import { agentGroupsFrom } from '#core/agent-config';
import { adminGroupsFrom } from '#core/flow-revision';
import { gateRoutes } from '../../lambdas/handlers/api/gate-routes.ts';
import { GateRepository } from '#adapters/dynamodb/gate-repository';
import { seedGateFiles, storedGateCatalog } from '#usecases/gate-revisions';
import { GATES_DIR, loadGateFiles } from '../../lambdas/gates/gate-files.ts';
import type { LocalModule } from './module.ts';

export interface GatesModuleOptions {
  /** The folder of gate files. @default HITL_GATES_DIR, else the repository's `gates/` */
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Named gates for any agent: the gate files are read at start (a broken one stops the start,
 * naming the file and field) and stored as revisions (a changed file as a new one, unless an admin
 * saved the gate since); admins save new revisions with PUT /gates/{gateId}; agents in HITL_AGENT_GROUPS ask them over HTTP. Webhooks go to
 * loopback URLs only.
 */
export function gatesModule(options: GatesModuleOptions = {}): LocalModule {
  return {
    name: 'gates',
    async start(ctx) {
      const env = options.env ?? process.env;
      const files = await loadGateFiles(options.dir ?? env.HITL_GATES_DIR ?? GATES_DIR);
      const gateStore = new GateRepository(ctx.db, ctx.tableName);
      await seedGateFiles({ ...ctx.deps, gateStore }, files);
      const gates = storedGateCatalog(gateStore);
      const agentGates = { gates, agentGroups: agentGroupsFrom(env), webhookRule: 'loopback' } as const;
      return {
        routes: gateRoutes({ ...ctx.deps, ...agentGates, gateStore, adminGroups: adminGroupsFrom(env) }),
        agentGates,
      };
    },
  };
}
