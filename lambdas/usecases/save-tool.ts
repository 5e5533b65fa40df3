import { ValidationError } from '#core/errors';
import type { Identity } from '#core/identity';
import type { AuditLog, Clock } from '#ports';
import type { ToolDefinition } from '../tools/tool.ts';
import { McpToolSchema, ToolSpecSchema, type McpTool, type StoredTool, type ToolSpecData } from '../tools/tool-spec.ts';

/** Where admin-saved tools are kept (a table item each). */
export interface ToolStore {
  get(name: string): Promise<StoredTool | undefined>;
  list(): Promise<StoredTool[]>;
  put(tool: StoredTool): Promise<void>;
}

export interface SaveToolDeps {
  readonly toolStore: ToolStore;
  /** The running registry: a saved tool is usable at once (locally; on AWS each function reloads it). */
  readonly registry: { put(tool: ToolDefinition<any>): void; get(name: string): ToolDefinition<any> | undefined };
  /** Turns a spec into a runnable tool; throws on a spec that cannot run (an unknown handler, an unreadable schema). */
  readonly build: (spec: ToolSpecData) => ToolDefinition<any>;
  /** Reads an MCP tool's description and argument schema from its server (`tools/list`) when it is saved. */
  readonly describeMcp?: (server: McpTool) => Promise<{ description: string | undefined; inputSchema: Record<string, unknown> }>;
  /** Names of the shipped tools (files); they are changed in the repository, not through the API. */
  readonly shipped: readonly string[];
  readonly audit: Pick<AuditLog, 'append'>;
  readonly clock: Clock;
}

/** The pseudo-execution a tool's audit entries are chained under. */
export function toolAuditExecutionId(name: string): string {
  return `tool:${name}`;
}

/**
 * Saves a tool spec (the caller is an admin; the route checks): validated by the zod spec schema,
 * refused when it names a shipped tool or cannot be run, stored, registered and audited (`tool_saved`,
 * with the spec: secrets are only ever named by reference, so it carries none).
 */
export async function saveTool(deps: SaveToolDeps, input: { name: string; body: unknown; identity: Identity }): Promise<{ tool: StoredTool; created: boolean }> {
  if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
    throw new ValidationError('invalid tool: the body must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]);
  }
  const body = input.body as Record<string, unknown>;
  if (body.name !== undefined && body.name !== input.name) {
    throw new ValidationError(`invalid tool: name "${String(body.name)}" does not match the path`, [{ path: 'name', message: `must be "${input.name}" or left out` }]);
  }
  const parsed = ToolSpecSchema.safeParse({ ...(await withMcpListing(deps, body)), name: input.name });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || 'body', message: issue.message }));
    throw new ValidationError(`invalid tool: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  if (deps.shipped.includes(input.name)) {
    throw new ValidationError(`invalid tool: ${input.name} is shipped with the code (tools/${input.name}.json)`, [
      { path: 'name', message: 'names a shipped tool; save the tool under another name' },
    ]);
  }
  const spec = parsed.data;
  let tool: ToolDefinition<any>;
  try {
    tool = deps.build(spec);
  } catch (error) {
    throw new ValidationError(`invalid tool: ${(error as Error).message}`, [{ path: 'argsSchema', message: (error as Error).message }]);
  }
  const created = !(await deps.toolStore.get(input.name));
  const stored: StoredTool = { spec, source: 'saved', savedBy: input.identity.userId, savedAt: deps.clock.now().toISOString() };
  await deps.toolStore.put(stored);
  deps.registry.put(tool);
  await deps.audit.append({ executionId: toolAuditExecutionId(input.name), workflowId: input.name, kind: 'tool_saved', actor: input.identity.userId, detail: { created, spec } });
  return { tool: stored, created };
}

/**
 * An MCP tool's body with the description and argument schema its server lists (the server's schema
 * wins over one sent along, so approvers' edits are checked against what the server accepts).
 */
async function withMcpListing(deps: Pick<SaveToolDeps, 'describeMcp'>, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const server = body.mcp === undefined ? undefined : McpToolSchema.safeParse(body.mcp);
  if (!server?.success || !deps.describeMcp) return body;
  let listed: Awaited<ReturnType<NonNullable<SaveToolDeps['describeMcp']>>>;
  try {
    listed = await deps.describeMcp(server.data);
  } catch (error) {
    throw new ValidationError(`invalid tool: ${(error as Error).message}`, [{ path: 'mcp.url', message: (error as Error).message }]);
  }
  return { ...body, description: body.description ?? listed.description ?? server.data.tool, argsSchema: listed.inputSchema };
}

/** The shipped tools, then the saved ones, by name. */
export async function listTools(deps: { toolStore: ToolStore; shippedSpecs: readonly ToolSpecData[] }): Promise<StoredTool[]> {
  const saved = await deps.toolStore.list();
  return [...deps.shippedSpecs.map((spec): StoredTool => ({ spec, source: 'file' })), ...saved.sort((a, b) => a.spec.name.localeCompare(b.spec.name))];
}
