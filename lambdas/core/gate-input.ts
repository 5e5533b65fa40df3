import * as z from 'zod';
import { AgentActionSchema } from './action.ts';
import { FlowChannelSchema, HitlConfigSchema } from './hitl-config.ts';
import { CheckpointSchema, PolicyRefSchema, RequestContextSchema } from './request.ts';

/** What a gate task sends the gate function (the Payload of the `.waitForTaskToken` task). */
export const GateInputSchema = z.object({
  taskToken: z.string().min(1).max(8192),
  executionId: z.string().min(1).max(2048),
  workflowId: z.string().min(1).max(128),
  nodeId: z.string().min(1).max(128),
  step: z.string().min(1).max(256),
  channel: FlowChannelSchema.default('async'),
  hitl: HitlConfigSchema,
  action: AgentActionSchema,
  context: RequestContextSchema.default({ conversation: [], facts: {} }),
  requestedBy: z.string().max(128).nullish(),
  checkpoint: CheckpointSchema.optional(),
  /** The policy that paused the call, recorded on the request and in the gate_paused audit entry. */
  policy: PolicyRefSchema.optional(),
});
export type GateInput = z.infer<typeof GateInputSchema>;
