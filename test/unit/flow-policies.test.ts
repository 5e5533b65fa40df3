import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import type { ConversationTurn } from '#core/action';
import { describeArgChanges, diffArgs } from '#core/args-diff';
import { AgentNodeSchema, FlowSchema, type FlowInput } from '#core/flow';
import { initialFlowState, toolTurn, type FlowState } from '#core/flow-state';
import type { AuditLog } from '#ports';
import { toolStep } from '#usecases/tool-step';
import { parseRefund, ScriptedAgent } from '../../lambdas/agents/scripted-agent.ts';
import { createDemoTools, DEMO_TOOL_ARGS, DEMO_TOOL_NAMES, demoToolArgs } from '../../lambdas/tools/demo-tools.ts';
import { compileFlow } from '../../statemachines/compiler.ts';
import { loadFlowFiles } from '../../statemachines/flows.ts';
import { ManualClock } from '../support/fixtures.ts';
import { MemoryToolRuns } from '../support/memory-tool-runs.ts';

const approvers = { groups: ['approvers'] };
const refundNode = (hitl: Record<string, unknown>) => ({ id: 'agent', type: 'agent' as const, tools: ['refund'], hitl: hitl as never });
const flowWith = (hitl: Record<string, unknown>, extra: Partial<FlowInput> = {}): FlowInput => ({ id: 'refunds', name: 'Refunds', nodes: [refundNode(hitl)], ...extra });

describe('policies in flow files', () => {
  it('rejects a malformed policy when the flow file is loaded, naming the file, the policy and its line', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'hitl-flows-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const broken = flowWith({
      mode: 'confirm_tools',
      approvers,
      policies: [{ id: 'refund-large', tools: ['refund'], when: 'args.amount >\n  50 &&', effect: 'require_approval' }],
    });
    writeFileSync(join(dir, 'refunds.json'), JSON.stringify(broken));
    // Act
    const load = () => loadFlowFiles([...DEMO_TOOL_NAMES], dir);
    // Assess
    expect(load).toThrow(/^statemachines\/flows\/refunds\.json: .*nodes\.0\.hitl\.policies\.0\.when: policy "refund-large", line 2, column \d+/);
  });

  it('loads the shipped support agent with its refund policies', () => {
    const supportAgent = loadFlowFiles([...DEMO_TOOL_NAMES]).find((flow) => flow.id === 'support-agent')!;
    expect(supportAgent.nodes[0].hitl.policies.map((rule) => [rule.id, rule.effect])).toEqual([
      ['refund-blocked-country', 'deny'],
      ['refund-large', 'require_approval'],
      ['refund-small', 'allow'],
    ]);
  });

  it('refuses a policy timeout longer than a voice caller can be kept on hold', () => {
    const voice = flowWith({ mode: 'confirm_tools', approvers, policies: [{ id: 'slow', when: 'true', effect: 'require_approval', timeoutSeconds: 600 }] }, { channel: 'voice' });
    const issues = FlowSchema.safeParse(voice).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([
      'nodes.0.hitl.policies.0.timeoutSeconds',
      'voice flows wait at most 300 s while the caller is on hold (policy "slow" asks 600)',
    ]);
  });

  it("raises the gate's Step Functions hard cap to the longest wait a policy asks for", () => {
    const slowPolicy = { id: 'slow', when: 'args.amount > 1000.0', effect: 'require_approval', timeoutSeconds: 7200 };
    const asyncGate = compileFlow(FlowSchema.parse(flowWith({ mode: 'confirm_tools', approvers, timeoutSeconds: 600, policies: [slowPolicy] }))).States['agent.Gate'];
    const voiceGate = compileFlow(FlowSchema.parse(flowWith({ mode: 'confirm_tools', approvers, policies: [{ ...slowPolicy, timeoutSeconds: 240 }] }, { channel: 'voice' }))).States['agent.Gate'];
    expect(asyncGate).toMatchObject({ TimeoutSeconds: 2 * 7200 + 300 });
    expect(voiceGate).toMatchObject({ TimeoutSeconds: 240 });
  });
});

describe('the tool step with policies', () => {
  const audit = { append: async (record: unknown) => record } as unknown as AuditLog;
  const deps = {
    tools: createDemoTools({ mail: new MemoryMailSender() }),
    toolRuns: new MemoryToolRuns(),
    audit,
    clock: new ManualClock(),
    store: { get: async () => undefined, appendEvent: async () => undefined },
  };
  const refund = { id: 'c1', name: 'refund', args: { orderId: 'A-1', amount: 70, country: 'DE' } };
  const pending = (requestedBy: string): FlowState => ({ ...initialFlowState({ id: 'refunds', revision: 1 }, 'hi', requestedBy), pending: [refund], next: 'tool' });

  it('gives CEL rules the execution context and the arguments with their defaults, and carries the overrides to the gate', async () => {
    // Prepare
    const node = AgentNodeSchema.parse(
      refundNode({
        mode: 'confirm_tools',
        approvers,
        policies: [
          {
            id: 'vip-large-eur',
            when: 'context.requestedBy == "vip" && context.channel == "async" && context.workflowId == "refunds" && context.nodeId == "agent" && args.currency == "EUR"',
            effect: 'require_approval',
            approvers: { users: ['carla'] },
            quorum: { approvals: 2 },
            timeoutSeconds: 60,
          },
        ],
      }),
    );
    const input = (state: FlowState) => ({ executionId: 'e1', flowId: 'refunds', channel: 'async' as const, node, state });
    // Act
    const vip = await toolStep(deps, input(pending('vip')));
    const other = await toolStep(deps, input(pending('alice')));
    // Assess
    expect(vip.gate?.policy).toEqual({
      id: 'vip-large-eur',
      why: 'policy "vip-large-eur"',
      overrides: { approvers: { users: ['carla'], groups: [] }, quorum: { approvals: 2, rejections: 1 }, timeoutSeconds: 60 },
    });
    expect(other.gate?.policy).toEqual({ id: 'default', why: 'tool needs a person to approve it' });
  });
});

describe('approve with edits: argument diffs and schemas', () => {
  it('lists changed, added and removed arguments by path, and describes them in one line', () => {
    const changes = diffArgs({ to: 'a@x.com', subject: 'Hi', meta: { tier: 'gold', tags: ['a'] } }, { to: 'b@x.com', meta: { tier: 'gold', tags: ['a', 'b'] }, cc: 'c@x.com' });
    expect(changes).toEqual([
      { path: 'to', from: 'a@x.com', to: 'b@x.com' },
      { path: 'subject', from: 'Hi' },
      { path: 'meta.tags', from: ['a'], to: ['a', 'b'] },
      { path: 'cc', to: 'c@x.com' },
    ]);
    expect(describeArgChanges(changes)).toBe('to: a@x.com -> b@x.com; subject: Hi -> (removed); meta.tags: ["a"] -> ["a","b"]; cc: (none) -> c@x.com');
    expect(diffArgs({ amount: 5 }, { amount: 5 })).toEqual([]);
  });

  it('checks edited arguments against the schema each demo tool declares, naming the field', async () => {
    const tools = createDemoTools({ mail: new MemoryMailSender() });
    const validator = demoToolArgs();
    for (const name of DEMO_TOOL_NAMES) expect(tools.get(name)!.input).toBe(DEMO_TOOL_ARGS[name]);
    expect(await validator.validate('send_email', { to: 'nope', subject: 'Hi', body: 'Hello' })).toEqual([{ path: 'to', message: expect.any(String) }]);
    expect((await validator.validate('refund', { orderId: 'A-1', amount: 10.123, country: 'de' })).map((issue) => issue.path)).toEqual(['amount', 'country']);
    expect(await validator.validate('refund', { orderId: 'A-1', amount: 10.5, country: 'DE' })).toEqual([]);
    expect(await validator.validate('some_external_tool', { anything: true })).toEqual([]);
  });
});

describe('the scripted agent and refunds', () => {
  const tools = createDemoTools({ mail: new MemoryMailSender() }).specs(['search', 'send_email', 'refund']);

  it('reads a refund request and leaves questions about the refund policy alone', () => {
    expect(parseRefund('Refund order A-1001 49.99 EUR to DE')).toEqual({ orderId: 'A-1001', amount: 49.99, currency: 'EUR', country: 'DE' });
    expect(parseRefund('Please refund order B-7 120 to fr.')).toEqual({ orderId: 'B-7', amount: 120, country: 'FR' });
    expect(parseRefund('Email carol@example.com our refund policy')).toBeUndefined();
  });

  it('calls refund at once, then reports the refund or passes a refusal on', async () => {
    // Prepare
    const agent = new ScriptedAgent();
    const conversation: ConversationTurn[] = [{ role: 'user', content: 'Refund order A-1001 49.99 EUR to KP' }];
    // Act
    const first = (await agent.next(conversation, tools)) as { toolCalls: { id: string; name: string; args: Record<string, unknown> }[] };
    const call = first.toolCalls[0];
    const refused = await agent.next([...conversation, { role: 'assistant', content: '', toolCalls: [call] }, toolTurn(call, { status: 'refused', reason: 'Not to this country.' })], tools);
    // Assess
    expect(first.toolCalls).toEqual([{ id: 'call_1_0', name: 'refund', args: { orderId: 'A-1001', amount: 49.99, currency: 'EUR', country: 'KP' } }]);
    expect(refused).toEqual({ message: 'I could not refund order A-1001: Not to this country. Instead, I can offer you store credit, or pass your request to our finance team, who will contact you.' });
  });
});
