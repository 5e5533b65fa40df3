import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateInputSchema } from '#core/gate-input';
import { ApprovalGate } from '#infra/constructs/approval-gate';
import { HitlApprovals } from '#infra/constructs/hitl-approvals';
import { LocalStepFunctions } from '#local/stepfunctions-engine';
import { RefundsStack } from '../../infra/examples/refunds-stack.ts';
import { FEATURE_FLAGS, handlersForTest, statementsOf, type Resources } from './fixtures.ts';

/** The approvals system in one stack and the README's refunds workflow, with its gate, in another. */
function twoStacks() {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const approvalsStack = new Stack(app, 'Approvals');
  const approvals = new HitlApprovals(approvalsStack, 'Approvals', { stage: 'dev', senderEmail: 'approvals@acme.test', handlers: handlersForTest() });
  const refunds = new RefundsStack(app, 'Refunds', { approvals });
  // Synthesizing both proves there is no dependency cycle between them.
  app.synth();
  return { approvalsStack, approvals, refunds, approvalsTemplate: Template.fromStack(approvalsStack), refundsTemplate: Template.fromStack(refunds) };
}

/** The definition with every CloudFormation value in it (the gate function's ARN) replaced by `functionName`. */
function runnableDefinition(template: Template, functionName: string): object {
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine') as Resources)[0]!;
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  const value = (part: unknown) => (typeof part === 'string' ? part : (part as { Ref?: string }).Ref === 'AWS::Partition' ? 'aws' : functionName);
  return JSON.parse(parts.map(value).join(''));
}

describe('ApprovalGate in a state machine of another stack', () => {
  let stacks: ReturnType<typeof twoStacks>;
  beforeAll(() => {
    stacks = twoStacks();
  });

  it('emits a waitForTaskToken invoke of the gate function with the documented payload, a hard-cap timeout, Retry and Catch', () => {
    const { refundsTemplate, refunds } = stacks;
    const definition = runnableDefinition(refundsTemplate, 'gate') as { States: Record<string, any> };
    expect(definition.States.WaitForApproval).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'gate',
        Payload: {
          'taskToken.$': '$$.Task.Token', 'executionId.$': '$$.Execution.Id', workflowId: 'refunds', nodeId: 'issue-refund', step: '1', channel: 'async',
          hitl: { mode: 'confirm_tools', approvers: { groups: ['finance'] } }, 'action.$': '$.action', 'context.$': '$.context', 'requestedBy.$': '$.requestedBy',
        },
      },
      // 3600 s, escalated for 7200 s more, each level extensible by its own timeout (cancel/extend),
      // plus the 300 s margin above the sweeper's deadline.
      TimeoutSeconds: 21_900,
      ResultPath: '$.approval',
      Retry: [expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']), MaxAttempts: 3 })],
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.approval', Next: 'HardCapReached' }],
      Next: 'Approved?',
    });
    expect(definition.States.HardCapReached).toMatchObject({ Type: 'Pass', Result: { outcome: 'timed_out' }, ResultPath: '$.approval', Next: 'Approved?' });
    expect(refunds.gate.hardCapSeconds).toBe(21_900);
  });

  it('lets the API, the sweeper and the gate answer task tokens of that state machine by name, with no reference back', () => {
    const { approvalsTemplate, approvals, approvalsStack } = stacks;
    const roleIds = [approvals.apiFunction, approvals.sweeper.function, approvals.gate].map((fn) => approvalsStack.getLogicalId(fn.executionRole.node.defaultChild as never));
    for (const role of roleIds) {
      const grants = statementsOf(approvalsTemplate).filter((s) => s.roles.includes(role) && s.actions.includes('states:SendTaskSuccess'));
      const resources = JSON.stringify(grants.flatMap((s) => s.resources));
      expect(resources, role).toContain(':stateMachine:Refunds-refunds"');
      expect(resources, role).toContain(':execution:Refunds-refunds:*"');
    }
    expect(JSON.stringify(approvalsTemplate.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('refuses a hitl setting the gate function would refuse, at synth', () => {
    const { approvals } = stacks;
    const other = new Stack(approvals.node.root as App, 'Other');
    expect(
      () => new ApprovalGate(other, 'Gate', { approvals, stateMachineName: 'x', workflowId: 'w', nodeId: 'n', hitl: { mode: 'confirm_tools', onTimeout: 'escalate' } }),
    ).toThrow(/hitl.escalation: onTimeout "escalate" needs at least one escalation level/);
  });
});

describe('the README example on the local engine', () => {
  const engine = new LocalStepFunctions({
    functions: {
      gate: async (payload) => {
        gatePayloads.push(GateInputSchema.parse(payload));
        return { created: true };
      },
    },
  });
  const gatePayloads: ReturnType<typeof GateInputSchema.parse>[] = [];
  afterAll(() => engine.shutdown());

  it('pauses at the gate with a valid gate payload and continues with the decision at $.approval', async () => {
    const arn = engine.registerStateMachine('refunds', runnableDefinition(twoStacks().refundsTemplate, 'gate'));
    const input = { refund: { orderId: 'o-1', amount: 120 }, customerId: 'alice', toolCall: { id: 'tc-1', name: 'issue_refund', args: { amount: 120 } } };
    const approved = await engine.startExecution(arn, input, 'refund-approved');
    await expect.poll(() => gatePayloads.length).toBe(1);
    const payload = gatePayloads[0]!;
    expect(payload).toMatchObject({ workflowId: 'refunds', nodeId: 'issue-refund', requestedBy: 'alice', action: { kind: 'tool_call', toolCall: { name: 'issue_refund' } } });
    await engine.sendTaskSuccess(payload.taskToken, { requestId: 'r-1', outcome: 'approved', approver: 'bob', scope: 'once' });
    expect((await engine.waitForExecution(approved.executionArn, 5_000)).status).toBe('SUCCEEDED');

    const rejected = await engine.startExecution(arn, input, 'refund-rejected');
    await expect.poll(() => gatePayloads.length).toBe(2);
    await engine.sendTaskSuccess(gatePayloads[1]!.taskToken, { requestId: 'r-2', outcome: 'rejected', approver: 'bob', scope: 'once' });
    const end = await engine.waitForExecution(rejected.executionArn, 5_000);
    expect(end).toMatchObject({ status: 'FAILED', error: 'Refund.Declined', cause: 'rejected' });
  });
});
