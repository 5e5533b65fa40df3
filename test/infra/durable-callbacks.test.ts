import { describe, expect, it } from 'vitest';
import { logicalIdOf, roleOf, statementsOf, synthStack } from './fixtures.ts';

const DURABLE_ACTIONS = ['lambda:SendDurableExecutionCallbackSuccess', 'lambda:SendDurableExecutionCallbackFailure'];

describe('durable callbacks on AWS', () => {
  it('grants no function the callback actions until a durable function is named', () => {
    // Act
    const { template } = synthStack();

    // Assess
    expect(statementsOf(template).filter((s) => s.actions.some((a) => DURABLE_ACTIONS.includes(a)))).toEqual([]);
  });

  it('lets only the API, the decision function and the sweeper complete callbacks, of the named functions and their versions only', () => {
    // Act
    const { stack, template } = synthStack({ durableFunctions: ['refund-agent'] });

    // Assess
    const grants = statementsOf(template).filter((s) => s.actions.some((a) => DURABLE_ACTIONS.includes(a)));
    const roles = grants.flatMap((s) => s.roles).sort();
    expect(roles).toEqual([stack.approvals.apiFunction, stack.approvals.decisionFunction, stack.approvals.sweeper.function].map((fn) => roleOf(stack, fn)).sort());
    for (const grant of grants) {
      expect(grant.actions.sort()).toEqual([...DURABLE_ACTIONS].sort());
      const resources = JSON.stringify(grant.resources);
      expect(grant.resources).toHaveLength(2);
      expect(resources).toContain(':function:refund-agent"');
      expect(resources).toContain(':function:refund-agent:*"');
      expect(resources).not.toMatch(/function:\*/);
    }
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of [stack.approvals.apiFunction, stack.approvals.decisionFunction, stack.approvals.sweeper.function]) {
      expect(functions[logicalIdOf(stack, fn)]?.Properties.Environment.Variables.DURABLE_CALLBACKS).toBe('on');
    }
    expect(functions[logicalIdOf(stack, stack.approvals.gate)]?.Properties.Environment.Variables.DURABLE_CALLBACKS).toBeUndefined();
  });
});
