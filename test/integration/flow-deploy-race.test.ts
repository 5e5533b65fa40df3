import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { ConcurrentUpdateError } from '#core/errors';
import type { Clock } from '#ports';
import { deployFlowRevision } from '#usecases/deploy-flow';
import type { DefinitionProblem, FlowDeployer, FlowRelease } from '#usecases/flow-editor-ports';
import { saveFlowRevision } from '#usecases/save-flow';
import { seedShippedFlows } from '#usecases/seed-flows';
import { parseFlow } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { agentFlow } from '../support/flows.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

const ADMIN_A = { userId: 'alice', groups: ['admins'] };
const ADMIN_B = { userId: 'bob', groups: ['admins'] };
const clock: Clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

/**
 * A deployer with one alias, like Step Functions': publishing moves it to the new version. Both
 * publishes wait until each has begun, so two deploys read the head before either records itself,
 * and the first to publish is the last to move the alias.
 */
class RacingDeployer implements FlowDeployer {
  alias?: string;
  private started = 0;
  private release!: () => void;
  private readonly bothStarted = new Promise<void>((resolve) => (this.release = resolve));
  async validate(): Promise<DefinitionProblem[]> {
    return [];
  }
  async publish(release: FlowRelease) {
    const versionArn = `arn:aws:states:eu-west-1:1:stateMachine:flow-${release.flowId}:${release.revision}`;
    const order = ++this.started;
    if (this.started === 2) this.release();
    await this.bothStarted;
    if (order === 1) await new Promise((resolve) => setTimeout(resolve, 50));
    this.alias = versionArn;
    return { stateMachineArn: versionArn, versionArn, aliasArn: 'live' };
  }
  async route(_flowId: string, versionArn: string) {
    this.alias = versionArn;
  }
}

let table: LocalTable;
let flows: FlowRepository;
beforeAll(async () => {
  table = await startLocalTable();
  flows = new FlowRepository(table.db, table.tableName);
});
afterAll(async () => table.close());

describe('two admins deploying a flow at once', () => {
  it('records one deploy, refuses the other with 409, and leaves the alias on the recorded version', async () => {
    // Prepare: revision 1 seeded, revisions 2 and 3 saved.
    const flow = parseFlow(agentFlow('race', { mode: 'confirm_tools', approvers: { groups: ['approvers'] } }), DEMO_TOOL_NAMES);
    const deployer = new RacingDeployer();
    const deps = { flows, deployer, audit: table.audit, clock, knownTools: DEMO_TOOL_NAMES, adminGroups: ['admins'] };
    await seedShippedFlows(deps, [flow]);
    await saveFlowRevision(deps, { flowId: flow.id, body: { ...flow, name: 'Two' }, identity: ADMIN_A });
    await saveFlowRevision(deps, { flowId: flow.id, body: { ...flow, name: 'Three', revision: 2 }, identity: ADMIN_B });

    // Act
    const results = await Promise.allSettled([
      deployFlowRevision(deps, { flowId: flow.id, revision: 2, identity: ADMIN_A }),
      deployFlowRevision(deps, { flowId: flow.id, revision: 3, identity: ADMIN_B }),
    ]);

    // Assess
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentUpdateError);
    const recorded = (await flows.head(flow.id))?.deployed;
    expect([2, 3]).toContain(recorded?.revision);
    expect(deployer.alias).toBe(recorded?.versionArn);
  });
});
