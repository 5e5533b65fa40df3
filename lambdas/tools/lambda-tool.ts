import type { ToolContext } from './tool.ts';
import { ToolCallError } from './tool-errors.ts';

/** Invokes a Lambda function synchronously with a JSON payload and returns its parsed answer. */
export interface LambdaInvoker {
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
}

/** What a Lambda tool's function receives. */
export interface LambdaToolPayload {
  readonly args: Record<string, unknown>;
  readonly idempotencyKey: string;
}

/** Runs a Lambda tool by its function ARN through `invoker`; a failure becomes a tool error the agent reads. */
export async function runLambdaTool(invoker: LambdaInvoker | undefined, toolName: string, functionArn: string, args: Record<string, unknown>, context: ToolContext): Promise<unknown> {
  if (!invoker) throw new ToolCallError(`${toolName} cannot run here: no Lambda invoker and no local stand-in is configured`, false);
  const payload: LambdaToolPayload = { args, idempotencyKey: context.idempotencyKey };
  try {
    return await invoker.invoke(functionArn, payload);
  } catch (error) {
    if (error instanceof ToolCallError) throw error;
    throw new ToolCallError(`${toolName} failed: ${(error as Error)?.message ?? String(error)}`, true, { cause: error });
  }
}
