import * as z from 'zod';
import { ExecutionViewSchema } from './flow-execution.ts';
import { FlowEdgeSchema, type Flow } from './flow.ts';
import { HitlModeSchema } from './hitl-config.ts';
import { RequestStatusSchema } from './request.ts';

/** One state an execution passed through, as the execution view shows it on click. */
export const ExecutionStepSchema = z.object({
  /** The flow node the state belongs to; absent for the flow's own states (`Done`). */
  nodeId: z.string().optional(),
  state: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  enteredAt: z.string(),
  exitedAt: z.string().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  /** Set when the input or output was left out for its size; `bytes` says how large it was. */
  omitted: z.array(z.object({ field: z.enum(['input', 'output']), bytes: z.number().int() })).optional(),
});
export type ExecutionStep = z.infer<typeof ExecutionStepSchema>;

export const GraphNodeStatusSchema = z.enum(['not_reached', 'running', 'waiting', 'done', 'failed']);

/** GET /executions/{id}/graph: the flow's graph with the path this execution took. */
export const ExecutionGraphSchema = z.object({
  executionId: z.string(),
  flowId: z.string(),
  revision: z.number().int(),
  status: ExecutionViewSchema.shape.status,
  nodes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(['agent', 'tool']),
      mode: HitlModeSchema,
      status: GraphNodeStatusSchema,
      /** The node's approval requests the caller may read. */
      approvals: z.array(z.object({ id: z.string(), status: RequestStatusSchema })),
    }),
  ),
  edges: z.array(FlowEdgeSchema),
  /** The states entered, oldest first; empty when the engine no longer keeps the history. */
  steps: z.array(ExecutionStepSchema),
  output: z.unknown().optional(),
  /** On AWS, the execution's page in the Step Functions console. */
  consoleUrl: z.string().optional(),
});
export type ExecutionGraph = z.infer<typeof ExecutionGraphSchema>;

/** A state's history event, as the engines report them (the `WorkflowHistory` port's `WorkflowStepEvent`). */
export interface StepEvent {
  readonly kind: 'entered' | 'exited' | 'failed';
  readonly state: string;
  readonly at: string;
  readonly data?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** How much of one state's input or output the view carries, and of all of them together. */
export const STEP_DATA_LIMITS = { perValueBytes: 32 * 1024, totalBytes: 1024 * 1024 } as const;

/** Compiled state names are `<nodeId>.<Part>` (see statemachines/flow-state-names.ts). */
export function nodeIdOfState(state: string, nodeIds: ReadonlySet<string>): string | undefined {
  const dot = state.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const nodeId = state.slice(0, dot);
  return nodeIds.has(nodeId) ? nodeId : undefined;
}

// A task token answers a paused execution: it never leaves the server, whatever state carries it.
const SECRET_KEY = /token$/i;

function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) && typeof inner === 'string' ? '(hidden)' : withoutTokens(inner)]));
}

/** Pairs entered / exited / failed events into steps, in the order the states were entered; a state entered again before it exited is the same step. */
export function stepsOf(events: readonly StepEvent[], nodeIds: ReadonlySet<string>): ExecutionStep[] {
  const steps: ExecutionStep[] = [];
  const open = new Map<string, ExecutionStep>();
  let budget: number = STEP_DATA_LIMITS.totalBytes;
  const carry = (step: ExecutionStep, field: 'input' | 'output', data: unknown): ExecutionStep => {
    if (data === undefined) return step;
    const clean = withoutTokens(data);
    const bytes = Buffer.byteLength(JSON.stringify(clean) ?? '', 'utf8');
    if (bytes > STEP_DATA_LIMITS.perValueBytes || bytes > budget) return { ...step, omitted: [...(step.omitted ?? []), { field, bytes }] };
    budget -= bytes;
    return { ...step, [field]: clean };
  };
  const replace = (before: ExecutionStep, after: ExecutionStep) => {
    steps[steps.indexOf(before)] = after;
    return after;
  };
  for (const event of events) {
    const current = open.get(event.state);
    if (event.kind === 'entered') {
      // Entered again while still open: the same wait picked up by a new run (a local restart, or a
      // parked execution resumed at its paused state), not a second visit.
      if (current) continue;
      const nodeId = nodeIdOfState(event.state, nodeIds);
      const step = carry({ ...(nodeId ? { nodeId } : {}), state: event.state, status: 'running', enteredAt: event.at }, 'input', event.data);
      steps.push(step);
      open.set(event.state, step);
    } else if (current && event.kind === 'exited') {
      replace(current, carry({ ...current, status: 'succeeded', exitedAt: event.at }, 'output', event.data));
      open.delete(event.state);
    } else if (current && event.kind === 'failed') {
      replace(current, { ...current, status: 'failed', exitedAt: event.at, ...(event.error ? { error: event.error } : {}), ...(event.cause ? { cause: event.cause.slice(0, 4096) } : {}) });
      open.delete(event.state);
    }
  }
  return steps;
}

export interface GraphInput {
  readonly executionId: string;
  readonly status: ExecutionGraph['status'];
  readonly flow: Pick<Flow, 'id' | 'revision' | 'nodes' | 'edges'>;
  readonly steps: readonly ExecutionStep[];
  readonly approvals: ReadonlyArray<{ readonly id: string; readonly nodeId: string; readonly status: z.infer<typeof RequestStatusSchema> }>;
  readonly output?: unknown;
  readonly consoleUrl?: string;
}

/** The flow's nodes, each with where this execution stands at it. */
export function executionGraph(input: GraphInput): ExecutionGraph {
  const nodes = input.flow.nodes.map((node) => {
    const approvals = input.approvals.filter((approval) => approval.nodeId === node.id).map(({ id, status }) => ({ id, status }));
    const steps = input.steps.filter((step) => step.nodeId === node.id);
    const status: z.infer<typeof GraphNodeStatusSchema> = approvals.some((approval) => approval.status === 'pending')
      ? 'waiting'
      : steps.length === 0
        ? approvals.length > 0
          ? 'done'
          : 'not_reached'
        : steps.at(-1)!.status === 'failed'
          ? 'failed'
          : steps.some((step) => step.status === 'running') && input.status !== 'succeeded' && input.status !== 'failed'
            ? 'running'
            : 'done';
    return { id: node.id, name: node.name ?? node.id, type: node.type, mode: node.hitl.mode, status, approvals };
  });
  return {
    executionId: input.executionId,
    flowId: input.flow.id,
    revision: input.flow.revision,
    status: input.status,
    nodes,
    edges: [...input.flow.edges],
    steps: [...input.steps],
    ...(input.output !== undefined ? { output: input.output } : {}),
    ...(input.consoleUrl ? { consoleUrl: input.consoleUrl } : {}),
  };
}

/** The Step Functions console's page of an execution, from its ARN (`arn:<partition>:states:<region>:...`). */
export function stepFunctionsConsoleUrl(executionArn: string): string | undefined {
  const [, partition, service, region] = executionArn.split(':');
  if (service !== 'states' || !region || partition !== 'aws') return undefined;
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}
