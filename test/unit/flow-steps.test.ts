import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#core/audit-entry';
import { AgentNodeSchema, type AgentNode } from '#core/flow';
import { initialFlowState, readToolOutcome, type FlowState } from '#core/flow-state';
import type { AuditLog } from '#ports';
import { agentStep } from '#usecases/agent-step';
import { applyDecision } from '#usecases/apply-decision';
import { toolStep } from '#usecases/tool-step';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { scriptedModels } from '../../lambdas/agents/models.ts';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';
import { ManualClock } from '../support/fixtures.ts';
import { MemoryToolRuns } from '../support/memory-tool-runs.ts';

function fixture(hitl: Record<string, unknown>) {
  const mail = new MemoryMailSender();
  const logged: AuditRecord[] = [];
  const audit = { append: async (record: AuditRecord) => (logged.push(record), record), list: async () => ({ items: [] }), chain: async () => [] } as unknown as AuditLog;
  // No stored requests: the steps run without them; the e2e tests check the `executed` event.
  const store = { get: async () => undefined, appendEvent: async () => undefined };
  const deps = { tools: createDemoTools({ mail }), toolRuns: new MemoryToolRuns(), audit, clock: new ManualClock(), models: scriptedModels, store };
  const node: AgentNode = AgentNodeSchema.parse({ id: 'agent', type: 'agent', tools: ['search', 'send_email'], hitl });
  return { deps, node, mail, logged, input: (state: FlowState) => ({ executionId: 'exec-1', flowId: 'f', node, state }) };
}

const email = { id: 'c1', name: 'send_email', args: { to: 'x@example.com', subject: 'Hi', body: 'Hello' } };
const withPending = (calls: (typeof email)[]): FlowState => ({ ...initialFlowState({ id: 'f', revision: 1 }, 'hi', 'alice'), pending: calls, next: 'tool' });

describe('flow steps', () => {
  it('pauses a tool call that needs a person, naming the call as the gate step', async () => {
    const { deps, input } = fixture({ mode: 'confirm_tools', approvers: { groups: ['approvers'] } });
    const state = await toolStep(deps, input(withPending([email])));
    expect(state).toMatchObject({ next: 'gate', gate: { step: 'c1', action: { kind: 'tool_call', toolCall: email } }, pending: [email] });
  });

  it('refuses a tool the node does not offer and arguments that fail the tool schema, without a gate', async () => {
    const { deps, input } = fixture({ mode: 'confirm_tools', approvers: { groups: ['approvers'] } });
    const unknown = await toolStep(deps, input(withPending([{ id: 'c2', name: 'wire_money', args: {} } as never])));
    const invalid = await toolStep(deps, input(withPending([{ ...email, args: { ...email.args, to: 'not-an-address' } }])));
    expect(readToolOutcome(unknown.conversation.at(-1)!)).toMatchObject({ status: 'refused' });
    expect(readToolOutcome(invalid.conversation.at(-1)!)).toMatchObject({ status: 'error', error: expect.stringContaining('to:') });
    expect([unknown.next, invalid.next]).toEqual(['agent', 'agent']);
  });

  it('lets an execution-wide grant through and refuses an execution-wide denial', async () => {
    const { deps, input, mail } = fixture({ mode: 'confirm_tools', approvers: { groups: ['approvers'] } });
    const allowed = await toolStep(deps, input({ ...withPending([email]), grants: { allowedTools: ['send_email'], deniedTools: [] } }));
    const denied = await toolStep(deps, input({ ...withPending([{ ...email, id: 'c3' }]), grants: { allowedTools: [], deniedTools: ['send_email'] } }));
    expect(readToolOutcome(allowed.conversation.at(-1)!)).toMatchObject({ status: 'ok' });
    expect(readToolOutcome(denied.conversation.at(-1)!)).toMatchObject({ status: 'refused', reason: expect.stringContaining('refused "send_email"') });
    expect(mail.sent).toHaveLength(1);
  });

  it('applies an approval under the request id, once, and remembers an execution-wide answer', async () => {
    const { deps, input, mail } = fixture({ mode: 'confirm_tools', approvers: { groups: ['approvers'] } });
    const paused: FlowState = {
      ...withPending([email]),
      gate: { step: 'c1', action: { kind: 'tool_call', toolCall: email } },
      decision: { requestId: 'apr_1', outcome: 'approved', approver: 'bob', scope: 'execution' },
    };
    const applied = await applyDecision(deps, input(paused));
    const replayed = await applyDecision(deps, input(paused));
    expect(applied).toMatchObject({ next: 'agent', pending: [], gate: null, decision: null, grants: { allowedTools: ['send_email'] } });
    expect(replayed.conversation).toEqual(applied.conversation);
    expect(mail.sent).toHaveLength(1);
    expect(deps.toolRuns.runs.has('apr_1')).toBe(true);
  });

  it('holds an answer back in blocking mode until a person lets it through', async () => {
    const { deps, input } = fixture({ mode: 'blocking', approvers: { groups: ['approvers'] } });
    const answering = { ...deps, models: { modelFor: () => ({ next: async () => ({ message: 'Within 30 days.' }) }) } };
    const state = initialFlowState({ id: 'f', revision: 1 }, 'refunds?', 'alice');
    const paused = await agentStep(answering, input(state) as never);
    const released = await applyDecision(deps, input({ ...paused, decision: { requestId: 'apr_2', outcome: 'approved', approver: 'bob', scope: 'once' } }));
    expect(paused).toMatchObject({ next: 'gate', gate: { step: 'message-1', action: { kind: 'message', text: 'Within 30 days.' } }, output: null });
    expect(paused.conversation).toEqual(state.conversation);
    expect(released).toMatchObject({ next: 'done', output: { message: 'Within 30 days.' } });
    expect(released.conversation.at(-1)).toEqual({ role: 'assistant', content: 'Within 30 days.' });
  });

  it('stops an agent that keeps calling tools past its turn limit', async () => {
    const { deps, input } = fixture({ mode: 'disabled' });
    await expect(agentStep(deps, input({ ...withPending([]), turns: 8 }) as never)).rejects.toMatchObject({ name: 'Hitl.AgentTurnLimit' });
  });
});
