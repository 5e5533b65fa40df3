import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { APPROVER, AUDITOR, call, eventually } from '../support/http.ts';
import { hitl, ManualClock } from '../support/fixtures.ts';

let app: LocalApp;
// Time to decision is what the test says it is, however busy the machine.
const clock = new ManualClock(new Date());
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, clock });
});
afterAll(async () => app.close());

describe('OpenAPI contract', () => {
  it('serves an OpenAPI 3.1 document at /openapi.json', async () => {
    const doc = await call(app.url, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
  });

  it('documents every route the API serves, and nothing else', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    const undocumented = app.routes.filter((r) => !r.doc).map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
    const served = new Set(app.routes.flatMap((r) => (r.method === 'ANY' ? ['get', 'post'] : [r.method.toLowerCase()]).map((m) => `${m} ${r.path}`)));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`)));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('describes the respond body from the schema the handler parses with', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    // The body is a shared schema, published once under components.
    const ref: string = doc.paths['/approvals/{id}/respond'].post.requestBody.content['application/json'].schema.$ref;
    expect(ref).toBe('#/components/schemas/RespondBody');
    const schema = doc.components.schemas.RespondBody;
    expect(schema.properties.decision.enum).toEqual(['approve', 'reject']);
    expect(schema.additionalProperties).toBe(false);
    const list = doc.paths['/approvals'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['status', 'limit', 'cursor', 'workflow', 'node']));
  });
});

describe('GET /stats', () => {
  it('counts decisions per flow, node and tool with time-to-decision percentiles', async () => {
    // Prepare: two approvals and one rejection of send_email in one workflow
    const workflowId = `stats-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await app.engine.startExecution(app.stateMachines.approvalGate, {
        workflowId, nodeId: 'agent', step: String(i), channel: 'async', hitl: hitl(),
        action: { kind: 'tool_call', toolCall: { id: `c${i}`, name: 'send_email', args: {} } },
        context: { conversation: [], facts: {} }, requestedBy: 'alice', gateTimeoutSeconds: 3600,
      });
    }
    await eventually(async () => {
      const page = await call(app.url, 'GET', `/approvals?workflow=${workflowId}`);
      return page.body.items.length === 3 ? page.body.items.forEach((r: { id: string }) => ids.push(r.id)) ?? true : undefined;
    }, 5_000, 'three requests');
    // Act: two decisions 4 s after the requests, one 50 s after
    clock.advance(4_000);
    await call(app.url, 'POST', `/approvals/${ids[0]}/respond`, { body: { decision: 'approve' } });
    await call(app.url, 'POST', `/approvals/${ids[1]}/respond`, { body: { decision: 'approve' } });
    clock.advance(46_000);
    await call(app.url, 'POST', `/approvals/${ids[2]}/respond`, { body: { decision: 'reject' } });
    const stats = await call(app.url, 'GET', '/stats', { as: AUDITOR });
    const forApprover = await call(app.url, 'GET', '/stats', { as: APPROVER });
    // Assess
    const row = stats.body.items.find((r: { workflowId: string }) => r.workflowId === workflowId);
    expect(row).toMatchObject({ nodeId: 'agent', tool: 'send_email', approved: 2, rejected: 1, timed_out: 0, escalated: 0 });
    // Upper bounds of the histogram buckets that hold the 2nd and 3rd of the samples 4 s, 4 s and 50 s
    expect(row.secondsToDecision).toEqual({ p50: 5, p90: 60, p99: 60 });
    expect(forApprover.status).toBe(403);
  });

  it('refuses a reversed or overlong range with 400', async () => {
    expect((await call(app.url, 'GET', '/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { as: AUDITOR })).status).toBe(400);
    expect((await call(app.url, 'GET', '/stats?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', { as: AUDITOR })).status).toBe(400);
  });
});
