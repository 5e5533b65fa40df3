import * as z from 'zod';

/** What the model is told about a tool: its name, purpose and argument schema (JSON Schema). */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

/** What a tool run knows besides its arguments. */
export interface ToolContext {
  /**
   * Stable across retries of the same call (the approval request id, or execution/node/call id when
   * no approval was needed): a tool with side effects passes it on where the service takes one.
   */
  readonly idempotencyKey: string;
  readonly executionId: string;
}

/**
 * What a run interrupted by a crash (between the effect and the record of it) may become:
 * - `idempotent`: run it again under the same idempotency key; the provider dedupes on it (or the
 *   tool has no effect), so nothing happens twice;
 * - `at_most_once`: never run it again on its own; its outcome is unknown, and a person decides
 *   whether to run it again (at a gated node) or the agent is told (at a node without a gate).
 */
export const ToolDeliverySchema = z.enum(['idempotent', 'at_most_once']);
export type ToolDelivery = z.infer<typeof ToolDeliverySchema>;

/** What a tool declares about itself besides its code; checked when a registry is built. */
export const ToolContractSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lower-case name such as send_email'),
  description: z.string().min(1).max(1024),
  /** True for tools without side effects; they are safe to auto-approve. */
  readOnly: z.boolean(),
  delivery: ToolDeliverySchema,
});
export type ToolContract = z.infer<typeof ToolContractSchema>;

/** A tool the agent may call: its contract, the schema its arguments must meet and the code that runs it. */
export interface ToolDefinition<Args = Record<string, unknown>> extends ToolContract {
  readonly input: z.ZodType<Args>;
  run(args: Args, context: ToolContext): Promise<unknown>;
}

/** The tool's declared contract, or an error naming every field that breaks it. */
export function parseToolContract(tool: ToolDefinition<any>): ToolContract {
  const { input: _input, run: _run, ...contract } = tool;
  const parsed = ToolContractSchema.safeParse(contract);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'tool'}: ${issue.message}`).join('; ');
  throw new Error(`tool "${String(tool.name)}" is not a valid tool definition: ${problems}`);
}

/** The model-facing description of a tool. */
export function specOf(tool: Pick<ToolDefinition<any>, 'name' | 'description' | 'input'>): ToolSpec {
  const { $schema: _schema, ...inputSchema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, inputSchema };
}
