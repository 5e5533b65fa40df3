import type { components, paths } from '../../clients/typescript/src/schema.d.ts';

type Schemas = components['schemas'];

/** One problem the API found in a request, by the path of the field it concerns. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** The JSON body of a 200 answer to `method` on `path`, as the OpenAPI document describes it. */
export type Ok<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'delete'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** A request as the list shows it (`GET /approvals`, `GET /history`). */
export type ApprovalSummary = Schemas['ApprovalSummary'];
/** The whole request with what the caller may do with it (`GET /approvals/{id}`). */
export type ApprovalView = Schemas['ApprovalView'];
export type HistoryEvent = Schemas['HistoryEvent'];
export type AuditEntry = Schemas['AuditEntry'];
export type RespondBody = Schemas['RespondBody'];
export type Decision = NonNullable<ApprovalView['decision']>;

export type ApprovalPage = Ok<'/approvals', 'get'>;
export type HistoryPage = Ok<'/history', 'get'>;
export type AuditPage = Ok<'/audit', 'get'>;
export type RespondResult = Ok<'/approvals/{id}/respond', 'post'>;
export type ExtendResult = Ok<'/approvals/{id}/extend', 'post'>;
export type CancelResult = Ok<'/approvals/{id}/cancel', 'post'>;

export type FlowPage = Ok<'/flows', 'get'>;
export type FlowListItem = FlowPage['items'][number];
export type FlowDetail = Ok<'/flows/{flowId}', 'get'>;
export type FlowRevisionPage = Ok<'/flows/{flowId}/revisions', 'get'>;
export type FlowRevision = FlowRevisionPage['items'][number];
export type DeployResult = Ok<'/flows/{flowId}/deploy', 'post'>;

/** `GET /stats` (the OpenAPI document leaves its body open): one row per workflow, node and tool. */
export interface Stats {
  readonly from: string;
  readonly to: string;
  /** False when only the decisions before `asOf` are all counted (a backlog the sweeper has not rolled up). */
  readonly complete?: boolean;
  readonly asOf?: string;
  readonly items: readonly StatsRow[];
}
export interface StatsRow {
  readonly workflowId: string;
  readonly nodeId: string;
  readonly tool: string;
  readonly approved: number;
  readonly rejected: number;
  readonly timed_out: number;
  readonly escalated: number;
  readonly secondsToDecision?: { readonly p50?: number | null; readonly p90?: number | null; readonly p99?: number | null };
}
/** `PUT /flows/{flowId}`: the saved revision. */
export type SaveFlowResult = Extract<Ok<'/flows/{flowId}', 'put'>, { created: boolean }>;
/** `PUT /flows/{flowId}?dryRun=true`: what saving would change. */
export type CheckFlowResult = Extract<Ok<'/flows/{flowId}', 'put'>, { valid: true }>;

export type Gate = Schemas['Gate'];
export type GatePage = Ok<'/gates', 'get'>;
export type GateDetail = Ok<'/gates/{gateId}', 'get'>;
export type GateRevision = Ok<'/gates/{gateId}', 'put'>;
export type GateRevisionPage = Ok<'/gates/{gateId}/revisions', 'get'>;

/** An execution's flow graph with the states it passed (`GET /executions/{id}/graph`). */
export type ExecutionGraph = Ok<'/executions/{id}/graph', 'get'>;
export type ExecutionGraphNode = ExecutionGraph['nodes'][number];
export type ExecutionStep = ExecutionGraph['steps'][number];

/** `GET /tools`: every registered tool, and whether the caller may save tools. */
export type ToolPage = Ok<'/tools', 'get'>;
export type StoredTool = ToolPage['items'][number];
export type ToolSpec = StoredTool['spec'];
/** The body of `PUT /tools/{name}`. */
export type ToolBody = NonNullable<paths['/tools/{name}']['put']['requestBody']>['content']['application/json'];
