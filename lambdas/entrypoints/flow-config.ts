import * as z from 'zod';
import { parseConfig } from '#core/validation';
import { FlowIdSchema } from '#core/flow';
import { FlowChannelSchema } from '#core/hitl-config';

const DeployedFlowsSchema = z.record(
  FlowIdSchema,
  z
    .object({
      /** What new executions start on: the flow's alias (`<state machine ARN>:live`), which CloudFormation routes to the version it published. */
      stateMachineArn: z.string().startsWith('arn:'),
      revision: z.number().int().min(1),
      channel: FlowChannelSchema,
      /** `deployedFlowDigest` of the flow CloudFormation deployed: the API seeds a bundled flow file only when it matches. */
      digest: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits'),
    })
    .strict(),
);

const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

/** Environment of the flow functions; each reads the part it needs. */
const FlowEnvSchema = z.object({
  /** Tool function: who send_email's messages come from (an SES-verified identity). */
  TOOL_MAIL_FROM: z.email().optional(),
  /**
   * API function: the deployed flows, `{"support-agent":{"stateMachineArn":"arn:...:stateMachine:flow-support-agent:live","revision":1,"channel":"async","digest":"0123456789abcdef"}}`.
   * Unset means no flows are deployed next to this API: starting one answers 404.
   */
  FLOW_STATE_MACHINES: json.pipe(DeployedFlowsSchema).optional(),
  /** Tool and API functions: the Lambda tool functions a tool may name (comma-separated ARNs; the tool function may invoke exactly these). */
  TOOL_FUNCTION_ARNS: z
    .string()
    .optional()
    .transform((list) => (list ?? '').split(',').map((arn) => arn.trim()).filter(Boolean)),
});
export type FlowConfig = z.infer<typeof FlowEnvSchema>;

/** Reads the flow settings once, naming every bad variable in one message. */
export function loadFlowConfig(env: NodeJS.ProcessEnv = process.env): FlowConfig {
  const parsed = parseConfig(FlowEnvSchema, env, 'flow configuration');
  return parsed;
}

/** The tool function's sender; throws when it is not configured. */
export function toolMailFrom(config: FlowConfig): string {
  if (!config.TOOL_MAIL_FROM) throw new Error('invalid flow configuration: TOOL_MAIL_FROM must name the sender of send_email');
  return config.TOOL_MAIL_FROM;
}
