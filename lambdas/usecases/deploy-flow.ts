import { NotFoundError, ToolSchemaChangedError, ValidationError } from '#core/errors';
import { assertFlowAdmin, flowAuditExecutionId, type FlowDeployment } from '#core/flow-revision';
import type { Identity } from '#core/identity';
import { flowToolNames, mcpToolDrifts } from '#core/mcp-listing';
import type { AuditLog, Clock } from '#ports';
import { compileFlow } from '#statemachines/compiler';
import { parseFlow } from '#statemachines/flows';
import type { FlowDeployer, FlowStore, McpToolReader } from './flow-editor-ports.ts';

export interface DeployFlowDeps {
  readonly flows: FlowStore;
  readonly deployer: FlowDeployer;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly clock: Clock;
  readonly knownTools: readonly string[];
  readonly adminGroups: readonly string[];
  /** Reads the flow's MCP tools from their servers again, to refuse a deploy against a changed tool. */
  readonly mcpTools?: McpToolReader;
}

export interface DeployFlowInput {
  readonly flowId: string;
  readonly revision: number;
  readonly identity: Identity;
}

export interface DeployFlowResult {
  readonly flowId: string;
  readonly deployment: FlowDeployment;
  readonly previousRevision: number | null;
  /** True when an older revision than the one deployed before was deployed. */
  readonly rolledBack: boolean;
}

/**
 * Deploys a stored revision (only for admins): compiles it, has the deployer validate the ASL, keeps
 * the compiled definition with the revision (a restart re-registers it for executions that started on
 * it), publishes it, and points the flow's head at it. New executions start on it; running ones finish
 * on the revision they started with. Deploying an older revision is a rollback, audited as
 * `flow_rolled_back`; any other deploy as `flow_deployed`, under the pseudo-execution `flow:<id>`.
 */
export async function deployFlowRevision(deps: DeployFlowDeps, input: DeployFlowInput): Promise<DeployFlowResult> {
  assertFlowAdmin(input.identity, deps.adminGroups);
  const head = await deps.flows.head(input.flowId);
  if (!head) throw new NotFoundError(`flow ${input.flowId} not found`);
  await assertMcpToolsUnchanged(deps, input.flowId, input.revision);
  // Guarded: the record moves only from the deployment this deploy started from, so two admins
  // deploying at once cannot leave the alias on one revision and the record on another.
  const deployment = await publishRevision(deps, {
    flowId: input.flowId,
    revision: input.revision,
    actor: input.identity.userId,
    expectedDeployedRevision: head.deployed?.revision ?? null,
  });

  const previousRevision = head.deployed?.revision ?? null;
  const rolledBack = previousRevision !== null && input.revision < previousRevision;
  await deps.audit.append({
    executionId: flowAuditExecutionId(input.flowId),
    workflowId: input.flowId,
    kind: rolledBack ? 'flow_rolled_back' : 'flow_deployed',
    actor: input.identity.userId,
    detail: { revision: input.revision, previousRevision, stateMachineArn: deployment.stateMachineArn, ...(deployment.versionArn ? { versionArn: deployment.versionArn } : {}) },
  });
  return { flowId: input.flowId, deployment, previousRevision, rolledBack };
}

/**
 * Compiles, validates, publishes and records one stored revision, without checking who asks and
 * without an audit entry: deployFlowRevision for people, start-up for flows seeded from their files.
 */
export async function publishRevision(
  deps: Pick<DeployFlowDeps, 'flows' | 'deployer' | 'clock' | 'knownTools'>,
  input: {
    readonly flowId: string;
    readonly revision: number;
    readonly actor: string;
    /** The deployed revision the caller saw (null: none); the record changes only from it. @default - unconditional */
    readonly expectedDeployedRevision?: number | null;
  },
): Promise<FlowDeployment> {
  const stored = await deps.flows.getRevision(input.flowId, input.revision);
  if (!stored) throw new NotFoundError(`flow ${input.flowId} has no revision ${input.revision}`);
  // Checked again: the registered tools may have changed since the revision was saved.
  const flow = parseFlow(stored.flow, deps.knownTools);
  const definition = compileFlow(flow);
  const problems = await deps.deployer.validate(definition);
  if (problems.length > 0) {
    throw new ValidationError(
      `revision ${input.revision} of flow ${input.flowId} does not compile to a valid state machine: ${problems.map((p) => p.message).slice(0, 3).join('; ')}`,
      problems.map((problem) => ({ path: `definition${problem.path ? `.${problem.path}` : ''}`, message: problem.message })),
    );
  }
  await deps.flows.storeDefinition(input.flowId, input.revision, definition);
  const published = await deps.deployer.publish({
    flowId: flow.id,
    revision: flow.revision,
    channel: flow.channel,
    definition,
    description: `${flow.name}, revision ${flow.revision}, deployed by ${input.actor}`.slice(0, 256),
  });
  const deployment: FlowDeployment = {
    revision: input.revision,
    channel: flow.channel,
    deployedAt: deps.clock.now().toISOString(),
    deployedBy: input.actor,
    stateMachineArn: published.stateMachineArn,
    ...(published.versionArn ? { versionArn: published.versionArn } : {}),
    ...(published.aliasArn ? { aliasArn: published.aliasArn } : {}),
  };
  try {
    await deps.flows.markDeployed(input.flowId, deployment, input.expectedDeployedRevision);
  } catch (error) {
    await repairAlias(deps, input.flowId);
    throw error;
  }
  return deployment;
}

/**
 * The alias moved but the record did not (another deploy recorded itself first, or the write
 * failed): routes the alias back to the version the record names, so both agree again. A repair
 * that fails too leaves the next deploy (or `cdk deploy`) to set both.
 */
async function repairAlias(deps: Pick<DeployFlowDeps, 'flows' | 'deployer'>, flowId: string): Promise<void> {
  if (!deps.deployer.route) return;
  try {
    const recorded = (await deps.flows.head(flowId))?.deployed;
    if (recorded?.versionArn) await deps.deployer.route(flowId, recorded.versionArn, recorded.revision);
  } catch {
    // The original error is the one to report.
  }
}

/**
 * Reads the revision's MCP tools from their servers again: a tool whose server dropped it or lists
 * another argument schema than the one stored with the revision refuses the deploy (409 naming each
 * tool), since the flow's fixed arguments and approvers' edits were checked against the old one.
 * A server that does not answer refuses it with 503 naming the server.
 */
async function assertMcpToolsUnchanged(deps: Pick<DeployFlowDeps, 'flows' | 'mcpTools'>, flowId: string, revision: number): Promise<void> {
  if (!deps.mcpTools) return;
  const stored = await deps.flows.getRevision(flowId, revision);
  if (!stored) throw new NotFoundError(`flow ${flowId} has no revision ${revision}`);
  const drifts = mcpToolDrifts(stored.mcpTools, await deps.mcpTools.read(flowToolNames(stored.flow)));
  if (drifts.length > 0) {
    throw new ToolSchemaChangedError(
      `revision ${revision} of flow ${flowId} was not deployed: ${drifts.map((drift) => `tool ${drift.name}: ${drift.problem}`).join('; ')}. ` +
        'Save the flow again to take what the server lists now (and check its arguments), then deploy the new revision.',
    );
  }
}
