import * as z from 'zod';
import { FlowTurnSchema } from './action.ts';
import { FlowChannelSchema } from './hitl-config.ts';
import { FlowOutputSchema } from './flow-state.ts';
import { PayloadRefSchema } from './payload-ref.ts';
import { RequestStatusSchema } from './request.ts';

/** Our record of an execution's lifecycle; Step Functions' own statuses fold into these three. */
export const ExecutionRecordStatusSchema = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']);
export type ExecutionRecordStatus = z.infer<typeof ExecutionRecordStatusSchema>;

/** One time the local engine picked an execution up again after a restart. */
export const ExecutionRunSchema = z.object({
  at: z.string(),
  /** The state the run started at: a gate's name (from its checkpoint) or the flow's start. */
  from: z.string(),
  runArn: z.string(),
});

/**
 * How an execution ended, as its final state has it: texts too large for the state are references
 * to stored values (see `payload-ref.ts`), which the execution's view reads back.
 */
export const ExecutionResultSchema = z.object({
  output: FlowOutputSchema.extend({ message: z.union([z.string(), PayloadRefSchema]) }).nullable(),
  conversation: z.array(FlowTurnSchema.extend({ content: z.union([z.string(), PayloadRefSchema]) })),
});

/**
 * A flow execution as the API knows it. `executionId` is the Step Functions execution name (URL-safe);
 * `runArn` is the run that carries it now (a resumed run in local mode has another ARN).
 */
export const ExecutionRecordSchema = z.object({
  executionId: z.string(),
  flowId: z.string(),
  revision: z.number().int(),
  channel: FlowChannelSchema,
  stateMachineArn: z.string(),
  runArn: z.string(),
  /** The execution input (the initial flow state). */
  input: z.unknown(),
  startedBy: z.string(),
  startedAt: z.string(),
  status: ExecutionRecordStatusSchema,
  endedAt: z.string().optional(),
  result: ExecutionResultSchema.optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  runs: z.array(ExecutionRunSchema).default([]),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecordSchema>;

/** How a finished execution ended, as recorded. */
export type ExecutionEnd =
  | { readonly status: 'SUCCEEDED'; readonly at: string; readonly result: NonNullable<ExecutionRecord['result']> }
  | { readonly status: 'FAILED'; readonly at: string; readonly error: string; readonly cause: string };

/** Execution status as the API shows it. */
export type ExecutionStatus = 'running' | 'waiting_for_approval' | 'succeeded' | 'failed';

/** Execution names double as API ids: letters, digits and `-`, like the UUIDs the API generates. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9-]{1,80}$/;

const STATE_MACHINE_MARKER = ':stateMachine:';

/** Splits a state machine ARN, plain or qualified by a version or alias, into its prefix and machine name. */
function stateMachineArnParts(stateMachineArn: string): { prefix: string; machineName: string } {
  const at = stateMachineArn.indexOf(STATE_MACHINE_MARKER);
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return { prefix: stateMachineArn.slice(0, at), machineName: stateMachineArn.slice(at + STATE_MACHINE_MARKER.length).split(':')[0] };
}

/** The state machine a version or alias ARN belongs to (`...:stateMachine:flow-x:live` → `...:stateMachine:flow-x`); a plain ARN as it is. */
export function unqualifiedStateMachineArn(stateMachineArn: string): string {
  const { prefix, machineName } = stateMachineArnParts(stateMachineArn);
  return `${prefix}${STATE_MACHINE_MARKER}${machineName}`;
}

/** The ARN Step Functions gives execution `name` of the state machine `stateMachineArn`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  // A version or alias ARN (`...:stateMachine:flow-x:7`, `...:flow-x:live`) starts executions that
  // belong to the state machine itself: the execution ARN carries its name, never the qualifier.
  const { prefix, machineName } = stateMachineArnParts(stateMachineArn);
  return `${prefix}:execution:${machineName}:${name}`;
}

/** A voice flow's hold event, as the caller heard it. */
export const HoldEventSchema = z.object({
  at: z.string(),
  nodeId: z.string().optional(),
  requestId: z.string().optional(),
  message: z.string(),
  musicUrl: z.string().optional(),
});
export type HoldEvent = z.infer<typeof HoldEventSchema>;

/** GET /executions/{id}: an execution as the API shows it. */
export const ExecutionViewSchema = z.object({
  executionId: z.string(),
  flowId: z.string(),
  revision: z.number().int(),
  status: z.enum(['running', 'waiting_for_approval', 'succeeded', 'failed']),
  startedBy: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** The conversation so far: the final one once done, else the one of the newest gate's checkpoint. */
  conversation: z.array(FlowTurnSchema),
  output: FlowOutputSchema.nullable().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  pendingApprovalIds: z.array(z.string()),
  approvals: z.array(z.object({ id: z.string(), nodeId: z.string(), step: z.string(), status: RequestStatusSchema })),
  /** Voice flows only. */
  holdEvents: z.array(HoldEventSchema).optional(),
});
export type ExecutionView = z.infer<typeof ExecutionViewSchema>;
