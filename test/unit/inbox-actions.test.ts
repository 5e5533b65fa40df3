import { describe, expect, it } from 'vitest';
import { assertMayCancel } from '#core/authorization';
import { assertMayDecideOnBehalf, DelegationBodySchema, isActiveAt, type Delegation } from '#core/delegation';
import { ForbiddenError, IllegalTransitionError, ValidationError } from '#core/errors';
import { FlowSchema } from '#core/flow';
import { maxExtensionAtLevel, totalWaitSeconds } from '#core/hitl-config';
import { cancel, extend, escalate, extendedSecondsAtLevel } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import type { Delegations } from '#ports';
import { resolveDecider } from '#usecases/resolve-decider';
import { compileFlow, gateTimeoutSeconds } from '../../statemachines/compiler.ts';
import { hitl, ManualClock } from '../support/fixtures.ts';
import { shippedFlows } from '../support/flows.ts';

const now = new Date('2026-11-25T10:00:00.000Z');
const BOB = { userId: 'bob', groups: ['approvers'] };
const ALICE = { userId: 'alice', groups: ['users'] };

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_x', executionId: 'e', workflowId: 'w', nodeId: 'n', step: 's', mode: 'confirm_tools', channel: 'async',
    action: { kind: 'message', text: 'hi' }, context: { conversation: [], facts: {} }, hitl: hitl({ timeoutSeconds: 1800 }),
    requestedBy: 'carol', status: 'pending', level: 0, createdAt: now.toISOString(), dueAt: '2026-11-25T10:30:00.000Z', events: [], ...overrides,
  };
}

describe('cancel', () => {
  it('is for the requester and for admins, not for approvers', () => {
    expect(() => assertMayCancel({ userId: 'carol', groups: [] }, request(), false)).not.toThrow();
    expect(() => assertMayCancel({ userId: 'root', groups: ['admins'] }, request(), true)).not.toThrow();
    expect(() => assertMayCancel(BOB, request(), false)).toThrow(ForbiddenError);
    expect(() => assertMayCancel(BOB, request({ requestedBy: undefined }), false)).toThrow(ForbiddenError);
  });

  it('ends a pending request as cancelled, with a cancelled event and a decision due for delivery', () => {
    const cancelled = cancel(request(), 'carol', 'no longer needed', now);
    expect(cancelled).toMatchObject({ status: 'cancelled', delivery: 'pending', decision: { outcome: 'cancelled', approver: 'carol', reason: 'no longer needed' } });
    expect(cancelled.events.at(-1)).toMatchObject({ type: 'cancelled', actor: 'carol', detail: { outcome: 'cancelled', reason: 'no longer needed' } });
  });

  it('refuses a request that is already decided', () => {
    expect(() => cancel(cancel(request(), 'carol', 'x', now), 'root', 'y', now)).toThrow(IllegalTransitionError);
  });
});

describe('extend', () => {
  it("moves the due time, and by default allows at least the level's own timeout again", () => {
    const extended = extend(request(), 600, 'bob', now);
    expect(extended.dueAt).toBe('2026-11-25T10:40:00.000Z');
    expect(extended.events.at(-1)).toMatchObject({ type: 'extended', actor: 'bob', detail: { bySeconds: 600, level: 0, previousDueAt: '2026-11-25T10:30:00.000Z' } });
    expect(maxExtensionAtLevel(request().hitl, 0)).toBe(1800);
    expect(extend(request(), 1800, 'bob', now).dueAt).toBe('2026-11-25T11:00:00.000Z');
  });

  it("adds up a level's extensions against the node's maximum and names bySeconds beyond it", () => {
    const once = extend(request({ hitl: hitl({ timeoutSeconds: 1800, maxExtensionSeconds: 900 }) }), 600, 'bob', now);
    expect(extendedSecondsAtLevel(once)).toBe(600);
    const beyond = (() => {
      try {
        extend(once, 301, 'bob', now);
      } catch (error) {
        return error;
      }
    })();
    expect(beyond).toBeInstanceOf(ValidationError);
    expect((beyond as ValidationError).issues).toEqual([{ path: 'bySeconds', message: 'at most 300' }]);
    expect(extend(once, 300, 'bob', now).dueAt).toBe('2026-11-25T10:45:00.000Z');
  });

  it('starts counting again at a new escalation level', () => {
    const config = hitl({ timeoutSeconds: 60, maxExtensionSeconds: 60, onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 60 }] });
    const spent = extend(request({ hitl: config }), 60, 'bob', now);
    expect(() => extend(spent, 1, 'bob', now)).toThrow(ValidationError);
    expect(extend(escalate(spent, now), 60, 'boss', now).level).toBe(1);
  });

  it('cannot extend a voice gate, whose caller is on hold', () => {
    expect(() => extend(request({ channel: 'voice' }), 1, 'bob', now)).toThrow(ValidationError);
    const voice = FlowSchema.safeParse({
      id: 'calls', name: 'calls', channel: 'voice',
      nodes: [{ id: 'agent', type: 'agent', tools: ['search'], hitl: { mode: 'confirm_tools', approvers: { groups: ['approvers'] }, maxExtensionSeconds: 60 } }],
    });
    expect(voice.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['nodes.0.hitl.maxExtensionSeconds']);
  });

  it('keeps the Step Functions hard cap above the longest wait with every extension', () => {
    const config = hitl({ timeoutSeconds: 600, onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 900 }] });
    expect(totalWaitSeconds(config)).toBe(600 + maxExtensionAtLevel(config, 0) + 900 + maxExtensionAtLevel(config, 1));
    for (const input of shippedFlows()) {
      const flow = FlowSchema.parse(input);
      if (flow.channel === 'voice') continue;
      const definition = compileFlow(flow) as { States: Record<string, { Resource?: string; TimeoutSeconds?: number }> };
      for (const node of flow.nodes.filter((n) => n.hitl.mode === 'blocking' || n.hitl.mode === 'confirm_tools')) {
        const gate = Object.entries(definition.States).find(([name, state]) => name.startsWith(`${node.id}.`) && String(state.Resource).endsWith('.waitForTaskToken'))![1];
        const longest = totalWaitSeconds(node.hitl);
        expect(gate.TimeoutSeconds, `${flow.id}/${node.id}`).toBe(gateTimeoutSeconds(flow, node));
        expect(gate.TimeoutSeconds!, `${flow.id}/${node.id}`).toBeGreaterThan(longest);
        expect(longest).toBeGreaterThanOrEqual(2 * (node.hitl.timeoutSeconds ?? 1800));
      }
    }
  });
});

describe('delegation', () => {
  const window = { from: '2026-11-25T09:00:00.000Z', until: '2026-11-25T11:00:00.000Z' };

  it('holds from its start, inclusive, to its end, exclusive', () => {
    expect(isActiveAt(window, new Date('2026-11-25T08:59:59.999Z'))).toBe(false);
    expect(isActiveAt(window, new Date(window.from))).toBe(true);
    expect(isActiveAt(window, new Date(window.until))).toBe(false);
  });

  it('refuses a window that ends before it starts, or unknown fields, naming them', () => {
    const backwards = DelegationBodySchema.safeParse({ delegate: 'alice', from: window.until, until: window.from });
    expect(backwards.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['until']);
    const extra = DelegationBodySchema.safeParse({ delegate: 'alice', ...window, groups: ['admins'] });
    expect(extra.success).toBe(false);
  });

  it("lets a delegate decide with the delegator's rights, and keeps separation of duties for both", () => {
    expect(() => assertMayDecideOnBehalf(ALICE, BOB, request())).not.toThrow();
    expect(() => assertMayDecideOnBehalf({ userId: 'carol', groups: [] }, BOB, request())).toThrow(/separation of duties/);
    expect(() => assertMayDecideOnBehalf(ALICE, { userId: 'carol', groups: ['approvers'] }, request())).toThrow(/separation of duties/);
  });

  it("never uses the delegate's own groups: a delegator who is no approver passes nothing on", () => {
    expect(() => assertMayDecideOnBehalf({ userId: 'erin', groups: ['approvers'] }, { userId: 'dana', groups: ['finance'] }, request())).toThrow(ForbiddenError);
    expect(() => assertMayDecideOnBehalf(ALICE, { userId: 'dana', groups: ['finance'] }, request())).toThrow(ForbiddenError);
  });
});

describe('resolveDecider', () => {
  const people: Record<string, string[]> = { bob: ['approvers'], alice: ['users'], root: ['admins'], carol: ['approvers'] };
  const directory = { person: async (userId: string) => (people[userId] ? { userId, groups: people[userId]! } : undefined) };
  const delegationsOf = (list: Delegation[]): Delegations => ({
    put: async () => {},
    get: async (userId) => list.find((d) => d.userId === userId),
    remove: async () => undefined,
    activeFor: async (delegate, at) => list.filter((d) => d.delegate === delegate && isActiveAt(d, at)),
  });
  const to = (userId: string, delegate: string, until = '2026-11-25T11:00:00.000Z'): Delegation => ({
    userId, delegate, from: '2026-11-25T09:00:00.000Z', until, setBy: userId, setAt: '2026-11-25T08:00:00.000Z',
  });
  const deps = (list: Delegation[]) => ({ clock: new ManualClock(now), delegations: delegationsOf(list), directory });

  it('decides in the caller\'s own right when they may, without looking at delegations', async () => {
    expect(await resolveDecider(deps([to('carol', 'bob')]), BOB, request())).toEqual({ rights: BOB });
  });

  it("decides on behalf of a delegator whose delegation is active, with the delegator's groups from the directory", async () => {
    expect(await resolveDecider(deps([to('bob', 'alice')]), ALICE, request())).toEqual({ rights: { userId: 'bob', groups: ['approvers'] }, onBehalfOf: 'bob' });
  });

  it('refuses once the window is over, or without any delegation', async () => {
    await expect(resolveDecider(deps([to('bob', 'alice', '2026-11-25T09:30:00.000Z')]), ALICE, request())).rejects.toThrow(ForbiddenError);
    await expect(resolveDecider(deps([]), ALICE, request())).rejects.toThrow(ForbiddenError);
  });

  it("does not pass admin rights on: an admin's delegate decides nothing the admin could not", async () => {
    await expect(resolveDecider(deps([to('root', 'alice')]), ALICE, request())).rejects.toThrow(ForbiddenError);
  });

  it('lets neither the requester decide through a delegation, nor a delegate decide for the requester', async () => {
    await expect(resolveDecider(deps([to('bob', 'carol')]), { userId: 'carol', groups: [] }, request())).rejects.toThrow(/separation of duties/);
    await expect(resolveDecider(deps([to('carol', 'alice')]), ALICE, request())).rejects.toThrow(ForbiddenError);
  });
});
