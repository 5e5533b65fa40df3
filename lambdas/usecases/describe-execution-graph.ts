import { executionGraph, stepsOf, type ExecutionGraph, type StepEvent } from '#core/execution-graph';
import { executionArnOf, type ExecutionRecord } from '#core/flow-execution';
import type { Identity } from '#core/identity';
import type { WorkflowHistory } from '#ports';
import { readableExecution, type DescribeFlowDeps } from './describe-flow-execution.ts';
import type { FlowStore } from './flow-editor-ports.ts';

export interface DescribeGraphDeps extends Omit<DescribeFlowDeps, 'audit'> {
  readonly history: WorkflowHistory;
  readonly flows: Pick<FlowStore, 'getRevision'>;
  /** The console page of an execution ARN, on AWS. */
  readonly consoleUrl?: (executionArn: string) => string | undefined;
}

/**
 * The graph of the flow revision an execution runs, with the states it passed through (their input
 * and output), the nodes where it waits for a person, and links to the requests the viewer may read.
 * The same viewers as GET /executions/{id}; anyone else gets the NotFoundError of an unknown id.
 */
export async function describeExecutionGraph(deps: DescribeGraphDeps, executionId: string, viewer: Identity): Promise<ExecutionGraph> {
  const { record, status, readable } = await readableExecution(deps, executionId, viewer);
  const revision = await deps.flows.getRevision(record.flowId, record.revision);
  const flow = revision?.flow ?? { id: record.flowId, revision: record.revision, nodes: [], edges: [] };
  const nodeIds = new Set(flow.nodes.map((node) => node.id));
  const events = await historyOf(deps.history, record);
  const consoleUrl = deps.consoleUrl?.(record.runArn);
  return executionGraph({
    executionId: record.executionId,
    status,
    flow,
    steps: stepsOf(events, nodeIds),
    approvals: readable.visible.map((request) => ({ id: request.id, nodeId: request.nodeId, status: request.status })),
    ...(record.result ? { output: record.result.output } : {}),
    ...(consoleUrl ? { consoleUrl } : {}),
  });
}

/** The runs that carried the execution (a local restart resumes it in a new run), oldest first. */
function runArnsOf(record: ExecutionRecord): string[] {
  const arns = [executionArnOf(record.stateMachineArn, record.executionId), ...record.runs.map((run) => run.runArn), record.runArn];
  return [...new Set(arns)];
}

async function historyOf(history: WorkflowHistory, record: ExecutionRecord): Promise<StepEvent[]> {
  const events: StepEvent[] = [];
  for (const arn of runArnsOf(record)) {
    try {
      events.push(...(await history.executionHistory(arn)));
    } catch (error) {
      // A run the engine no longer knows (a local run before a restart, or one past retention): its steps are gone.
      if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
    }
  }
  return events;
}
