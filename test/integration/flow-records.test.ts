import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionRepository } from '#adapters/dynamodb/execution-repository';
import { ToolRunRepository } from '#adapters/dynamodb/tool-run-repository';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { ConcurrentUpdateError } from '#core/errors';
import { initialFlowState } from '#core/flow-state';
import type { ExecutionRecord } from '#core/flow-execution';
import { expireGate } from '#usecases/expire-gate';
import { pauseAtFlowGate } from '#usecases/pause-at-flow-gate';
import { respond } from '#usecases/respond';
import { runToolOnce } from '#usecases/run-tool-once';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';
import { MemoryRefundLedger } from '../../lambdas/tools/refund.ts';
import { depsOn } from '../support/app-deps.ts';
import { gateInput } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;

describe('tool runs (idempotency key)', () => {
  const email = { to: 'carol@example.com', subject: 'Refunds', body: 'Within 30 days.' };

  it('sends one email for a retried tool call and answers the retry with the stored result', async () => {
    // Prepare
    const mail = new MemoryMailSender();
    const { deps } = depsOn(table);
    const run = { tool: createDemoTools({ mail }).get('send_email')!, args: email, key: unique('apr'), executionId: 'e1' };
    const toolDeps = { toolRuns: new ToolRunRepository(table.db, table.tableName), clock: deps.clock };
    // Act
    const first = await runToolOnce(toolDeps, run);
    const retry = await runToolOnce(toolDeps, run);
    // Assess
    expect(mail.sent).toHaveLength(1);
    expect(retry).toEqual(first);
    expect(first).toMatchObject({ status: 'ok', result: { sent: true, to: 'carol@example.com' } });
  });

  it('finds a claim a dead invocation left running at once: at_most_once is marked unknown and not run, idempotent runs again under the key', async () => {
    // Prepare: two claims left running by an invocation that died mid-run
    const mail = new MemoryMailSender();
    const refunds = new MemoryRefundLedger();
    const { deps, clock } = depsOn(table);
    const toolRuns = new ToolRunRepository(table.db, table.tableName);
    const tools = createDemoTools({ mail, refunds });
    const emailKey = unique('apr');
    const refundKey = unique('apr');
    const claimedAt = clock.now();
    await toolRuns.claim({ key: emailKey, tool: 'send_email', executionId: 'e1', attempt: 'dead-attempt' }, claimedAt);
    await toolRuns.claim({ key: refundKey, tool: 'refund', executionId: 'e1', attempt: 'dead-attempt' }, claimedAt);
    clock.advance(1_000); // nowhere near any lease

    // Act: the retried step's invocation comes to both keys, twice
    const toolDeps = { toolRuns, clock: deps.clock };
    const email1 = await runToolOnce(toolDeps, { tool: tools.get('send_email')!, args: email, key: emailKey, executionId: 'e1', attempt: 'retry-1' });
    const email2 = await runToolOnce(toolDeps, { tool: tools.get('send_email')!, args: email, key: emailKey, executionId: 'e1', attempt: 'retry-2' });
    const refundArgs = { orderId: 'A-1', amount: 10, currency: 'EUR', country: 'DE' };
    const refund = await runToolOnce(toolDeps, { tool: tools.get('refund')!, args: refundArgs, key: refundKey, executionId: 'e1', attempt: 'retry-1' });

    // Assess: no mail, an unknown outcome with the evidence (stored, so the next attempt gets the same answer)
    expect(mail.sent).toHaveLength(0);
    expect(email1).toMatchObject({
      status: 'unknown',
      reason: expect.stringContaining('may or may not have happened'),
      evidence: { tool: 'send_email', idempotencyKey: emailKey, startedAt: claimedAt.toISOString(), attempt: 'dead-attempt', detectedBy: 'retry-1' },
    });
    expect(email2).toEqual(email1);
    expect(await toolRuns.get(emailKey)).toMatchObject({ status: 'unknown', attempt: 'dead-attempt', outcome: email1 });
    // ...and the refund ran again under its key, which the ledger records once
    expect(refund).toMatchObject({ status: 'ok', result: { refunded: true } });
    expect(await toolRuns.get(refundKey)).toMatchObject({ status: 'done', attempt: 'retry-1' });
  });

  it('lets only the attempt holding a claim complete it', async () => {
    const { clock } = depsOn(table);
    const toolRuns = new ToolRunRepository(table.db, table.tableName);
    const key = unique('apr');
    await toolRuns.claim({ key, tool: 'refund', executionId: 'e1', attempt: 'a1' }, clock.now());
    expect(await toolRuns.takeOver(key, 'a1', 'a2', clock.now())).toBe(true);
    expect(await toolRuns.takeOver(key, 'a1', 'a3', clock.now())).toBe(false);
    await expect(toolRuns.complete(key, 'a1', { status: 'ok', result: 1 }, clock.now())).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await toolRuns.complete(key, 'a2', { status: 'ok', result: 2 }, clock.now());
    expect(await toolRuns.get(key)).toMatchObject({ status: 'done', attempt: 'a2', outcome: { result: 2 } });
  });

  it('reports a failing tool to the agent and lets a retry run it again', async () => {
    let attempts = 0;
    const flaky = { send: async () => (++attempts === 1 ? Promise.reject(new Error('SES throttled')) : { messageId: 'm1' }) };
    const { deps } = depsOn(table);
    const toolDeps = { toolRuns: new ToolRunRepository(table.db, table.tableName), clock: deps.clock };
    const run = { tool: createDemoTools({ mail: flaky }).get('send_email')!, args: email, key: unique('apr'), executionId: 'e1' };
    expect(await runToolOnce(toolDeps, run)).toEqual({ status: 'error', error: 'send_email failed: SES throttled' });
    expect(await runToolOnce(toolDeps, run)).toMatchObject({ status: 'ok', result: { messageId: 'm1' } });
  });
});

describe('execution records', () => {
  const record = (): ExecutionRecord => {
    const executionId = unique('exec');
    return {
      executionId,
      flowId: 'support-agent',
      revision: 1,
      channel: 'async',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:flow-support-agent',
      runArn: `arn:aws:states:us-east-1:000000000000:execution:flow-support-agent:${executionId}`,
      input: initialFlowState({ id: 'support-agent', revision: 1 }, 'hi', 'alice'),
      startedBy: 'alice',
      startedAt: new Date().toISOString(),
      status: 'RUNNING',
      runs: [],
    };
  };

  it('lists a running execution until its end is recorded, and records the end only once', async () => {
    const executions = new ExecutionRepository(table.db, table.tableName);
    const running = record();
    await executions.create(running);
    const listed = (await executions.listRunning(1000)).map((r) => r.executionId);
    const first = await executions.markEnded(running.executionId, { status: 'FAILED', at: new Date().toISOString(), error: 'E', cause: 'first' });
    const second = await executions.markEnded(running.executionId, { status: 'SUCCEEDED', at: new Date().toISOString(), result: { output: null, conversation: [] } });
    expect(listed).toContain(running.executionId);
    expect([first, second]).toEqual([true, false]);
    expect(await executions.get(running.executionId)).toMatchObject({ status: 'FAILED', cause: 'first' });
    expect((await executions.listRunning(1000)).map((r) => r.executionId)).not.toContain(running.executionId);
    await expect(executions.create(running)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('records each new run of a running execution', async () => {
    const executions = new ExecutionRepository(table.db, table.tableName);
    const running = record();
    await executions.create(running);
    await executions.recordRun(running.executionId, { at: 't', from: 'agent.Gate', runArn: 'arn:2' });
    expect(await executions.get(running.executionId)).toMatchObject({ runArn: 'arn:2', runs: [{ from: 'agent.Gate', runArn: 'arn:2' }] });
  });
});

describe('flow gate', () => {
  const checkpoint = (conversation: unknown[]) => ({ schemaVersion: 1, stateName: 'agent.Gate', state: { conversation } });

  it('refuses a checkpoint above 256 KB with Hitl.DataLimitExceeded and its size, storing nothing', async () => {
    const { deps } = depsOn(table);
    const input = gateInput({ checkpoint: checkpoint([{ role: 'user', content: 'x'.repeat(300_000) }]) });
    const error = await pauseAtFlowGate(deps, input).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Hitl.DataLimitExceeded' });
    expect((error as Error).message).toMatch(/is 300\d{3} bytes; Step Functions carries at most 262144 bytes/);
    expect(await table.store.listByExecution(input.executionId)).toEqual([]);
  });

  it('emits a voice hold event once, however often the gate runs, and shows the approver the end of the conversation', async () => {
    const { deps } = depsOn(table);
    const conversation = Array.from({ length: 30 }, (_, i) => ({ role: 'user' as const, content: `turn ${i}` }));
    const input = { ...gateInput({ channel: 'voice', checkpoint: checkpoint(conversation), context: { conversation: [], facts: {} } }), hold: { message: 'One moment please.' } };
    const { requestId } = await pauseAtFlowGate(deps, input);
    await pauseAtFlowGate(deps, { ...input, taskToken: 'token-of-the-retry' });
    const holds = (await table.audit.chain(input.executionId)).filter((entry) => entry.kind === 'hold');
    expect(holds).toEqual([expect.objectContaining({ requestId, detail: expect.objectContaining({ message: 'One moment please.' }) })]);
    const stored = await table.store.get(requestId);
    expect(stored?.context.conversation.map((turn) => turn.content)).toEqual(conversation.slice(-20).map((turn) => turn.content));
  });

  it('times a pending request out when its gate times out, and keeps a decision made just before', async () => {
    const { deps, engine, pausedTask } = depsOn(table);
    const pending = gateInput();
    await pauseAtFlowGate(deps, pending);
    const waiting = await pausedTask();
    const decided = gateInput({ taskToken: waiting.taskToken });
    const { requestId } = await pauseAtFlowGate(deps, decided);
    await respond(deps, { id: requestId, decision: 'approve', scope: 'once', identity: { userId: 'bob', groups: ['approvers'] }, channel: 'api' });

    const timedOut = await expireGate(deps, pending);
    const kept = await expireGate(deps, decided);

    expect(timedOut).toMatchObject({ outcome: 'timed_out', approver: 'system:timeout' });
    expect((await table.store.get(timedOut.requestId))?.status).toBe('timed_out');
    expect((await table.store.get(timedOut.requestId))?.delivery).toBe('delivered');
    expect(kept).toMatchObject({ requestId, outcome: 'approved', approver: 'bob' });
    expect((await engine.waitForExecution(waiting.executionArn, 5_000)).output).toMatchObject({ requestId, outcome: 'approved' });
  });
});
