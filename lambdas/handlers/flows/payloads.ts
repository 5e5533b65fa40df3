import * as z from 'zod';
import { ToolCallSchema } from '#core/action';
import { AgentNodeSchema, FlowIdSchema, FlowNodeSchema } from '#core/flow';
import { FlowStateSchema } from '#core/flow-state';
import { GateInputSchema } from '#core/gate-input';
import { FlowChannelSchema } from '#core/hitl-config';

/** The fields every flow step task sends its function (see statemachines/compiler.ts). */
const step = {
  executionId: z.string().min(1).max(80),
  flowId: FlowIdSchema,
  /** Definitions compiled before the channel was sent read as async. */
  channel: FlowChannelSchema.default('async'),
  state: FlowStateSchema,
};

export const AgentStepPayloadSchema = z.object({ ...step, node: AgentNodeSchema });

/** The tool function serves two states: `.Tool` (op tool) and `.Apply` (op apply). */
export const ToolFunctionPayloadSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('tool'), ...step, node: FlowNodeSchema, call: ToolCallSchema.optional() }),
  z.object({ op: z.literal('apply'), ...step, node: FlowNodeSchema }),
]);

export const GateTimeoutPayloadSchema = z.object({ ...step, node: FlowNodeSchema });

/** The `RecordFailure` state's payload: what a step's Catch caught (Step Functions' error output). */
export const ExecutionFailurePayloadSchema = z.object({
  op: z.literal('fail'),
  executionId: z.string().min(1).max(80),
  flowId: FlowIdSchema,
  failure: z.object({ Error: z.string().max(256), Cause: z.string().max(32_768).optional() }),
});

/** A flow gate's payload: the approval gate's, plus a voice flow's hold notice. */
export const FlowGatePayloadSchema = GateInputSchema.extend({
  hold: z
    .object({ message: z.string().min(1).max(500), musicUrl: z.url().max(2048).optional() })
    .optional(),
});
