import { ConcurrentUpdateError, NotFoundError, ValidationError } from '#core/errors';
import { FlowIdSchema, type Flow } from '#core/flow';
import { assertFlowAdmin, comparable, flowAuditExecutionId, type FlowHead, type FlowRevision } from '#core/flow-revision';
import type { Identity } from '#core/identity';
import { diffJson, type JsonChange } from '#core/json-diff';
import { flowToolNames, hostOf, listingsOf, sameListings, type McpToolListings } from '#core/mcp-listing';
import { parseWithPolicyChecks } from '#core/policy-checks';
import type { AuditLog, Clock } from '#ports';
import { parseFlow } from '#statemachines/flows';
import type { FlowStore, McpToolReader } from './flow-editor-ports.ts';

export interface SaveFlowDeps {
  readonly flows: FlowStore;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly clock: Clock;
  /** Tools a flow may name (the registered ones). */
  readonly knownTools: readonly string[];
  /** Groups whose members may save and deploy flows. */
  readonly adminGroups: readonly string[];
  /** Reads the flow's MCP tools from their servers, to store what they list with the revision. */
  readonly mcpTools?: McpToolReader;
}

export interface SaveFlowInput {
  readonly flowId: string;
  /** The flow definition as sent: `id` may be left out (the path names it); `revision`, when given, is the revision the edit started from. */
  readonly body: unknown;
  readonly identity: Identity;
}

export interface CheckedFlow {
  /** The flow's head and current revision; absent for a flow that does not exist yet (the save creates it). */
  readonly head?: FlowHead;
  readonly current?: FlowRevision;
  readonly flow: Flow;
  readonly diff: JsonChange[];
}

/**
 * Validates a flow body against the flow's current revision without storing anything: the same zod
 * schema as the flow files, the registered tools, and that it was edited from the current revision.
 * For a flow that does not exist yet, the body becomes its revision 1 (`revision`, if given, must be
 * 1, as in a flow file). Throws ValidationError naming each field, or ConcurrentUpdateError.
 */
export async function checkFlowRevision(deps: Pick<SaveFlowDeps, 'flows' | 'knownTools'>, input: Omit<SaveFlowInput, 'identity'>): Promise<CheckedFlow> {
  const head = await deps.flows.head(input.flowId);
  const current = head && (await deps.flows.getRevision(input.flowId, head.currentRevision));
  if (head && !current) throw new NotFoundError(`flow ${input.flowId} has lost its revision ${head.currentRevision}`);
  if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
    throw new ValidationError('invalid flow: the body must be a flow definition (a JSON object)', [{ path: 'body', message: 'must be a JSON object' }]);
  }
  const body = input.body as Record<string, unknown>;
  if (body.id !== undefined && body.id !== input.flowId) {
    throw new ValidationError(`invalid flow: id "${String(body.id)}" does not match the path`, [{ path: 'id', message: `must be "${input.flowId}" (the flow in the path) or left out` }]);
  }
  if (!head || !current) {
    if (body.revision !== undefined && body.revision !== 1) {
      throw new ValidationError(`invalid flow: flow ${input.flowId} does not exist yet, so its first revision is 1`, [{ path: 'revision', message: 'must be 1 or left out for a new flow' }]);
    }
    return { flow: await parseWithPolicyChecks(() => parseFlow({ ...body, id: input.flowId, revision: 1 }, deps.knownTools)), diff: [] };
  }
  if (body.revision !== undefined && body.revision !== head.currentRevision) {
    throw new ConcurrentUpdateError(
      `flow ${input.flowId} is at revision ${head.currentRevision} now, but this edit started from revision ${String(body.revision)}: reload it and edit again`,
    );
  }
  const flow = await parseWithPolicyChecks(() => parseFlow({ ...body, id: input.flowId, revision: head.currentRevision + 1 }, deps.knownTools));
  return { head, current, flow, diff: diffJson(comparable(current.flow), comparable(flow)) };
}

/**
 * Stores a new revision of a flow (only for admins), with who saved it, when, and the diff against
 * the revision it was edited from; saving a flow equal to the current revision stores nothing. A flow
 * that does not exist yet is created at revision 1 (in the table, like every edit: never as a file).
 * The save is audited (kind `flow_saved`) under the pseudo-execution `flow:<id>`. Deploying is separate.
 * Two admins creating the same flow at once: one wins, the other gets ConcurrentUpdateError.
 */
export async function saveFlowRevision(deps: SaveFlowDeps, input: SaveFlowInput): Promise<{ revision: FlowRevision; created: boolean }> {
  assertFlowAdmin(input.identity, deps.adminGroups);
  const checked = await checkFlowRevision(deps, input);
  const mcpTools = await mcpListingsFor(deps, checked.flow);
  // An unchanged flow whose MCP servers list the same tools is the current revision; a changed
  // listing is worth a revision of its own (it is what the next deploy is checked against).
  if (checked.current && checked.diff.length === 0 && sameListings(checked.current.mcpTools, mcpTools)) return { revision: checked.current, created: false };

  const revision: FlowRevision = {
    flowId: input.flowId,
    revision: checked.flow.revision,
    flow: checked.flow,
    source: 'editor',
    savedBy: input.identity.userId,
    savedAt: deps.clock.now().toISOString(),
    ...(checked.current ? { basedOn: checked.current.revision } : {}),
    diff: checked.diff,
    ...(mcpTools && Object.keys(mcpTools).length > 0 ? { mcpTools } : {}),
  };
  await deps.flows.addRevision(revision);
  await deps.audit.append({
    executionId: flowAuditExecutionId(input.flowId),
    workflowId: input.flowId,
    kind: 'flow_saved',
    actor: input.identity.userId,
    detail: {
      revision: revision.revision,
      basedOn: revision.basedOn ?? null,
      ...(checked.current ? {} : { newFlow: true }),
      changes: revision.diff.length,
      diff: revision.diff.slice(0, 20),
    },
  });
  return { revision, created: true };
}

/**
 * Creates a flow that does not exist yet (POST /flows): its revision 1 from the body, whose `id` names
 * it. A flow with that id already exists: ConcurrentUpdateError (save a new revision with PUT instead).
 */
export async function createFlow(deps: SaveFlowDeps, input: { readonly body: unknown; readonly identity: Identity }): Promise<{ revision: FlowRevision; created: boolean }> {
  assertFlowAdmin(input.identity, deps.adminGroups);
  const body = input.body as Record<string, unknown> | null;
  const id = body !== null && typeof body === 'object' && !Array.isArray(body) ? body.id : undefined;
  const flowId = FlowIdSchema.safeParse(id);
  if (!flowId.success) {
    throw new ValidationError('invalid flow: id must name the new flow', [{ path: 'id', message: flowId.error.issues[0]?.message ?? 'required' }]);
  }
  if (await deps.flows.head(flowId.data)) {
    throw new ConcurrentUpdateError(`flow ${flowId.data} exists already: save a new revision of it with PUT /flows/${flowId.data}`);
  }
  return saveFlowRevision(deps, { flowId: flowId.data, body: input.body, identity: input.identity });
}

/**
 * What the servers of the flow's MCP tools list for them now, to store with the revision. A tool its
 * server no longer lists is refused (400 naming the node's tool); a server that does not answer is a 503.
 */
async function mcpListingsFor(deps: Pick<SaveFlowDeps, 'mcpTools'>, flow: Flow): Promise<McpToolListings | undefined> {
  if (!deps.mcpTools) return undefined;
  const now = await deps.mcpTools.read(flowToolNames(flow));
  const gone = Object.entries(now).filter(([, tool]) => !tool.listed);
  if (gone.length > 0) {
    const issues = gone.map(([name, tool]) => ({ path: `tools.${name}`, message: `the MCP server ${hostOf(tool.url)} no longer lists the tool "${tool.tool}"` }));
    throw new ValidationError(`invalid flow: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
  }
  return listingsOf(now);
}
