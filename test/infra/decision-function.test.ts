import { beforeAll, describe, expect, it } from 'vitest';
import { DECISION_ROUTE_KEYS, functionForRequest, functionServing } from '#handlers/api/route-functions';
import { decisionRoutes } from '#handlers/decisions';
import type { AppDeps } from '#handlers/deps';
import type { HitlStack } from '#infra/constructs/hitl-stack';
import type { Template } from 'aws-cdk-lib/assertions';
import { logicalIdOf, roleOf, routesOf, statementsOf, synthStack } from './fixtures.ts';

describe('the decision function', () => {
  let stack: HitlStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthStack());
  });

  describe('route table', () => {
    it('sends every API Gateway route to exactly the function the route table names for it', () => {
      // Prepare
      const ids = { api: logicalIdOf(stack, stack.approvals.apiFunction), decisions: logicalIdOf(stack, stack.approvals.decisionFunction) };

      // Act
      const served = [...routesOf(template)].map(([key, method]) => {
        const [verb, path] = key.split(' ');
        const uri = JSON.stringify(method.Integration.Uri);
        return { key, expected: functionServing({ method: verb!, path: path! }), by: (Object.keys(ids) as (keyof typeof ids)[]).filter((fn) => uri.includes(`"${ids[fn]}","Arn"`)) };
      });

      // Assess
      expect(served.filter(({ expected, by }) => by.length !== 1 || by[0] !== expected)).toEqual([]);
      expect(served.filter(({ by }) => by[0] === 'decisions').map(({ key }) => key).sort()).toEqual([...DECISION_ROUTE_KEYS].sort());
    });

    it('sends a request to the same function locally as API Gateway does', () => {
      const routes = [...routesOf(template).keys()].map((key) => key.split(' ') as [string, string]);

      const differ = routes.filter(([method, path]) => functionForRequest(method, path.replace(/\{[^}]+\}/g, 'req-1')) !== functionServing({ method, path }));

      expect(differ).toEqual([]);
      expect(functionForRequest('GET', '/approvals/req-1/decision')).toBe('api');
    });

    it('has the decision handler serve exactly the routes the table gives it', () => {
      const keys = decisionRoutes({} as AppDeps).map((route) => `${route.method} ${route.path}`);

      expect(keys.sort()).toEqual([...DECISION_ROUTE_KEYS].sort());
    });
  });

  describe('least privilege', () => {
    const actionsOfDecisions = () => statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.decisionFunction))).flatMap((s) => s.actions);

    it('cannot create, change or start state machines (flow deploys), pass a role, or invoke a function (tools)', () => {
      const actions = actionsOfDecisions();

      expect(actions.filter((a) => a.startsWith('states:') && !['states:SendTaskSuccess', 'states:SendTaskFailure'].includes(a))).toEqual([]);
      expect(actions.filter((a) => a.startsWith('lambda:') || a.startsWith('iam:') || a.startsWith('logs:CreateLogDelivery'))).toEqual([]);
    });

    it('deletes no item and sends no mail', () => {
      const actions = actionsOfDecisions();

      expect(actions.filter((a) => a === 'dynamodb:DeleteItem' || a.startsWith('dynamodb:Batch') || a.startsWith('ses:'))).toEqual([]);
    });

    it('reads only the audit key and the webhook signing key of the secrets (no link or Slack secret)', () => {
      const reads = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.decisionFunction)) && s.actions.includes('secretsmanager:GetSecretValue'));
      const secretIds = reads.flatMap((s) => s.resources).map((r) => JSON.stringify(r));
      const allowed = [stack.approvals.table.auditKey, stack.approvals.webhookSigning.secret].map((secret) => logicalIdOf(stack, secret));

      expect(secretIds.filter((id) => !allowed.some((ok) => id.includes(ok)))).toEqual([]);
    });
  });
});
