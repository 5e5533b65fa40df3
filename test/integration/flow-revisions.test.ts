import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { aslProblems } from '#adapters/stepfunctions/asl-validator-check';
import { ConcurrentUpdateError, ForbiddenError, ValidationError } from '#core/errors';
import type { Flow } from '#core/flow';
import type { Clock } from '#ports';
import { LOCAL_FLOW_FUNCTIONS } from '#local/flows-module';
import { LocalStepFunctions } from '#local/stepfunctions-engine';
import { compileFlow } from '#statemachines/compiler';
import { LocalFlowCatalog, flowVersionName } from '#statemachines/flow-catalog';
import { deployFlowRevision } from '#usecases/deploy-flow';
import { deployedFlowCatalog } from '#usecases/deployed-flow-catalog';
import type { DefinitionProblem } from '#usecases/flow-editor-ports';
import { saveFlowRevision } from '#usecases/save-flow';
import { seedShippedFlows } from '#usecases/seed-flows';
import { parseFlow } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { agentFlow } from '../support/flows.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

const ADMIN = { userId: 'root', groups: ['admins'] };
const clock: Clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

const engines: LocalStepFunctions[] = [];

/**
 * The local deployer on a real local engine: each deployed revision becomes a version the engine
 * runs. `problems` stands in for the validator's findings, so a definition can be refused.
 */
function localDeployer(problems: DefinitionProblem[] = []) {
  const engine = new LocalStepFunctions({ functions: {} });
  engines.push(engine);
  const deployer = new LocalFlowCatalog((name, definition) => engine.registerStateMachine(name, definition), LOCAL_FLOW_FUNCTIONS, {
    validate: (definition) => [...problems, ...aslProblems(definition)],
  });
  return { engine, deployer };
}

let table: LocalTable;
let flows: FlowRepository;
beforeAll(async () => {
  table = await startLocalTable();
  flows = new FlowRepository(table.db, table.tableName);
});
afterAll(async () => {
  await Promise.all(engines.map((engine) => engine.shutdown()));
  await table.close();
});

let counter = 0;
function demoFlow(hitl: Record<string, unknown> = { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] } }): Flow {
  return parseFlow(agentFlow(`demo-${++counter}`, hitl), DEMO_TOOL_NAMES);
}

function depsWith(deployer = localDeployer().deployer) {
  return { flows, deployer, audit: table.audit, clock, knownTools: DEMO_TOOL_NAMES, adminGroups: ['admins'] };
}

describe('flow revisions in DynamoDB', () => {
  it('seeds a flow file as its first revision once, and a changed file as a new one while nobody edited the flow', async () => {
    // Prepare
    const flow = demoFlow();
    const deps = depsWith();

    // Act
    const first = await seedShippedFlows(deps, [flow]);
    await deployFlowRevision(deps, { flowId: flow.id, revision: 1, identity: ADMIN });
    const again = await seedShippedFlows(deps, [flow]);
    const changedFile = { ...flow, description: 'edited in the file' };
    const updated = await seedShippedFlows(deps, [changedFile]);

    // Assess
    expect(first).toEqual([{ flowId: flow.id, action: 'seeded', revision: 1 }]);
    expect(again).toEqual([{ flowId: flow.id, action: 'unchanged', revision: 1 }]);
    expect(updated).toEqual([{ flowId: flow.id, action: 'updated', revision: 2 }]);
    const revision = await flows.getRevision(flow.id, 2);
    expect(revision).toMatchObject({ source: 'shipped', basedOn: 1, diff: [{ path: 'description', op: 'added', after: 'edited in the file' }] });
    expect(revision?.flow.revision).toBe(2);
  });

  it('keeps people\'s revisions when the file changes after an edit', async () => {
    const flow = demoFlow();
    const deps = depsWith();
    await seedShippedFlows(deps, [flow]);
    await saveFlowRevision(deps, { flowId: flow.id, body: { ...flow, name: 'Edited' }, identity: ADMIN });

    const outcome = await seedShippedFlows(deps, [{ ...flow, description: 'changed file' }]);

    expect(outcome).toEqual([{ flowId: flow.id, action: 'file_changed', revision: 2 }]);
    expect((await flows.head(flow.id))?.currentRevision).toBe(2);
  });

  it('stores each save as a numbered revision with its author, time and diff; a save from a stale revision, or of a taken number, conflicts', async () => {
    // Prepare
    const flow = demoFlow();
    const deps = depsWith();
    await seedShippedFlows(deps, [flow]);
    const edited = structuredClone(flow);
    edited.nodes[0].hitl.blockedTools = ['send_email'];

    // Act
    const saved = await saveFlowRevision(deps, { flowId: flow.id, body: { ...edited, revision: 1 }, identity: ADMIN });
    const stale = await saveFlowRevision(deps, { flowId: flow.id, body: { ...edited, name: 'Other', revision: 1 }, identity: ADMIN }).catch((error: unknown) => error);
    const taken = await flows.addRevision({ ...saved.revision, savedBy: 'eve' }).catch((error: unknown) => error);
    const unchanged = await saveFlowRevision(deps, { flowId: flow.id, body: { ...edited, revision: undefined }, identity: ADMIN });

    // Assess
    expect(saved.created).toBe(true);
    expect(saved.revision).toMatchObject({ revision: 2, basedOn: 1, savedBy: 'root', savedAt: '2026-03-01T10:00:00.000Z', source: 'editor' });
    expect(saved.revision.diff).toEqual([{ path: 'nodes.0.hitl.blockedTools', op: 'changed', before: [], after: ['send_email'] }]);
    expect(stale).toBeInstanceOf(ConcurrentUpdateError);
    expect(taken).toBeInstanceOf(ConcurrentUpdateError);
    expect((await flows.getRevision(flow.id, 2))?.savedBy).toBe('root');
    expect(unchanged).toMatchObject({ created: false, revision: { revision: 2 } });
    expect((await flows.head(flow.id))?.currentRevision).toBe(2);
    expect((await table.audit.chain(`flow:${flow.id}`)).map((e) => [e.kind, e.actor, e.detail.revision])).toEqual([['flow_saved', 'root', 2]]);
  });

  it('refuses saves and deploys from outside the admin groups', async () => {
    const flow = demoFlow();
    const deps = depsWith();
    await seedShippedFlows(deps, [flow]);
    const bob = { userId: 'bob', groups: ['approvers'] };

    await expect(saveFlowRevision(deps, { flowId: flow.id, body: flow, identity: bob })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deployFlowRevision(deps, { flowId: flow.id, revision: 1, identity: bob })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await deps.deployer.get(flow.id)).toBeUndefined();
  });

  it('deploys a revision: keeps its compiled definition, points the head at it, and new executions start there', async () => {
    // Prepare
    const flow = demoFlow();
    const { engine, deployer } = localDeployer();
    const deps = depsWith(deployer);
    await seedShippedFlows(deps, [flow]);
    const { revision: saved } = await saveFlowRevision(deps, { flowId: flow.id, body: { ...flow, channel: 'voice' }, identity: ADMIN });
    const fallback = { get: async () => ({ flowId: flow.id, revision: 1, channel: 'async' as const, stateMachineArn: 'arn:cdk' }) };
    const catalog = deployedFlowCatalog(flows, fallback);
    const beforeDeploy = await catalog.get(flow.id);

    // Act
    const result = await deployFlowRevision(deps, { flowId: flow.id, revision: 2, identity: ADMIN });

    // Assess
    expect(beforeDeploy?.stateMachineArn).toBe('arn:cdk');
    expect(result).toMatchObject({ previousRevision: null, rolledBack: false, deployment: { revision: 2, channel: 'voice', deployedBy: 'root' } });
    expect(result.deployment.stateMachineArn).toMatch(new RegExp(`:stateMachine:${flowVersionName(flow.id, 2)}$`));
    expect(await deployer.get(flow.id)).toEqual({ flowId: flow.id, revision: 2, channel: 'voice', stateMachineArn: result.deployment.stateMachineArn });
    expect(deployer.version(flow.id, 1)).toBeUndefined();
    expect(await flows.definitionOf(flow.id, 2)).toEqual(JSON.parse(JSON.stringify(compileFlow(saved.flow))));
    // The engine runs the deployed version: an execution starts on it.
    const { executionArn } = await engine.startExecution(result.deployment.stateMachineArn, {});
    expect((await engine.describeExecution(executionArn)).stateMachineArn).toBe(result.deployment.stateMachineArn);
    expect(await flows.definitionOf(flow.id, 1)).toBeUndefined();
    expect(await catalog.get(flow.id)).toEqual({ flowId: flow.id, revision: 2, channel: 'voice', stateMachineArn: result.deployment.stateMachineArn });
    expect((await table.audit.chain(`flow:${flow.id}`)).map((e) => e.kind)).toEqual(['flow_saved', 'flow_deployed']);
  });

  it('publishes nothing when the definition does not validate, and names the problems', async () => {
    const flow = demoFlow();
    const { deployer } = localDeployer([{ path: 'States.agent.Gate', message: 'SCHEMA_VALIDATION_FAILED: bad' }]);
    const deps = depsWith(deployer);
    await seedShippedFlows(deps, [flow]);

    const failed = deployFlowRevision(deps, { flowId: flow.id, revision: 1, identity: ADMIN });

    await expect(failed).rejects.toBeInstanceOf(ValidationError);
    await expect(failed).rejects.toMatchObject({ issues: [{ path: 'definition.States.agent.Gate', message: 'SCHEMA_VALIDATION_FAILED: bad' }] });
    expect(await deployer.get(flow.id)).toBeUndefined();
    expect((await flows.head(flow.id))?.deployed).toBeUndefined();
  });

  it('pages through revisions newest first', async () => {
    const flow = demoFlow();
    const deps = depsWith();
    await seedShippedFlows(deps, [flow]);
    for (const timeoutSeconds of [60, 120, 180]) {
      const head = await flows.head(flow.id);
      const body = structuredClone(flow);
      body.nodes[0].hitl.timeoutSeconds = timeoutSeconds;
      await saveFlowRevision(deps, { flowId: flow.id, body: { ...body, revision: head!.currentRevision }, identity: ADMIN });
    }

    const first = await flows.listRevisions(flow.id, { limit: 3 });
    const rest = await flows.listRevisions(flow.id, { limit: 3, cursor: first.nextCursor });

    expect(first.items.map((r) => r.revision)).toEqual([4, 3, 2]);
    expect(rest.items.map((r) => r.revision)).toEqual([1]);
    expect(first.items[0]).not.toHaveProperty('definition');
    await expect(flows.listRevisions('other-flow', { limit: 3, cursor: first.nextCursor })).rejects.toBeInstanceOf(ValidationError);
  });
});
