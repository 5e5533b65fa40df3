import { describe, expect, it } from 'vitest';
import { LOCAL_FLOW_FUNCTIONS } from '#local/flows-module';
import { compileFlow } from '#statemachines/compiler';
import { LocalFlowCatalog } from '#statemachines/flow-catalog';
import { parseFlow } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { agentFlow } from '../support/flows.ts';

/** A register function that records each registration and answers ARNs like the local engine. */
function recordingRegister() {
  const registered: { name: string; definition: any }[] = [];
  const register = (name: string, definition: object) => {
    registered.push({ name, definition });
    return `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
  };
  return { registered, register };
}

const revision = (n: number, mode: string) =>
  compileFlow(parseFlow({ ...agentFlow('demo', { mode, approvers: { groups: ['approvers'] } }), revision: n }, DEMO_TOOL_NAMES));

describe('the local flow catalog (versions on the local engine)', () => {
  it('registers each published revision as its own version, and starts new executions on the newest', async () => {
    // Prepare
    const { registered, register } = recordingRegister();
    const catalog = new LocalFlowCatalog(register, LOCAL_FLOW_FUNCTIONS);

    // Act
    const first = await catalog.publish({ flowId: 'demo', revision: 1, channel: 'async', definition: revision(1, 'blocking'), description: 'r1' });
    const second = await catalog.publish({ flowId: 'demo', revision: 2, channel: 'async', definition: revision(2, 'audit'), description: 'r2' });

    // Assess
    expect(first.stateMachineArn).toMatch(/:stateMachine:flow-demo-v1$/);
    expect(second.stateMachineArn).toMatch(/:stateMachine:flow-demo-v2$/);
    expect(registered.map((r) => r.name)).toEqual(['flow-demo-v1', 'flow-demo', 'flow-demo-v2', 'flow-demo']);
    expect(JSON.stringify(registered[0].definition)).toContain('"FunctionName":"hitl-flow-agent"');
    expect(await catalog.get('demo')).toEqual({ flowId: 'demo', revision: 2, channel: 'async', stateMachineArn: second.stateMachineArn });
    expect(catalog.version('demo', 1)?.stateMachineArn).toBe(first.stateMachineArn);
  });

  it('resumes an older revision from a copy of its own machine that starts at the gate', async () => {
    const { registered, register } = recordingRegister();
    const catalog = new LocalFlowCatalog(register, LOCAL_FLOW_FUNCTIONS);
    await catalog.publish({ flowId: 'demo', revision: 2, channel: 'async', definition: revision(2, 'audit'), description: 'r2' });

    const old = catalog.ensureVersion('demo', 1, 'async', revision(1, 'blocking'));
    const again = catalog.ensureVersion('demo', 1, 'async', revision(1, 'blocking'));
    const arn = catalog.resumeArn('demo', 1, 'agent.Gate');

    expect(old).toEqual(again);
    expect((await catalog.get('demo'))?.revision).toBe(2);
    expect(arn).toMatch(/:stateMachine:flow-demo-v1-at-[0-9a-f]{10}$/);
    expect(registered.at(-1)?.definition.StartAt).toBe('agent.Gate');
    expect(registered.map((r) => r.name).filter((name) => name === 'flow-demo-v1')).toHaveLength(1);
    expect(() => catalog.resumeArn('demo', 3, 'agent.Gate')).toThrow(/revision 3/);
  });

  it('validates the substituted definition with the given checker', async () => {
    const seen: object[] = [];
    const catalog = new LocalFlowCatalog(recordingRegister().register, LOCAL_FLOW_FUNCTIONS, {
      validate: (definition) => (seen.push(definition), [{ path: 'States', message: 'nope' }]),
    });

    expect(await catalog.validate(revision(1, 'blocking'))).toEqual([{ path: 'States', message: 'nope' }]);
    expect(JSON.stringify(seen[0])).not.toContain('${');
  });
});
