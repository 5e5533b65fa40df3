import { beforeAll, describe, expect, it } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import type { HitlStack } from '#infra/constructs/hitl-stack';
import { logicalIdOf, roleOf, statementsOf, synthStack, type Resources } from './fixtures.ts';
import { environmentOf } from './template-values.ts';

let stack: HitlStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = synthStack());
});

describe('the audit chain key', () => {
  it('is a generated secret the stack outputs', () => {
    const keyId = logicalIdOf(stack, stack.approvals.table.auditKey);
    const resources = template.toJSON().Resources as Resources;
    expect(resources[keyId]?.Type).toBe('AWS::SecretsManager::Secret');
    expect(resources[keyId]?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(template.toJSON().Outputs.AuditKeySecretArn.Value).toEqual({ Ref: keyId });
  });

  it('is readable by exactly the functions that append to or verify the audit chain, each told its ARN', () => {
    const keyRef = JSON.stringify({ Ref: logicalIdOf(stack, stack.approvals.table.auditKey) });
    const readers = statementsOf(template)
      .filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && s.resources.some((r) => JSON.stringify(r) === keyRef))
      .flatMap((s) => s.roles);
    const appenders = [
      stack.approvals.gate,
      stack.approvals.apiFunction,
      stack.approvals.decisionFunction,
      stack.approvals.sweeper.function,
      stack.flows.agentFunction,
      stack.flows.toolFunction,
      stack.flows.gateFunction,
      stack.flows.gateTimeoutFunction,
    ];
    expect([...new Set(readers)].sort()).toEqual(appenders.map((fn) => roleOf(stack, fn)).sort());
    const resources = template.toJSON().Resources as Resources;
    for (const fn of appenders) {
      expect(JSON.stringify(environmentOf(resources, logicalIdOf(stack, fn)).AUDIT_KEY_SECRET_ARN ?? null), fn.node.path).not.toBe('null');
    }
    expect(environmentOf(resources, logicalIdOf(stack, stack.approvals.notifications.notifier)).AUDIT_KEY_SECRET_ARN).toBeUndefined();
  });
});
