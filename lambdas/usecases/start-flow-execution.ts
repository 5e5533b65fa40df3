import { randomUUID } from 'node:crypto';
import { NotFoundError } from '#core/errors';
import { executionArnOf, type ExecutionRecord } from '#core/flow-execution';
import { initialFlowState } from '#core/flow-state';
import type { Identity } from '#core/identity';
import type { Clock, Workflows } from '#ports';
import type { ExecutionStore, FlowCatalog } from './flow-ports.ts';

export interface StartFlowDeps {
  readonly catalog: FlowCatalog;
  readonly executions: ExecutionStore;
  readonly workflows: Pick<Workflows, 'startExecution'>;
  readonly clock: Clock;
  /** Makes execution ids; random UUIDs by default. */
  readonly newId?: () => string;
}

export interface StartFlowInput {
  readonly flowId: string;
  readonly message: string;
  readonly identity: Identity;
}

/**
 * Starts a flow for the caller. The execution record is written first, so an execution never runs
 * without one; the caller becomes `requestedBy` at every gate (separation of duties). The execution
 * id is the Step Functions execution name, a UUID, which the API uses in URLs.
 */
export async function startFlowExecution(deps: StartFlowDeps, input: StartFlowInput): Promise<ExecutionRecord> {
  const flow = await deps.catalog.get(input.flowId);
  if (!flow) throw new NotFoundError(`flow ${input.flowId} not found`);
  const executionId = (deps.newId ?? randomUUID)();
  const now = deps.clock.now().toISOString();
  const state = initialFlowState({ id: flow.flowId, revision: flow.revision }, input.message, input.identity.userId);
  const record: ExecutionRecord = {
    executionId,
    flowId: flow.flowId,
    revision: flow.revision,
    channel: flow.channel,
    stateMachineArn: flow.stateMachineArn,
    runArn: executionArnOf(flow.stateMachineArn, executionId),
    input: state,
    startedBy: input.identity.userId,
    startedAt: now,
    status: 'RUNNING',
    runs: [],
  };
  await deps.executions.create(record);
  try {
    await deps.workflows.startExecution(flow.stateMachineArn, state, executionId);
  } catch (error) {
    const cause = `the execution could not start: ${(error as Error)?.message ?? String(error)}`;
    await deps.executions.markEnded(executionId, { status: 'FAILED', at: deps.clock.now().toISOString(), error: (error as Error)?.name ?? 'Error', cause });
    throw error;
  }
  return record;
}
