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

/** A tool the agent may call: the schema its arguments must meet and the code that runs it. */
export interface ToolDefinition<Args = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Args>;
  /** True for tools without side effects; they are safe to auto-approve. */
  readonly readOnly: boolean;
  run(args: Args, context: ToolContext): Promise<unknown>;
}

/** The model-facing description of a tool. */
export function specOf(tool: Pick<ToolDefinition<any>, 'name' | 'description' | 'input'>): ToolSpec {
  const { $schema: _schema, ...inputSchema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, inputSchema };
}
