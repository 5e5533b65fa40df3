import { ConcurrentUpdateError, NotFoundError, ValidationError } from '#core/errors';
import type { Flow } from '#core/flow';
import { assertFlowAdmin, comparable, flowAuditExecutionId, type FlowHead, type FlowRevision } from '#core/flow-revision';
import type { Identity } from '#core/identity';
import { diffJson, type JsonChange } from '#core/json-diff';
import type { AuditLog, Clock } from '#ports';
import { parseFlow } from '#statemachines/flows';
import type { FlowStore } from './flow-editor-ports.ts';

export interface SaveFlowDeps {
  readonly flows: FlowStore;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly clock: Clock;
  /** Tools a flow may name (the registered ones). */
  readonly knownTools: readonly string[];
  /** Groups whose members may save and deploy flows. */
  readonly adminGroups: readonly string[];
}

export interface SaveFlowInput {
  readonly flowId: string;
  /** The flow definition as sent: `id` may be left out (the path names it); `revision`, when given, is the revision the edit started from. */
  readonly body: unknown;
  readonly identity: Identity;
}

export interface CheckedFlow {
  readonly head: FlowHead;
  readonly current: FlowRevision;
  readonly flow: Flow;
  readonly diff: JsonChange[];
}

/**
 * Validates a flow body against the flow's current revision without storing anything: the same zod
 * schema as the flow files, the registered tools, and that it was edited from the current revision.
 * Throws NotFoundError, ValidationError naming each field, or ConcurrentUpdateError.
 */
export async function checkFlowRevision(deps: Pick<SaveFlowDeps, 'flows' | 'knownTools'>, input: Omit<SaveFlowInput, 'identity'>): Promise<CheckedFlow> {
  const head = await deps.flows.head(input.flowId);
  if (!head) throw new NotFoundError(`flow ${input.flowId} not found`);
  const current = await deps.flows.getRevision(input.flowId, head.currentRevision);
  if (!current) throw new NotFoundError(`flow ${input.flowId} has lost its revision ${head.currentRevision}`);
  if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
    throw new ValidationError('invalid flow: the body must be a flow definition (a JSON object)', [{ path: 'body', message: 'must be a JSON object' }]);
  }
  const body = input.body as Record<string, unknown>;
  if (body.id !== undefined && body.id !== input.flowId) {
    throw new ValidationError(`invalid flow: id "${String(body.id)}" does not match the path`, [{ path: 'id', message: `must be "${input.flowId}" (the flow in the path) or left out` }]);
  }
  if (body.revision !== undefined && body.revision !== head.currentRevision) {
    throw new ConcurrentUpdateError(
      `flow ${input.flowId} is at revision ${head.currentRevision} now, but this edit started from revision ${String(body.revision)}: reload it and edit again`,
    );
  }
  const flow = parseFlow({ ...body, id: input.flowId, revision: head.currentRevision + 1 }, deps.knownTools);
  return { head, current, flow, diff: diffJson(comparable(current.flow), comparable(flow)) };
}

/**
 * Stores a new revision of a flow (only for admins), with who saved it, when, and the diff against
 * the revision it was edited from; saving a flow equal to the current revision stores nothing. The
 * save is audited (kind `flow_saved`) under the pseudo-execution `flow:<id>`. Deploying is separate.
 */
export async function saveFlowRevision(deps: SaveFlowDeps, input: SaveFlowInput): Promise<{ revision: FlowRevision; created: boolean }> {
  assertFlowAdmin(input.identity, deps.adminGroups);
  const checked = await checkFlowRevision(deps, input);
  if (checked.diff.length === 0) return { revision: checked.current, created: false };

  const revision: FlowRevision = {
    flowId: input.flowId,
    revision: checked.flow.revision,
    flow: checked.flow,
    source: 'editor',
    savedBy: input.identity.userId,
    savedAt: deps.clock.now().toISOString(),
    basedOn: checked.current.revision,
    diff: checked.diff,
  };
  await deps.flows.addRevision(revision);
  await deps.audit.append({
    executionId: flowAuditExecutionId(input.flowId),
    workflowId: input.flowId,
    kind: 'flow_saved',
    actor: input.identity.userId,
    detail: { revision: revision.revision, basedOn: revision.basedOn, changes: revision.diff.length, diff: revision.diff.slice(0, 20) },
  });
  return { revision, created: true };
}
