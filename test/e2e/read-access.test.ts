import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, AUDITOR, REQUESTER, call } from '../support/http.ts';
import { decide, executionIn, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const MALLORY = { 'x-user': 'mallory', 'x-groups': 'nobody' };
const FINANCE = { 'x-user': 'dana', 'x-groups': 'finance' };
const APPROVER = { 'x-user': 'bob', 'x-groups': 'approvers' };
const UNKNOWN_ID = 'apr_AAAAAAAAAAAAAAAAAAAAAAAAAA';

let stack: FlowsApp;
let url: string;
/** alice's two executions of the demo agent: an email waiting for `approvers`, a large refund waiting for `finance`. */
const email = { execution: '', approval: '' };
const refund = { execution: '', approval: '' };
let decidedEmail = '';

beforeAll(async () => {
  stack = await startFlowsApp();
  url = stack.app.url;
  email.execution = await startFlow(stack.app, 'support-agent', 'Email carol@example.com our refund policy');
  refund.execution = await startFlow(stack.app, 'support-agent', 'Refund order R-77 80 EUR to DE');
  email.approval = (await executionIn(stack.app, email.execution, 'waiting_for_approval')).pendingApprovalIds[0];
  refund.approval = (await executionIn(stack.app, refund.execution, 'waiting_for_approval')).pendingApprovalIds[0];
  // One decided request, so that history, the audit log and statistics have something to show.
  const other = await startFlow(stack.app, 'support-agent', 'Email dave@example.com our shipping policy');
  decidedEmail = (await executionIn(stack.app, other, 'waiting_for_approval')).pendingApprovalIds[0];
  await decide(stack.app, decidedEmail, { decision: 'approve' }, APPROVER);
  await executionIn(stack.app, other, 'succeeded');
});
afterAll(async () => stack?.close());

const get = (path: string, as: Record<string, string>) => call(url, 'GET', path, { as });
const pendingIds = async (as: Record<string, string>) => {
  const page = await get('/approvals?status=pending&limit=100', as);
  expect(page.status).toBe(200);
  return page.body.items.map((item: { id: string }) => item.id);
};
const ADMIN_VIEWS = () => [
  '/history',
  '/audit',
  '/audit/export?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
  `/audit/verify?execution=${email.execution}`,
  '/stats',
];

describe('who may read what, over HTTP', () => {
  it('shows an outsider nothing: 404 on single reads, exactly as for an unknown id, 403 on the admin views', async () => {
    const unknown = await get(`/approvals/${UNKNOWN_ID}`, MALLORY);
    const forbidden = await get(`/approvals/${email.approval}`, MALLORY);
    expect(forbidden.status).toBe(404);
    expect(forbidden.text).toBe(unknown.text.replace(UNKNOWN_ID, email.approval));
    expect((await get(`/approvals/${email.approval}/events`, MALLORY)).status).toBe(404);
    expect((await get(`/executions/${email.execution}`, MALLORY)).status).toBe(404);
    expect((await get(`/executions/${email.execution}`, MALLORY)).text).toBe((await get('/executions/00000000-0000-4000-8000-000000000000', MALLORY)).text.replace('00000000-0000-4000-8000-000000000000', email.execution));
    expect(await pendingIds(MALLORY)).toEqual([]);
    for (const path of ADMIN_VIEWS()) expect({ path, status: (await get(path, MALLORY)).status }).toEqual({ path, status: 403 });
    expect((await get('/flows/support-agent/revisions', MALLORY)).status).toBe(403);
  });

  it('shows a finance member the refund waiting for finance, and not the email waiting for approvers at the same node', async () => {
    const mine = await get(`/approvals/${refund.approval}`, FINANCE);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: refund.approval, hitl: { approvers: { groups: ['finance'] } }, canDecide: true });
    expect((await get(`/approvals/${email.approval}`, FINANCE)).status).toBe(404);
    expect((await get(`/approvals/${email.approval}/events`, FINANCE)).status).toBe(404);
    expect((await get(`/executions/${email.execution}`, FINANCE)).status).toBe(404);
    const execution = await get(`/executions/${refund.execution}`, FINANCE);
    expect(execution.status).toBe(200);
    expect(execution.body.pendingApprovalIds).toEqual([refund.approval]);
    const ids = await pendingIds(FINANCE);
    expect(ids).toContain(refund.approval);
    expect(ids).not.toContain(email.approval);
    for (const path of ADMIN_VIEWS()) expect({ path, status: (await get(path, FINANCE)).status }).toEqual({ path, status: 403 });
  });

  it('shows an approver the requests of their group, pending and decided, with the executions they belong to', async () => {
    expect((await get(`/approvals/${email.approval}`, APPROVER)).body).toMatchObject({ id: email.approval, canDecide: true });
    expect((await get(`/approvals/${decidedEmail}`, APPROVER)).body).toMatchObject({ status: 'approved', canDecide: false });
    expect((await get(`/approvals/${decidedEmail}/events`, APPROVER)).status).toBe(200);
    expect((await get(`/approvals/${refund.approval}`, APPROVER)).status).toBe(404);
    expect((await get(`/executions/${email.execution}`, APPROVER)).body.pendingApprovalIds).toEqual([email.approval]);
    expect((await get(`/executions/${refund.execution}`, APPROVER)).status).toBe(404);
    const ids = await pendingIds(APPROVER);
    expect(ids).toContain(email.approval);
    expect(ids).not.toContain(refund.approval);
    for (const path of ADMIN_VIEWS()) expect({ path, status: (await get(path, APPROVER)).status }).toEqual({ path, status: 403 });
    expect((await get('/flows/support-agent/revisions', APPROVER)).status).toBe(403);
  });

  it('shows a requester their executions and requests, which they may not decide', async () => {
    for (const { execution, approval } of [email, refund]) {
      expect((await get(`/executions/${execution}`, REQUESTER)).body.pendingApprovalIds).toEqual([approval]);
      expect((await get(`/approvals/${approval}`, REQUESTER)).body).toMatchObject({ id: approval, canDecide: false });
    }
    const ids = await pendingIds(REQUESTER);
    expect(ids).toEqual(expect.arrayContaining([email.approval, refund.approval]));
    expect((await get(`/executions/${email.execution}`, { 'x-user': 'alicia', 'x-groups': 'users' })).status).toBe(404);
    for (const path of ADMIN_VIEWS()) expect({ path, status: (await get(path, REQUESTER)).status }).toEqual({ path, status: 403 });
  });

  it('gives an auditor history, the audit log and statistics, but no requests or executions', async () => {
    for (const path of ADMIN_VIEWS()) expect({ path, status: (await get(path, AUDITOR)).status }).toEqual({ path, status: 200 });
    expect((await get('/history', AUDITOR)).body.items.map((item: { id: string }) => item.id)).toContain(decidedEmail);
    expect((await get(`/approvals/${email.approval}`, AUDITOR)).status).toBe(404);
    expect((await get(`/executions/${email.execution}`, AUDITOR)).status).toBe(404);
    expect(await pendingIds(AUDITOR)).toEqual([]);
    expect((await get('/flows/support-agent/revisions', AUDITOR)).status).toBe(403);
  });

  it('shows an execution that never paused to its requester and admins only', async () => {
    const audited = await startFlow(stack.app, 'support-agent-audited', 'Email nora@example.com our returns policy');
    const done = await executionIn(stack.app, audited, 'succeeded', 5_000, REQUESTER);
    expect(done.approvals).toEqual([]);
    expect((await get(`/executions/${audited}`, ADMIN)).status).toBe(200);
    expect((await get(`/executions/${audited}`, APPROVER)).status).toBe(404);
    expect((await get(`/executions/${audited}`, AUDITOR)).status).toBe(404);
  });

  it('shows an admin everything, without offering decisions an admin is not an approver for', async () => {
    for (const path of [...ADMIN_VIEWS(), '/flows/support-agent/revisions', `/executions/${refund.execution}`, `/approvals/${email.approval}/events`]) {
      expect({ path, status: (await get(path, ADMIN)).status }).toEqual({ path, status: 200 });
    }
    expect((await get(`/approvals/${refund.approval}`, ADMIN)).body).toMatchObject({ id: refund.approval, canDecide: false });
    const page = await get('/approvals?status=pending&limit=100', ADMIN);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([email.approval, refund.approval]));
  });
});
