import * as z from 'zod';
import { runHttpTool, type HttpToolDeps } from './http-tool.ts';
import { runLambdaTool, type LambdaInvoker } from './lambda-tool.ts';
import type { ToolDefinition } from './tool.ts';
import { ToolCallError } from './tool-errors.ts';
import type { ToolSpecData } from './tool-spec.ts';

/** Runs an MCP tool; see mcp-tool.ts. */
export interface McpCaller {
  call(server: { url: string; tool: string; timeoutMs: number }, args: Record<string, unknown>, context: { idempotencyKey: string }): Promise<unknown>;
}

/** What running data tools needs: the code-backed handlers by name, secrets, and the ways to call out. */
export interface DataToolDeps extends HttpToolDeps {
  /** Tools implemented in this code base, by handler name (`lambda.handler`). */
  readonly handlers: ReadonlyMap<string, ToolDefinition<any>>;
  readonly lambda?: LambdaInvoker;
  readonly mcp?: McpCaller;
}

/** The zod schema for a JSON Schema of arguments; a schema zod cannot read is refused with the reason. */
export function argsSchemaOf(jsonSchema: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  return z.fromJSONSchema(jsonSchema as never) as z.ZodType<Record<string, unknown>>;
}

/**
 * The runnable tool a spec describes. A handler-backed tool keeps its handler's own argument schema
 * (the spec file carries the same schema as JSON, for models and the API); every other tool checks its
 * arguments against the spec's JSON Schema.
 */
export function toolFromSpec(deps: DataToolDeps, spec: ToolSpecData): ToolDefinition<Record<string, unknown>> {
  const base = { name: spec.name, description: spec.description, readOnly: spec.readOnly, delivery: spec.delivery };
  if (spec.lambda && 'handler' in spec.lambda) {
    const handler = deps.handlers.get(spec.lambda.handler);
    if (!handler) throw new Error(`tool "${spec.name}": no tool handler "${spec.lambda.handler}" is registered`);
    return { ...base, input: handler.input, run: (args, context) => handler.run(args, context) };
  }
  const input = argsSchemaOf(spec.argsSchema);
  if (spec.http) {
    const http = spec.http;
    return { ...base, input, run: (args, context) => runHttpTool(deps, { name: spec.name, delivery: spec.delivery, http }, args, context) };
  }
  if (spec.lambda && 'functionArn' in spec.lambda) {
    const { functionArn, localUrl } = spec.lambda;
    if (localUrl && !deps.lambda) {
      const http = { method: 'POST' as const, url: localUrl, headers: {}, timeoutMs: 10_000, retries: 2, maxResponseBytes: 256_000 };
      return { ...base, input, run: (args, context) => runHttpTool(deps, { name: spec.name, delivery: spec.delivery, http }, { args, idempotencyKey: context.idempotencyKey }, context) };
    }
    return { ...base, input, run: (args, context) => runLambdaTool(deps.lambda, spec.name, functionArn, args, context) };
  }
  const mcp = spec.mcp!;
  return {
    ...base,
    input,
    run: async (args, context) => {
      if (!deps.mcp) throw new ToolCallError(`${spec.name} cannot run here: MCP tools are not enabled`, false);
      return deps.mcp.call(mcp, args, context);
    },
  };
}
