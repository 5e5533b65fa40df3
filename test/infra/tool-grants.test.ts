import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APPROVAL_GATE_ASL, HitlStack } from '#infra/constructs/hitl-stack';
import { BASE_CONFIG, FALLBACK_GATE_DEFINITION, FEATURE_FLAGS, handlersForTest, roleOf, statementsOf } from './fixtures.ts';

const TICKETS = 'arn:aws:lambda:eu-west-1:123456789012:function:open-ticket';
const TICKETS_KEY = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tickets/api-key-AbCdEf';

function synth(props: { toolFunctionArns?: string[]; toolSecretArns?: string[] }) {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new HitlStack(app, 'HitlTools', {
    config: BASE_CONFIG,
    approvalGateDefinition: existsSync(APPROVAL_GATE_ASL) ? undefined : FALLBACK_GATE_DEFINITION,
    handlers: handlersForTest(),
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('tool grants', () => {
  it('lets the tool function invoke exactly the listed tool functions and read exactly the listed secrets', () => {
    const { stack, template } = synth({ toolFunctionArns: [TICKETS], toolSecretArns: [TICKETS_KEY] });
    const role = roleOf(stack, stack.flows.toolFunction);
    const mine = statementsOf(template).filter((s) => s.roles.includes(role));

    expect(mine.filter((s) => s.actions.includes('lambda:InvokeFunction')).map((s) => s.resources)).toEqual([[TICKETS]]);
    // The other secret it reads is the audit key (a reference to the stack's own secret).
    expect(mine.filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && typeof s.resources[0] === 'string').map((s) => s.resources)).toEqual([[TICKETS_KEY]]);
  });

  it('grants no invoke and no secret to the tool function when no tool needs them', () => {
    const { stack, template } = synth({});
    const role = roleOf(stack, stack.flows.toolFunction);
    const mine = statementsOf(template).filter((s) => s.roles.includes(role));

    expect(mine.filter((s) => s.actions.includes('lambda:InvokeFunction'))).toEqual([]);
    expect(mine.filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && typeof s.resources[0] === 'string')).toEqual([]);
  });
});
