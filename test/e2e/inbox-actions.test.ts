import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, APPROVER, REQUESTER, call } from '../support/http.ts';
import { awsError, interpose } from '../support/fault-injection.ts';
import { ManualClock } from '../support/fixtures.ts';
import { agentFlow, executionIn, lastAssistantText, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const OUTSIDER = { 'x-user': 'mallory', 'x-groups': 'nobody' };
/** A requester who is not in the directory's approvers, so alice (a plain user) can stand in for bob on their requests. */
const FRANK = { 'x-user': 'frank', 'x-groups': 'users' };
const ALICE = REQUESTER;

let stack: FlowsApp;
let url: string;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  const twoOfN = agentFlow('two-of-n', { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] }, quorum: { approvals: 2 } });
  stack = await startFlowsApp([...shippedFlows(), twoOfN], { app: { clock } });
  url = stack.app.url;
});
afterAll(async () => stack?.close());

async function pending(message: string, as = FRANK, flowId = 'support-agent'): Promise<{ execution: string; approval: string }> {
  const execution = await startFlow(stack.app, flowId, message, as);
  const approval = (await executionIn(stack.app, execution, 'waiting_for_approval')).pendingApprovalIds[0];
  return { execution, approval };
}
const get = (id: string) => call(url, 'GET', `/approvals/${id}`, { as: ADMIN });

describe('POST /approvals/{id}/cancel', () => {
  it('lets the requester withdraw a pending request; the execution ends with the reason, as after a rejection', async () => {
    // Prepare
    const { execution, approval } = await pending('Email carol@example.com our refund policy', ALICE);

    // Act
    const byApprover = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: { reason: 'x' }, as: APPROVER });
    const byOutsider = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: { reason: 'x' }, as: OUTSIDER });
    const noReason = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: {}, as: ALICE });
    const cancelled = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: { reason: 'the customer called back' }, as: ALICE });
    const again = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: { reason: 'x' }, as: ADMIN });
    const approveAfter = await call(url, 'POST', `/approvals/${approval}/respond`, { body: { decision: 'approve' }, as: APPROVER });

    // Assess
    expect(byApprover.status).toBe(403);
    expect(byOutsider.status).toBe(404);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['reason']);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ delivery: 'delivered', approval: { status: 'cancelled', decision: { outcome: 'cancelled', approver: 'alice', reason: 'the customer called back' } } });
    expect(again.status).toBe(409);
    expect(approveAfter.status).toBe(409);
    const done = await executionIn(stack.app, execution, 'succeeded');
    expect(lastAssistantText(done)).toContain('the customer called back');
    expect((await get(approval)).body.events.map((event: { type: string }) => event.type)).toContain('cancelled');
    const audit = await call(url, 'GET', `/audit?execution=${encodeURIComponent(cancelled.body.approval.executionId)}`, { as: ADMIN });
    expect(audit.body.items.map((entry: { kind: string }) => entry.kind)).toContain('cancel');
  });
});

describe('POST /approvals/{id}/cancel when Step Functions is unreachable', () => {
  it('stores the cancellation, answers 202, and the sweeper delivers it once', async () => {
    // Prepare
    const { execution, approval } = await pending('Email jane@example.com our refund policy', ALICE);
    let sends = 0;
    const restore = interpose(stack.app.engine, 'sendTaskSuccess', async (original, ...args) => {
      sends++;
      if (sends === 1) throw awsError('ThrottlingException');
      return original(...args);
    });
    try {
      // Act
      const cancelled = await call(url, 'POST', `/approvals/${approval}/cancel`, { body: { reason: 'wrong customer' }, as: ALICE });
      clock.advance(31_000);
      await stack.app.sweep();
      await stack.app.sweep();

      // Assess
      expect(cancelled.status).toBe(202);
      expect(cancelled.body).toMatchObject({ delivery: 'pending', approval: { status: 'cancelled' } });
      const done = await executionIn(stack.app, execution, 'succeeded');
      expect(lastAssistantText(done)).toContain('wrong customer');
      expect(sends).toBe(2);
      expect((await get(approval)).body.events.filter((event: { type: string }) => event.type === 'delivered')).toHaveLength(1);
    } finally {
      restore();
    }
  });
});

describe('POST /approvals/{id}/extend', () => {
  it("moves the deadline for an approver, within the node's maximum, and the sweeper keeps the request until the new one", async () => {
    // Prepare
    const { approval } = await pending('Email dave@example.com our refund policy');
    const before = (await get(approval)).body.dueAt as string;

    // Act
    const extended = await call(url, 'POST', `/approvals/${approval}/extend`, { body: { bySeconds: 600 }, as: APPROVER });
    const beyond = await call(url, 'POST', `/approvals/${approval}/extend`, { body: { bySeconds: 1800 }, as: APPROVER });
    const byRequester = await call(url, 'POST', `/approvals/${approval}/extend`, { body: { bySeconds: 60 }, as: FRANK });
    const byOutsider = await call(url, 'POST', `/approvals/${approval}/extend`, { body: { bySeconds: 60 }, as: OUTSIDER });

    // Assess
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.dueAt) - Date.parse(before)).toBe(600_000);
    expect(extended.body).toMatchObject({ previousDueAt: before, extendedSeconds: 600, maxExtensionSeconds: 1800 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.issues).toEqual([{ path: 'bySeconds', message: 'at most 1200' }]);
    expect(byRequester.status).toBe(403);
    expect(byOutsider.status).toBe(404);
    expect((await get(approval)).body).toMatchObject({ status: 'pending', dueAt: extended.body.dueAt });

    // Act: the old deadline passes, then the new one
    clock.advance(Date.parse(before) - clock.now().getTime() + 1_000);
    await stack.app.sweep();
    const afterOldDeadline = (await get(approval)).body.status;
    clock.advance(600_000);
    await stack.app.sweep();

    // Assess
    expect(afterOldDeadline).toBe('pending');
    expect((await get(approval)).body.status).toBe('timed_out');
    const extendAfter = await call(url, 'POST', `/approvals/${approval}/extend`, { body: { bySeconds: 60 }, as: APPROVER });
    expect(extendAfter.status).toBe(409);
  });
});

describe('/delegations/{userId}', () => {
  const windowFromNow = (ms: number) => ({ from: new Date(clock.now().getTime() - 60_000).toISOString(), until: new Date(clock.now().getTime() + ms).toISOString() });

  it('is set by the user or an admin only, and names a known user', async () => {
    const byOther = await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'alice', ...windowFromNow(3_600_000) }, as: ALICE });
    const unknown = await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'zed', ...windowFromNow(3_600_000) }, as: APPROVER });
    const self = await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'bob', ...windowFromNow(3_600_000) }, as: APPROVER });
    const byAdmin = await call(url, 'PUT', '/delegations/erin', { body: { delegate: 'alice', ...windowFromNow(3_600_000) }, as: ADMIN });
    const readByOther = await call(url, 'GET', '/delegations/erin', { as: APPROVER });
    const ended = await call(url, 'DELETE', '/delegations/erin', { as: { 'x-user': 'erin', 'x-groups': 'approvers' } });
    const endedAgain = await call(url, 'DELETE', '/delegations/erin', { as: ADMIN });
    const oddId = await call(url, 'DELETE', '/delegations/%25E0%25A4%25A', { as: ADMIN });

    expect(byOther.status).toBe(403);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues).toEqual([{ path: 'delegate', message: 'not in the directory' }]);
    expect(self.status).toBe(400);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ userId: 'erin', delegate: 'alice', setBy: 'root' });
    expect(readByOther.status).toBe(403);
    expect(ended.status).toBe(200);
    expect(endedAgain.status).toBe(404);
    expect(oddId.status).toBe(404);
    const audit = await call(url, 'GET', `/audit?execution=${encodeURIComponent('delegation:erin')}`, { as: ADMIN });
    expect(audit.body.items.map((entry: { kind: string; actor: string }) => [entry.kind, entry.actor])).toEqual([
      ['delegation_set', 'root'],
      ['delegation_ended', 'erin'],
    ]);
  });

  it('lets the delegate decide on behalf of the approver during the window, never their own request, and not after it ends', async () => {
    // Prepare
    const forFrank = await pending('Email erin@example.com our refund policy');
    const forAlice = await pending('Email fred@example.com our refund policy', ALICE);
    const later = await pending('Email gina@example.com our refund policy');
    const before = await call(url, 'POST', `/approvals/${forFrank.approval}/respond`, { body: { decision: 'approve' }, as: ALICE });

    // Act
    const set = await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'alice', ...windowFromNow(3_600_000) }, as: APPROVER });
    const readAsDelegate = await call(url, 'GET', `/approvals/${forFrank.approval}`, { as: ALICE });
    const listedForDelegate = await call(url, 'GET', '/approvals?limit=100', { as: ALICE });
    const onBehalf = await call(url, 'POST', `/approvals/${forFrank.approval}/respond`, { body: { decision: 'approve', reason: 'covering for bob' }, as: ALICE });
    const ownRequest = await call(url, 'POST', `/approvals/${forAlice.approval}/respond`, { body: { decision: 'approve' }, as: ALICE });
    const end = await call(url, 'DELETE', '/delegations/bob', { as: APPROVER });
    const afterEnd = await call(url, 'POST', `/approvals/${later.approval}/respond`, { body: { decision: 'approve' }, as: ALICE });
    const readAfterEnd = await call(url, 'GET', `/approvals/${later.approval}`, { as: ALICE });

    // Assess
    expect(before.status).toBe(403);
    expect(set.status).toBe(200);
    expect(readAsDelegate.status).toBe(200);
    expect(readAsDelegate.body).toMatchObject({ canDecide: true, canExtend: false, canCancel: false });
    expect(listedForDelegate.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([forFrank.approval, later.approval]));
    expect(listedForDelegate.body.items.find((item: { id: string }) => item.id === forAlice.approval)).toMatchObject({ canDecide: false, canCancel: true });
    expect(onBehalf.status).toBe(200);
    expect(onBehalf.body.approval.decision).toMatchObject({ outcome: 'approved', approver: 'alice', onBehalfOf: 'bob' });
    expect(onBehalf.body.approval.events.at(-2)).toMatchObject({ type: 'decided', actor: 'alice', detail: { onBehalfOf: 'bob' } });
    expect(ownRequest.status).toBe(403);
    expect(end.status).toBe(200);
    expect(afterEnd.status).toBe(403);
    expect(readAfterEnd.status).toBe(404);
    await executionIn(stack.app, forFrank.execution, 'succeeded');
  });

  it("counts a delegate's vote as the delegator's one vote at a k-of-n node", async () => {
    // Prepare
    const { execution, approval } = await pending('Email ivan@example.com our refund policy', FRANK, 'two-of-n');
    await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'alice', ...windowFromNow(3_600_000) }, as: APPROVER });
    // Act
    const byDelegate = await call(url, 'POST', `/approvals/${approval}/respond`, { body: { decision: 'approve' }, as: ALICE });
    const byBobToo = await call(url, 'POST', `/approvals/${approval}/respond`, { body: { decision: 'approve' }, as: APPROVER });
    const byErin = await call(url, 'POST', `/approvals/${approval}/respond`, { body: { decision: 'approve' }, as: { 'x-user': 'erin', 'x-groups': 'approvers' } });
    await call(url, 'DELETE', '/delegations/bob', { as: APPROVER });
    // Assess
    expect(byDelegate.status).toBe(202);
    expect(byDelegate.body.approval.votes).toEqual([expect.objectContaining({ approver: 'alice', onBehalfOf: 'bob', vote: 'approve' })]);
    expect(byBobToo.status).toBe(409);
    expect(byErin.status).toBe(200);
    expect(byErin.body.approval).toMatchObject({ status: 'approved', decision: { approver: 'erin' } });
    await executionIn(stack.app, execution, 'succeeded');
  });

  it('ends by itself when its window is over', async () => {
    const { approval } = await pending('Email hank@example.com our refund policy');
    await call(url, 'PUT', '/delegations/bob', { body: { delegate: 'alice', ...windowFromNow(60_000) }, as: APPROVER });
    clock.advance(61_000);
    const late = await call(url, 'POST', `/approvals/${approval}/respond`, { body: { decision: 'approve' }, as: ALICE });
    expect(late.status).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('describes cancel, extend and delegations with their body schemas', async () => {
    const doc = (await call(url, 'GET', '/openapi.json', { as: APPROVER })).body;
    expect(doc.paths['/approvals/{id}/cancel'].post.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(doc.paths['/approvals/{id}/extend'].post.requestBody.content['application/json'].schema.properties.bySeconds).toMatchObject({ type: 'integer', minimum: 1 });
    expect(doc.paths['/delegations/{userId}'].put.requestBody.content['application/json'].schema.required).toEqual(['delegate', 'from', 'until']);
    expect(Object.keys(doc.paths['/delegations/{userId}']).sort()).toEqual(['delete', 'get', 'put']);
  });
});
