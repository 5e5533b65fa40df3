import type { ConversationTurn } from '#core/action';
import { NotFoundError } from '#core/errors';
import type { ExecutionRecord, ExecutionStatus, ExecutionView, HoldEvent } from '#core/flow-execution';
import type { Identity } from '#core/identity';
import { mayReadExecution, mayReadRequest, type ReadAccess } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, PayloadStore, Workflows } from '#ports';
import type { ExecutionStore } from './flow-ports.ts';
import { resolveForView } from './large-state.ts';
import { recordExecutionEnd } from './record-execution-end.ts';

export interface DescribeFlowDeps {
  readonly executions: ExecutionStore;
  readonly workflows: Pick<Workflows, 'describeExecution'>;
  readonly store: Pick<ApprovalStore, 'listByExecution'>;
  readonly audit: Pick<AuditLog, 'chain'>;
  readonly clock: Clock;
  readonly access: ReadAccess;
  /** With it, texts kept apart from the execution's state are read back into the view. */
  readonly payloads?: PayloadStore;
}

/**
 * An execution as the API shows it to `viewer`: its requester, an approver of one of its requests,
 * or an admin; anyone else gets the NotFoundError of an unknown id. The approvals listed are the ones
 * the viewer may read. While the record says running, Step Functions is asked for the truth, and an
 * execution found over is recorded as such (so the record catches up even where no one watched the
 * execution end).
 */
export async function describeFlowExecution(deps: DescribeFlowDeps, executionId: string, viewer: Identity): Promise<ExecutionView> {
  const { record, readable, status } = await readableExecution(deps, executionId, viewer);
  return {
    executionId: record.executionId,
    flowId: record.flowId,
    revision: record.revision,
    status,
    startedBy: record.startedBy,
    startedAt: record.startedAt,
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
    conversation: (await readBack(deps, executionId, conversationOf(record, readable.all))) as ConversationTurn[],
    ...(record.result ? { output: (await readBack(deps, executionId, record.result.output)) as ExecutionView['output'] } : {}),
    ...(record.error ? { error: record.error, cause: record.cause } : {}),
    pendingApprovalIds: readable.visible.filter((request) => request.status === 'pending').map((request) => request.id),
    approvals: readable.visible.map((request) => ({ id: request.id, nodeId: request.nodeId, step: request.step, status: request.status })),
    ...(record.channel === 'voice' ? { holdEvents: await holdEventsOf(deps, executionId) } : {}),
  };
}

/** An execution the viewer may read, reconciled with Step Functions while running, with its requests. */
export interface ReadableExecution {
  readonly record: ExecutionRecord;
  readonly status: ExecutionStatus;
  /** `all` its requests (oldest first), `visible` the ones the viewer may read. */
  readonly readable: { readonly all: ApprovalRequest[]; readonly visible: ApprovalRequest[] };
}

/** Loads execution `executionId` for `viewer`, or throws the NotFoundError of an unknown id. */
export async function readableExecution(deps: Omit<DescribeFlowDeps, 'audit'>, executionId: string, viewer: Identity): Promise<ReadableExecution> {
  let record = await deps.executions.get(executionId);
  const requests = record ? (await deps.store.listByExecution(executionId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : [];
  if (!record || !mayReadExecution(viewer, record, requests, deps.access)) throw new NotFoundError(`execution ${executionId} not found`);
  if (record.status === 'RUNNING') record = await reconcile(deps, record);

  const pending = requests.filter((request) => request.status === 'pending');
  const status: ExecutionStatus =
    record.status === 'SUCCEEDED' ? 'succeeded' : record.status === 'FAILED' ? 'failed' : pending.length > 0 ? 'waiting_for_approval' : 'running';
  return { record, status, readable: { all: requests, visible: requests.filter((request) => mayReadRequest(viewer, request, deps.access)) } };
}

async function reconcile(deps: Omit<DescribeFlowDeps, 'audit'>, record: ExecutionRecord): Promise<ExecutionRecord> {
  let description;
  try {
    description = await deps.workflows.describeExecution(record.runArn);
  } catch {
    // Unknown to the engine (a local run lost in a restart not yet resumed): the record stands.
    return record;
  }
  const end = await recordExecutionEnd(deps, record.executionId, description);
  if (!end) return record;
  return (await deps.executions.get(record.executionId)) ?? record;
}

function readBack(deps: DescribeFlowDeps, executionId: string, value: unknown): Promise<unknown> {
  return deps.payloads ? resolveForView(deps.payloads, executionId, value) : Promise.resolve(value);
}

/** The conversation as the final state or the newest checkpoint has it: large texts may be references. */
function conversationOf(record: ExecutionRecord, requests: ApprovalRequest[]): unknown[] {
  if (record.result) return record.result.conversation;
  for (const request of [...requests].reverse()) {
    const state = request.checkpoint?.state as { conversation?: ConversationTurn[] } | undefined;
    if (Array.isArray(state?.conversation)) return state.conversation;
  }
  const input = record.input as { conversation?: ConversationTurn[] } | undefined;
  return Array.isArray(input?.conversation) ? input.conversation : [];
}

async function holdEventsOf(deps: DescribeFlowDeps, executionId: string): Promise<HoldEvent[]> {
  const entries = await deps.audit.chain(executionId);
  return entries
    .filter((entry) => entry.kind === 'hold')
    .map((entry) => ({
      at: entry.at,
      ...(entry.nodeId ? { nodeId: entry.nodeId } : {}),
      ...(entry.requestId ? { requestId: entry.requestId } : {}),
      message: String(entry.detail.message ?? ''),
      ...(typeof entry.detail.musicUrl === 'string' ? { musicUrl: entry.detail.musicUrl } : {}),
    }));
}
