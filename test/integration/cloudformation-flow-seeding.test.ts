import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { aslProblems } from '#adapters/stepfunctions/asl-validator-check';
import type { Flow } from '#core/flow';
import type { Clock } from '#ports';
import { LOCAL_FLOW_FUNCTIONS } from '#local/flows-module';
import { LocalStepFunctions } from '#local/stepfunctions-engine';
import { compileFlow } from '#statemachines/compiler';
import { LocalFlowCatalog, flowVersionName } from '#statemachines/flow-catalog';
import { loadFlowFiles, parseFlow } from '#statemachines/flows';
import { deployFlowRevision } from '#usecases/deploy-flow';
import { deployedFlowCatalog } from '#usecases/deployed-flow-catalog';
import { saveFlowRevision } from '#usecases/save-flow';
import { deployedFlowDigest, seedCloudFormationFlows, seededOnFirstUse, type CloudFormationDeployment } from '#usecases/seed-flows';
import { seedBundledFlows } from '../../lambdas/entrypoints/flow-seeding.ts';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { agentFlow } from '../support/flows.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

const ADMIN = { userId: 'root', groups: ['admins'] };
const clock: Clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };
const MACHINES = 'arn:aws:states:eu-west-1:123456789012:stateMachine';

/** The local deployer: each deployed revision becomes a version on the local engine, where new executions start. */
const engine = new LocalStepFunctions({ functions: {} });
const deployer = new LocalFlowCatalog((name, definition) => engine.registerStateMachine(name, definition), LOCAL_FLOW_FUNCTIONS, { validate: aslProblems });

let table: LocalTable;
let flows: FlowRepository;
beforeAll(async () => {
  table = await startLocalTable();
  flows = new FlowRepository(table.db, table.tableName);
});
afterAll(async () => {
  await engine.shutdown();
  await table.close();
});

let counter = 0;
function demoFlow(): Flow {
  return parseFlow(agentFlow(`cfn-${++counter}`, { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] } }), DEMO_TOOL_NAMES);
}

const aliasOf = (flow: Flow) => `${MACHINES}:flow-${flow.id}:live`;
/** What FLOW_STATE_MACHINES tells the API function about `deployed`: CloudFormation deployed exactly these files. */
const deployedAs = (...deployed: Flow[]) => (flowId: string): CloudFormationDeployment | undefined => {
  const flow = deployed.find((candidate) => candidate.id === flowId);
  return flow ? { aliasArn: aliasOf(flow), digest: deployedFlowDigest(flow) } : undefined;
};
const deps = () => ({ flows, clock, deployer, audit: table.audit, knownTools: DEMO_TOOL_NAMES, adminGroups: ['admins'] });

describe('seeding the flows cdk deploy published (AWS)', () => {
  it('records each file as revision 1, deployed at its alias by CloudFormation, once', async () => {
    // Prepare
    const flow = demoFlow();
    const fallback = { get: async () => undefined };

    // Act
    const first = await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));
    const again = await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));

    // Assess
    expect(first).toEqual([{ flowId: flow.id, action: 'seeded', revision: 1 }]);
    expect(again).toEqual([{ flowId: flow.id, action: 'unchanged', revision: 1 }]);
    const head = await flows.head(flow.id);
    expect(head).toMatchObject({ currentRevision: 1, deployed: { revision: 1, deployedBy: 'system:cloudformation', stateMachineArn: aliasOf(flow), aliasArn: aliasOf(flow) } });
    expect(await flows.getRevision(flow.id, 1)).toMatchObject({ source: 'shipped', savedBy: 'system:flow-file', diff: [] });
    expect(await flows.definitionOf(flow.id, 1)).toEqual(JSON.parse(JSON.stringify(compileFlow(flow))));
    // New executions start on the alias, as revision 1.
    expect(await deployedFlowCatalog(flows, fallback).get(flow.id)).toEqual({ flowId: flow.id, revision: 1, channel: 'async', stateMachineArn: aliasOf(flow) });
  });

  it('skips files CloudFormation did not deploy, and files that differ from what it deployed', async () => {
    const notDeployed = demoFlow();
    const deployed = demoFlow();
    const bundled = { ...deployed, description: 'not what CloudFormation deployed' };

    const outcomes = await seedCloudFormationFlows(deps(), [notDeployed, bundled], deployedAs(deployed));

    expect(outcomes).toEqual([{ flowId: deployed.id, action: 'file_differs' }]);
    expect(await flows.head(notDeployed.id)).toBeUndefined();
    expect(await flows.head(deployed.id)).toBeUndefined();
  });

  it('records a changed file that cdk deploy published as the newest revision, deployed, while CloudFormation\'s revision is deployed', async () => {
    // Prepare: revision 1 from the file; an admin saves revision 2 without deploying it.
    const flow = demoFlow();
    await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));
    await saveFlowRevision(deps(), { flowId: flow.id, body: { ...flow, name: 'Draft' }, identity: ADMIN });
    const changedFile = { ...flow, description: 'changed in the file' };

    // Act: the next cdk deploy published the changed file behind the alias.
    const outcome = await seedCloudFormationFlows(deps(), [changedFile], deployedAs(changedFile));

    // Assess
    expect(outcome).toEqual([{ flowId: flow.id, action: 'updated', revision: 3 }]);
    expect(await flows.getRevision(flow.id, 3)).toMatchObject({ source: 'shipped', basedOn: 2, flow: { description: 'changed in the file', name: flow.name, revision: 3 } });
    expect((await flows.head(flow.id))?.deployed).toMatchObject({ revision: 3, stateMachineArn: aliasOf(flow), deployedBy: 'system:cloudformation' });
  });

  it('leaves revisions saved since in the editor waiting while the file is unchanged', async () => {
    const flow = demoFlow();
    await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));
    await saveFlowRevision(deps(), { flowId: flow.id, body: { ...flow, name: 'Draft' }, identity: ADMIN });

    const outcome = await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));

    expect(outcome).toEqual([{ flowId: flow.id, action: 'unchanged', revision: 2 }]);
    expect(await flows.head(flow.id)).toMatchObject({ currentRevision: 2, deployed: { revision: 1 } });
  });

  it('keeps a revision an admin deployed from the editor when the file changes, and reports the file', async () => {
    // Prepare: an admin deploys revision 2; new executions start on its version.
    const flow = demoFlow();
    await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));
    await saveFlowRevision(deps(), { flowId: flow.id, body: { ...flow, name: 'Edited' }, identity: ADMIN });
    const { deployment } = await deployFlowRevision(deps(), { flowId: flow.id, revision: 2, identity: ADMIN });
    const changedFile = { ...flow, description: 'changed in the file' };

    // Act
    const outcome = await seedCloudFormationFlows(deps(), [changedFile], deployedAs(changedFile));

    // Assess
    expect(outcome).toEqual([{ flowId: flow.id, action: 'file_changed', revision: 2 }]);
    expect((await flows.head(flow.id))?.deployed).toEqual(deployment);
    expect(deployment.stateMachineArn).toMatch(new RegExp(`:stateMachine:${flowVersionName(flow.id, 2)}$`));
    expect(await deployer.get(flow.id)).toMatchObject({ revision: 2, stateMachineArn: deployment.stateMachineArn });
  });

  it('follows the file again once the revision an admin deployed is copied back into it and cdk deploy publishes it', async () => {
    // Prepare: an admin deploys revision 2, then copies it into the flow file (revision number aside).
    const flow = demoFlow();
    await seedCloudFormationFlows(deps(), [flow], deployedAs(flow));
    const { revision: edited } = await saveFlowRevision(deps(), { flowId: flow.id, body: { ...flow, name: 'Edited' }, identity: ADMIN });
    await deployFlowRevision(deps(), { flowId: flow.id, revision: 2, identity: ADMIN });
    const copiedBack = { ...edited.flow, revision: 1 };

    // Act
    const adopted = await seedCloudFormationFlows(deps(), [copiedBack], deployedAs(copiedBack));
    const later = { ...copiedBack, description: 'changed in the file later' };
    const followed = await seedCloudFormationFlows(deps(), [later], deployedAs(later));

    // Assess
    expect(adopted).toEqual([{ flowId: flow.id, action: 'unchanged', revision: 2 }]);
    expect(followed).toEqual([{ flowId: flow.id, action: 'updated', revision: 3 }]);
    expect((await flows.head(flow.id))?.deployed).toMatchObject({ revision: 3, stateMachineArn: aliasOf(flow), deployedBy: 'system:cloudformation' });
  });

  it('stores one revision when three instances seed at once', async () => {
    const flow = demoFlow();

    const outcomes = await Promise.all([1, 2, 3].map(() => seedCloudFormationFlows(deps(), [flow], deployedAs(flow))));

    expect(outcomes.flat().map((o) => o.action).sort()).toEqual(['seeded', 'unchanged', 'unchanged']);
    expect((await flows.listRevisions(flow.id, { limit: 10 })).items.map((r) => r.revision)).toEqual([1]);
    expect((await flows.head(flow.id))?.deployed).toMatchObject({ revision: 1, stateMachineArn: aliasOf(flow) });
  });

  it('seeds the flow files found in statemachines/flows/ (bundled with the API function) from FLOW_STATE_MACHINES', async () => {
    // Prepare: the entries CDK writes for the shipped files.
    const shipped = loadFlowFiles(DEMO_TOOL_NAMES);
    const machines = Object.fromEntries(
      shipped.map((flow) => [flow.id, { stateMachineArn: aliasOf(flow), revision: flow.revision, channel: flow.channel, digest: deployedFlowDigest(flow) }]),
    );

    // Act
    await seedBundledFlows({ flows, clock }, machines);

    // Assess
    for (const flow of shipped) {
      expect(await flows.head(flow.id), flow.id).toMatchObject({ currentRevision: 1, deployed: { revision: 1, stateMachineArn: aliasOf(flow), deployedBy: 'system:cloudformation' } });
    }
  });
});

describe('a flow store seeded on first use', () => {
  it('seeds once, before the first call of any method, and again after a seed that failed', async () => {
    // Prepare
    const flow = demoFlow();
    let seeds = 0;
    let fail = true;
    const store = seededOnFirstUse(flows, async () => {
      seeds += 1;
      if (fail) throw new Error('throttled');
      await seedCloudFormationFlows({ flows, clock }, [flow], deployedAs(flow));
    });

    // Act
    const failed = await store.head(flow.id).catch((error: unknown) => error);
    fail = false;
    const first = await store.head(flow.id);
    const second = await store.getRevision(flow.id, 1);

    // Assess
    expect(failed).toMatchObject({ message: 'throttled' });
    expect(seeds).toBe(2);
    expect(first?.deployed?.revision).toBe(1);
    expect(second?.revision).toBe(1);
  });
});
