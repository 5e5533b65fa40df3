import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER, OUTSIDER, REQUESTER, call } from '../support/http.ts';
import { decide, executionIn, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp(shippedFlows(), { app: { dataDir: mkdtempSync(join(tmpdir(), 'hitl-graph-')) } });
});
afterAll(async () => stack.close());

const graphOf = (id: string, as: Record<string, string> = REQUESTER) => call(stack.app.url, 'GET', `/executions/${id}/graph`, { as });
const byId = (graph: any) => Object.fromEntries(graph.nodes.map((node: any) => [node.id, node]));

describe('GET /executions/{id}/graph', () => {
  it('shows the path taken, the node waiting for a person, each state\'s input and output, then the end', async () => {
    const id = await startFlow(stack.app, 'answer-and-forward', 'What is the refund policy?');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');

    const paused = await graphOf(id);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ executionId: id, flowId: 'answer-and-forward', revision: 1, status: 'waiting_for_approval', edges: [{ from: 'answer', to: 'forward' }] });
    expect(byId(paused.body)).toMatchObject({
      answer: { type: 'agent', mode: 'disabled', status: 'done', approvals: [] },
      forward: { type: 'tool', mode: 'blocking', status: 'waiting', approvals: [{ id: waiting.pendingApprovalIds[0], status: 'pending' }] },
    });
    const agentStep = paused.body.steps.find((step: any) => step.state === 'answer.Agent');
    expect(agentStep).toMatchObject({ nodeId: 'answer', status: 'succeeded' });
    expect(JSON.stringify(agentStep.input)).toContain('What is the refund policy?');
    expect(agentStep.output).toBeDefined();
    const gateStep = paused.body.steps.find((step: any) => step.state === 'forward.Gate');
    expect(gateStep).toMatchObject({ nodeId: 'forward', status: 'running' });
    expect(gateStep.exitedAt).toBeUndefined();
    expect(paused.body.consoleUrl).toBeUndefined();
    // Steps come in the order the states were entered.
    const order = paused.body.steps.map((step: any) => step.state);
    expect(order.indexOf('answer.Agent')).toBeLessThan(order.indexOf('forward.Gate'));

    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve', reason: 'fine' });
    await executionIn(stack.app, id, 'succeeded');
    const done = (await graphOf(id)).body;
    expect(done.status).toBe('succeeded');
    expect(byId(done)).toMatchObject({ answer: { status: 'done' }, forward: { status: 'done', approvals: [{ status: 'approved' }] } });
    expect(done.steps.find((step: any) => step.state === 'forward.Gate')).toMatchObject({
      status: 'succeeded',
      output: expect.objectContaining({ decision: expect.objectContaining({ outcome: 'approved', approver: 'bob' }) }),
    });
    expect(done.steps.filter((step: any) => step.status === 'running')).toEqual([]);
    expect(done.output).toBeDefined();
  });

  it('answers 404 to someone who may not read the execution, like GET /executions/{id}', async () => {
    const id = await startFlow(stack.app, 'answer-and-forward', 'Shipping times?');
    await executionIn(stack.app, id, 'waiting_for_approval');
    expect((await graphOf(id, OUTSIDER)).status).toBe(404);
    expect((await graphOf(id, APPROVER)).status).toBe(200);
    expect((await graphOf('no-such-execution')).status).toBe(404);
  });

  it('keeps the steps across a restart of the local stack (the history lives in the data folder)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hitl-graph-restart-'));
    const first = await startFlowsApp(shippedFlows(), { app: { dataDir } });
    const id = await startFlow(first.app, 'answer-and-forward', 'Refund policy please');
    const waiting = await executionIn(first.app, id, 'waiting_for_approval');
    await first.close();

    const second = await startFlowsApp(shippedFlows(), { app: { dataDir } });
    try {
      await decide(second.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
      await executionIn(second.app, id, 'succeeded', 15_000);
      const graph = (await call(second.app.url, 'GET', `/executions/${id}/graph`, { as: REQUESTER })).body;
      const states = graph.steps.map((step: any) => step.state);
      expect(states).toContain('answer.Agent');
      expect(states.filter((state: string) => state === 'forward.Gate')).toHaveLength(1);
      expect(graph.steps.at(-1)).toMatchObject({ status: 'succeeded' });
      expect(byId(graph).forward.status).toBe('done');
    } finally {
      await second.close();
    }
  });
});
