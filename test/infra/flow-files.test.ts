import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HitlStack } from '#infra/constructs/hitl-stack';
import { loadFlowConfig } from '../../lambdas/entrypoints/flow-config.ts';
import { FLOWS_DIR, loadFlowFiles } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { BASE_CONFIG, FEATURE_FLAGS, handlersForTest, logicalIdOf, roleOf, statementsOf } from './fixtures.ts';
import { environmentOf } from './template-values.ts';

describe('a flow file added to the flows folder, at cdk synth', () => {
  it('becomes its own state machine with its alias, in the API function\'s catalog and grants, with no code edited', () => {
    // Prepare: the shipped folder plus a copy of support-agent.json under a new id.
    const dir = mkdtempSync(join(tmpdir(), 'hitl-cdk-flows-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(FLOWS_DIR, dir, { recursive: true });
    const original = JSON.parse(readFileSync(join(dir, 'support-agent.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'team-support.json'), JSON.stringify({ ...original, id: 'team-support' }));
    const flows = loadFlowFiles(DEMO_TOOL_NAMES, dir);

    // Act
    const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
    const stack = new HitlStack(app, 'HitlFlowFiles', { config: BASE_CONFIG, handlers: handlersForTest(), flows });
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'HitlFlowFiles-flow-team-support' });
    template.hasResourceProperties('AWS::StepFunctions::StateMachineAlias', { Name: 'live', RoutingConfiguration: Match.anyValue() });
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: Match.stringLikeRegexp('^HitlFlowFiles-flow-') } }))).toHaveLength(flows.length);
    const env = environmentOf(template.toJSON().Resources, logicalIdOf(stack, stack.approvals.apiFunction));
    expect(Object.keys(loadFlowConfig(env).FLOW_STATE_MACHINES!).sort()).toEqual(flows.map((flow) => flow.id).sort());
    const machine = { Ref: logicalIdOf(stack, stack.flows.workflows.get('team-support')!.stateMachine) };
    const api = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.apiFunction)));
    const resourcesOf = (action: string) => api.filter((s) => s.actions.includes(action)).flatMap((s) => s.resources);
    expect(resourcesOf('states:StartExecution')).toContainEqual(machine);
    expect(resourcesOf('states:UpdateStateMachine')).toContainEqual(machine);
    expect(resourcesOf('states:UpdateStateMachineAlias')).toContainEqual(machine);
  });
});
