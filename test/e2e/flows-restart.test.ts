import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, executionIn, mailsTo, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hitl-restart-'));
const outboxDir = join(dataDir, 'outbox');
const opened: FlowsApp[] = [];
afterAll(async () => {
  for (const stack of opened) await stack.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<FlowsApp> {
  const stack = await startFlowsApp(undefined, { app: { dataDir }, module: { outboxDir } });
  opened.push(stack);
  return stack;
}

describe('restart of the local server', () => {
  it('resumes an execution that waited at a gate: approved after the restart, it finishes with its whole conversation and one email', async () => {
    // Prepare: an execution waits at its gate when the server stops.
    const first = await start();
    const id = await startFlow(first.app, 'support-agent', 'Email sam@example.com our refund policy');
    const waiting = await executionIn(first.app, id, 'waiting_for_approval');
    await first.close();

    // Act: a new server on the same data folder, then the decision over HTTP.
    const second = await start();
    const resumed = await executionIn(second.app, id, 'waiting_for_approval');
    const decided = await decide(second.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const done = await executionIn(second.app, id, 'succeeded');

    // Assess
    expect(resumed.pendingApprovalIds).toEqual(waiting.pendingApprovalIds);
    expect(decided.status).toBe(200);
    expect(decided.body.delivery).toBe('delivered');
    expect(done.conversation.slice(0, waiting.conversation.length)).toEqual(waiting.conversation);
    expect(done.conversation.map((turn: any) => turn.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
    expect(done.output.message).toBe('I emailed sam@example.com our refund policy.');
    expect(mailsTo(outboxDir, 'sam@example.com')).toHaveLength(1);
    await second.close();
  });

  it('resumes at the newest gate and sends nothing twice', async () => {
    // Prepare: the first email is approved and sent, the second waits when the server stops.
    const first = await start();
    const id = await startFlow(first.app, 'support-agent', 'Email tina@example.com and uma@example.com our shipping policy');
    const waiting = await executionIn(first.app, id, 'waiting_for_approval');
    await decide(first.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const second = await executionIn(first.app, id, 'waiting_for_approval');
    await first.close();

    // Act
    const next = await start();
    const resumed = await executionIn(next.app, id, 'waiting_for_approval');
    await decide(next.app, resumed.pendingApprovalIds[0], { decision: 'approve' });
    const done = await executionIn(next.app, id, 'succeeded');

    // Assess
    expect(resumed.pendingApprovalIds).toEqual(second.pendingApprovalIds.filter((a: string) => a !== waiting.pendingApprovalIds[0]));
    expect(mailsTo(outboxDir, 'tina@example.com')).toHaveLength(1);
    expect(mailsTo(outboxDir, 'uma@example.com')).toHaveLength(1);
    expect(done.output.message).toContain('tina@example.com and uma@example.com');
    await next.close();
  });

  it('restarts an execution that had not reached a gate from its input', async () => {
    // Prepare: the model never answers, so the execution is mid-step when the server stops.
    const stuck = { modelFor: () => ({ next: () => new Promise<never>(() => undefined) }) };
    const first = await startFlowsApp(undefined, { app: { dataDir }, module: { outboxDir, models: stuck } });
    opened.push(first);
    const id = await startFlow(first.app, 'support-agent-audited', 'Email vera@example.com our warranty');
    await executionIn(first.app, id, 'running');
    await first.close();

    // Act
    const next = await start();
    const done = await executionIn(next.app, id, 'succeeded');

    // Assess
    expect(done.output.message).toBe('I emailed vera@example.com our warranty.');
    expect(mailsTo(outboxDir, 'vera@example.com')).toHaveLength(1);
    await next.close();
  });
});
