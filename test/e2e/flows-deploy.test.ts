import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, call, eventually } from '../support/http.ts';
import { decide, executionIn, mailsTo, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const opened: FlowsApp[] = [];
const dataDirs: string[] = [];
afterAll(async () => {
  for (const stack of opened) await stack.close().catch(() => undefined);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startFlowsApp>[1] = {}): Promise<FlowsApp> {
  const stack = await startFlowsApp(undefined, options);
  opened.push(stack);
  return stack;
}

/** Saves the support agent with send_email on its blocked list and deploys that revision, as an admin. */
async function blockSendEmail(url: string): Promise<number> {
  const flow = (await call(url, 'GET', '/flows/support-agent')).body.current.flow;
  flow.nodes[0].hitl.blockedTools = [...flow.nodes[0].hitl.blockedTools, 'send_email'];
  const saved = await call(url, 'PUT', '/flows/support-agent', { body: flow, as: ADMIN });
  expect(saved.status).toBe(201);
  const deployed = await call(url, 'POST', '/flows/support-agent/deploy', { body: { revisionId: String(saved.body.revision.revision) }, as: ADMIN });
  expect(deployed.status).toBe(200);
  return saved.body.revision.revision;
}

describe('deploying an edited flow locally', () => {
  it('refuses send_email in new executions once it is blocked, while a waiting execution still sends after approval', async () => {
    // Prepare: an execution of revision 1 waits for approval of the first of its two emails.
    const { app, outbox } = await start();
    const older = await startFlow(app, 'support-agent', 'Email olga@example.com and oscar@example.com our refund policy');
    const waiting = await executionIn(app, older, 'waiting_for_approval');

    // Act: block send_email, deploy, start a new execution; then approve both emails of the older one.
    const revision = await blockSendEmail(app.url);
    const newer = await startFlow(app, 'support-agent', 'Email nina@example.com our refund policy');
    const refused = await executionIn(app, newer, 'succeeded');
    const approved = await decide(app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    // Still revision 1: the second email waits for a person instead of being refused.
    const second = await eventually(async () => {
      const view = await executionIn(app, older, 'waiting_for_approval');
      return view.pendingApprovalIds.find((id: string) => id !== waiting.pendingApprovalIds[0]);
    });
    await decide(app, second, { decision: 'approve' });
    const done = await executionIn(app, older, 'succeeded');

    // Assess
    expect(revision).toBe(2);
    expect(refused.revision).toBe(2);
    expect(refused.pendingApprovalIds).toEqual([]);
    expect(refused.approvals).toEqual([]);
    expect(refused.output.message).toContain('I could not email nina@example.com');
    expect(mailsTo(outbox, 'nina@example.com')).toHaveLength(0);
    expect(approved.status).toBe(200);
    expect(done.revision).toBe(1);
    expect(done.output.message).toContain('olga@example.com and oscar@example.com');
    expect(mailsTo(outbox, 'olga@example.com')).toHaveLength(1);
    expect(mailsTo(outbox, 'oscar@example.com')).toHaveLength(1);
  });

  it('resumes a waiting execution after a restart on the revision it started on, keeps the deployed revision, and rolls back', async () => {
    // Prepare: revision 1 waits, revision 2 (send_email blocked) is deployed, the server stops.
    const dataDir = mkdtempSync(join(tmpdir(), 'hitl-deploy-'));
    dataDirs.push(dataDir);
    const outboxDir = join(dataDir, 'outbox');
    const first = await start({ app: { dataDir }, module: { outboxDir } });
    const older = await startFlow(first.app, 'support-agent', 'Email rita@example.com and rosa@example.com our shipping policy');
    const waiting = await executionIn(first.app, older, 'waiting_for_approval');
    await blockSendEmail(first.app.url);
    await first.close();

    // Act: a new server on the same data, then the decision, a new execution, and a rollback.
    const second = await start({ app: { dataDir }, module: { outboxDir } });
    const flow = (await call(second.app.url, 'GET', '/flows/support-agent')).body;
    const resumed = await executionIn(second.app, older, 'waiting_for_approval');
    const resumedOn = (await second.app.engine.listExecutions({ status: 'RUNNING' })).find((run) => run.name === older)?.stateMachineArn;
    await decide(second.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const next = await eventually(async () => {
      const view = await executionIn(second.app, older, 'waiting_for_approval');
      return view.pendingApprovalIds.find((id: string) => id !== waiting.pendingApprovalIds[0]);
    });
    await decide(second.app, next, { decision: 'approve' });
    const done = await executionIn(second.app, older, 'succeeded');
    const refused = await executionIn(second.app, await startFlow(second.app, 'support-agent', 'Email sven@example.com our shipping policy'), 'succeeded');
    const rollback = await call(second.app.url, 'POST', '/flows/support-agent/deploy', { body: { revisionId: '1' }, as: ADMIN });
    const gatedAgain = await executionIn(second.app, await startFlow(second.app, 'support-agent', 'Email tara@example.com our shipping policy'), 'waiting_for_approval');
    const audit = await call(second.app.url, `GET`, `/audit?execution=${encodeURIComponent('flow:support-agent')}`, { as: ADMIN });

    // Assess
    expect(flow).toMatchObject({ currentRevision: 2, deployedRevision: 2 });
    expect(resumed.pendingApprovalIds).toEqual(waiting.pendingApprovalIds);
    expect(resumedOn).toMatch(/:stateMachine:flow-support-agent-v1-at-[0-9a-f]+$/);
    expect(done.revision).toBe(1);
    expect(done.output.message).toContain('rita@example.com and rosa@example.com');
    expect(mailsTo(outboxDir, 'rita@example.com')).toHaveLength(1);
    expect(mailsTo(outboxDir, 'rosa@example.com')).toHaveLength(1);
    expect(refused.output.message).toContain('I could not email sven@example.com');
    expect(mailsTo(outboxDir, 'sven@example.com')).toHaveLength(0);
    expect(rollback.status).toBe(200);
    expect(rollback.body).toMatchObject({ rolledBack: true, previousRevision: 2, deployment: { revision: 1 } });
    expect(gatedAgain.revision).toBe(1);
    expect(audit.body.items.map((entry: any) => entry.kind)).toEqual(['flow_saved', 'flow_deployed', 'flow_rolled_back']);
  });
});
