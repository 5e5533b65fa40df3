import type { PayloadStore } from '#ports';
import type { ExecutionStore, FlowCatalog, ToolRunStore } from '#usecases/flow-ports';
import type { AgentModels } from '../../agents/models.ts';
import type { ToolRegistry } from '../../tools/registry.ts';
import type { AppDeps } from '../deps.ts';

/** What the flow functions and routes need on top of the approval deps; each takes the part it uses. */
export interface FlowDeps extends AppDeps {
  readonly executions: ExecutionStore;
  readonly toolRuns: ToolRunStore;
  readonly tools: ToolRegistry;
  readonly models: AgentModels;
  readonly catalog: FlowCatalog;
  /** Where large values of flow states are kept apart (see `#core/payload-ref`). */
  readonly payloads: PayloadStore;
}
