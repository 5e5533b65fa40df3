import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import type { AuditRecord } from '#core/audit-entry';
import type { ToolCall } from '#core/action';
import { AgentNodeSchema } from '#core/flow';
import { initialFlowState, readToolOutcome, type FlowState } from '#core/flow-state';
import type { AuditLog } from '#ports';
import { applyDecision } from '#usecases/apply-decision';
import { directRunKey, toolStep } from '#usecases/tool-step';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';
import { MemoryRefundLedger } from '../../lambdas/tools/refund.ts';
import { ToolRegistry } from '../../lambdas/tools/registry.ts';
import { ManualClock } from '../support/fixtures.ts';
import { MemoryToolRuns } from '../support/memory-tool-runs.ts';

function fixture(mode: 'confirm_tools' | 'audit') {
  const mail = new MemoryMailSender();
  const refunds = new MemoryRefundLedger();
  const logged: AuditRecord[] = [];
  const audit = { append: async (record: AuditRecord) => (logged.push(record), record) } as unknown as AuditLog;
  const clock = new ManualClock(new Date('2026-12-04T10:00:00.000Z'));
  const deps = { tools: createDemoTools({ mail, refunds }), toolRuns: new MemoryToolRuns(), audit, clock, store: { get: async () => undefined, appendEvent: async () => undefined } };
  const hitl = mode === 'audit' ? { mode } : { mode, approvers: { groups: ['approvers'] }, approvedTools: ['search', 'refund'] };
  const node = AgentNodeSchema.parse({ id: 'agent', type: 'agent', tools: ['search', 'send_email', 'refund'], hitl });
  const input = (state: FlowState) => ({ executionId: 'exec-1', flowId: 'f', node, state, attempt: 'retry' });
  return { deps, mail, refunds, logged, clock, input };
}

const email: ToolCall = { id: 'c1', name: 'send_email', args: { to: 'x@example.com', subject: 'Hi', body: 'Hello' } };
const refund: ToolCall = { id: 'c2', name: 'refund', args: { orderId: 'A-1', amount: 10, currency: 'EUR', country: 'DE' } };
const base = (): FlowState => ({ ...initialFlowState({ id: 'f', revision: 1 }, 'hi', 'alice'), next: 'tool' });
/** The state an approved call is applied from: paused at its gate with the decision. */
const approved = (call: ToolCall, requestId: string, step = call.id, extra: Partial<NonNullable<FlowState['gate']>> = {}): FlowState => ({
  ...base(),
  pending: [call],
  gate: { step, action: { kind: 'tool_call', toolCall: call }, ...extra },
  decision: { requestId, outcome: 'approved', approver: 'bob', scope: 'once' },
});

describe('tool delivery contracts', () => {
  it('declares one for every demo tool: send_email at_most_once, search and refund idempotent', () => {
    const tools = createDemoTools({ mail: new MemoryMailSender() });
    expect(Object.fromEntries(tools.names.map((name) => [name, tools.get(name)!.delivery]))).toEqual({
      search: 'idempotent',
      send_email: 'at_most_once',
      refund: 'idempotent',
    });
  });

  it('refuses a tool definition without a valid delivery contract, naming the field', () => {
    const tool = { name: 'ping', description: 'Pings.', readOnly: true, input: z.object({}), run: async () => 'pong' };
    expect(() => new ToolRegistry([tool as never])).toThrow(/tool "ping" .*delivery/);
    expect(() => new ToolRegistry([{ ...tool, delivery: 'exactly_once' } as never])).toThrow(/delivery/);
    expect(new ToolRegistry([{ ...tool, delivery: 'idempotent' }]).names).toEqual(['ping']);
  });
});

describe('a tool run a dead invocation left running', () => {
  it('turns an approved at_most_once call into a new question at the same gate, with the evidence, and sends nothing', async () => {
    // Prepare: the approved email's run was claimed by an invocation that died before recording it
    const { deps, mail, logged, clock, input } = fixture('confirm_tools');
    const startedAt = clock.now();
    deps.toolRuns.interrupted({ key: 'apr_1', tool: 'send_email', executionId: 'exec-1' }, 'dead', startedAt);
    clock.advance(2_000);
    const edited: FlowState = { ...approved(email, 'apr_1'), decision: { requestId: 'apr_1', outcome: 'approved', approver: 'bob', scope: 'execution', editedArgs: { ...email.args, subject: 'Edited' } } };

    // Act
    const asked = await applyDecision(deps, input(edited));
    const again = await applyDecision(deps, input(edited));

    // Assess: a new gate step for the same call (as approved), carrying the evidence; no mail; replays ask the same
    expect(mail.sent).toHaveLength(0);
    expect(asked).toMatchObject({
      next: 'gate',
      decision: null,
      pending: [email],
      grants: { allowedTools: ['send_email'] },
      gate: {
        step: 'c1#unknown',
        action: { kind: 'tool_call', toolCall: { ...email, args: { ...email.args, subject: 'Edited' } } },
        policy: { id: 'delivery:at_most_once', why: expect.stringContaining('may or may not have happened') },
        outcomeUnknown: { tool: 'send_email', idempotencyKey: 'apr_1', startedAt: startedAt.toISOString(), attempt: 'dead', detectedBy: 'retry' },
      },
    });
    expect(again.gate).toEqual(asked.gate);
    expect(asked.conversation).toEqual(edited.conversation);
    expect(logged.map((entry) => [entry.kind, entry.actor])).toContainEqual(['tool_result', 'system:delivery']);
  });

  it('asks the same people as the gate of the call itself', async () => {
    const { deps, input } = fixture('confirm_tools');
    deps.toolRuns.interrupted({ key: 'apr_1', tool: 'send_email', executionId: 'exec-1' }, 'dead', new Date());
    const overrides = { approvers: { users: [], groups: ['legal'] }, quorum: { approvals: 2, rejections: 1 } };

    const asked = await applyDecision(deps, input(approved(email, 'apr_1', 'c1', { policy: { id: 'mail-legal', why: 'external mail', overrides } })));

    expect(asked.gate?.policy).toEqual({ id: 'delivery:at_most_once', why: expect.any(String), overrides });
  });

  it('runs the call again under the new request id when that question is approved', async () => {
    const { deps, mail, input } = fixture('confirm_tools');
    deps.toolRuns.interrupted({ key: 'apr_1', tool: 'send_email', executionId: 'exec-1' }, 'dead', new Date());
    const asked = await applyDecision(deps, input(approved(email, 'apr_1')));

    const sent = await applyDecision(deps, input({ ...asked, decision: { requestId: 'apr_2', outcome: 'approved', approver: 'carol', scope: 'once' } }));

    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0].raw).toMatch(/^X-Hitl-Idempotency-Key: apr_2\r$/m);
    expect(sent).toMatchObject({ next: 'agent', gate: null, pending: [] });
    expect(readToolOutcome(sent.conversation.at(-1)!)).toMatchObject({ status: 'ok', approvedBy: 'carol' });
  });

  it('tells the agent the effect is uncertain and was not repeated when that question is rejected or times out', async () => {
    const { deps, mail, input } = fixture('confirm_tools');
    deps.toolRuns.interrupted({ key: 'apr_1', tool: 'send_email', executionId: 'exec-1' }, 'dead', new Date());
    const asked = await applyDecision(deps, input(approved(email, 'apr_1')));

    const rejected = await applyDecision(deps, input({ ...asked, decision: { requestId: 'apr_2', outcome: 'rejected', approver: 'carol', reason: 'it arrived', scope: 'once' } }));
    const timedOut = await applyDecision(deps, input({ ...asked, decision: { requestId: 'apr_2', outcome: 'timed_out', approver: 'system:timeout', scope: 'once' } }));

    expect(mail.sent).toHaveLength(0);
    expect(rejected).toMatchObject({ next: 'agent', gate: null, pending: [] });
    expect(readToolOutcome(rejected.conversation.at(-1)!)).toMatchObject({
      status: 'unknown',
      approver: 'carol',
      reason: 'send_email was interrupted before its outcome was recorded, so it may or may not have happened. carol chose not to run it again: it arrived It was not run again.',
      evidence: { idempotencyKey: 'apr_1' },
    });
    expect(readToolOutcome(timedOut.conversation.at(-1)!)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('No one decided in time.') });
  });

  it('tells the agent at a node without a gate, since no person was asked for there', async () => {
    const { deps, mail, input } = fixture('audit');
    deps.toolRuns.interrupted({ key: directRunKey('exec-1', 'agent', 'c1'), tool: 'send_email', executionId: 'exec-1' }, 'dead', new Date());

    const state = await toolStep(deps, input({ ...base(), pending: [email] }));

    expect(mail.sent).toHaveLength(0);
    expect(state).toMatchObject({ next: 'agent', gate: null, pending: [] });
    expect(readToolOutcome(state.conversation.at(-1)!)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('may or may not have happened') });
  });

  it('asks at a gated node about an at_most_once call that ran without approval', async () => {
    const { deps, mail, input } = fixture('confirm_tools');
    deps.toolRuns.interrupted({ key: directRunKey('exec-1', 'agent', 'c1'), tool: 'send_email', executionId: 'exec-1' }, 'dead', new Date());

    const state = await toolStep(deps, input({ ...base(), pending: [email], grants: { allowedTools: ['send_email'], deniedTools: [] } }));

    expect(mail.sent).toHaveLength(0);
    expect(state).toMatchObject({ next: 'gate', gate: { step: 'c1#unknown', outcomeUnknown: { attempt: 'dead' } } });
  });

  it('runs an idempotent call again under the same key at once', async () => {
    const { deps, refunds, input } = fixture('confirm_tools');
    const key = directRunKey('exec-1', 'agent', 'c2');
    deps.toolRuns.interrupted({ key, tool: 'refund', executionId: 'exec-1' }, 'dead', new Date());

    const state = await toolStep(deps, input({ ...base(), pending: [refund] }));

    expect(readToolOutcome(state.conversation.at(-1)!)).toMatchObject({ status: 'ok', result: { refunded: true } });
    expect(refunds.refunds).toHaveLength(1);
    expect(await deps.toolRuns.get(key)).toMatchObject({ status: 'done', attempt: 'retry' });
  });
});
