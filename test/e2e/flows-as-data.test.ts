import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { createFlowsModule } from '#local/flows-module';
import { FLOWS_DIR } from '#statemachines/flows';
import { decide, executionIn, startFlow } from '../support/flows.ts';
import { ADMIN, APPROVER, call, eventually, REQUESTER } from '../support/http.ts';

/** A flow of one blocking tool node: it pauses for an approver, then emails once. */
function mailFlow(id: string, name = 'Mail the team') {
  return {
    id,
    name,
    nodes: [
      {
        id: 'mail',
        type: 'tool',
        tool: 'send_email',
        args: { to: 'team@example.com', subject: 'Hello', body: 'From a flow made of data' },
        hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } },
      },
    ],
    edges: [],
  };
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Runs a started flow to its gate, approves, and waits for it to succeed. */
async function runThroughGate(app: LocalApp, flowId: string): Promise<void> {
  const executionId = await startFlow(app, flowId, 'Email carol@example.com our refund policy');
  const waiting = await executionIn(app, executionId, 'waiting_for_approval', 10_000);
  expect((await decide(app, waiting.pendingApprovalIds[0], { decision: 'approve', reason: 'fine' })).status).toBe(200);
  await executionIn(app, executionId, 'succeeded', 10_000);
}

let dir: string;
let outbox: string;
let app: LocalApp;
let filesBefore: string[];
beforeAll(async () => {
  // Prepare: a private copy of the flows folder, with support-agent.json copied under a new id and
  // nothing else changed: no import, no list, no code.
  dir = mkdtempSync(join(tmpdir(), 'hitl-flows-data-'));
  cpSync(FLOWS_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'team-support.json'), JSON.stringify({ ...readJson(join(dir, 'support-agent.json')), id: 'team-support', name: 'Team support' }));
  filesBefore = readdirSync(dir).sort();
  outbox = mkdtempSync(join(tmpdir(), 'hitl-flows-data-outbox-'));
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [createFlowsModule({ flowsDir: dir, outboxDir: outbox })] });
});
afterAll(async () => {
  await app?.close();
  for (const folder of [dir, outbox]) rmSync(folder, { recursive: true, force: true });
});

describe('flows are data', () => {
  it('serves a flow file copied under a new id, which pauses at its gate and finishes once approved', async () => {
    const list = await call(app.url, 'GET', '/flows', { as: ADMIN });

    expect(list.body.items.find((flow: any) => flow.flowId === 'team-support')).toMatchObject({ currentRevision: 1, deployedRevision: 1 });
    await runThroughGate(app, 'team-support');
  });

  it('creates a new flow from the editor API (PUT for an id that does not exist), which an admin deploys and anyone starts', async () => {
    // Act
    const created = await call(app.url, 'PUT', '/flows/made-in-editor', { body: mailFlow('made-in-editor'), as: ADMIN });
    const deployed = await call(app.url, 'POST', '/flows/made-in-editor/deploy', { body: { revisionId: 1 }, as: ADMIN });

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ flowId: 'made-in-editor', created: true, revision: { revision: 1, source: 'editor', savedBy: 'root' } });
    expect(created.body.revision.basedOn).toBeUndefined();
    expect(deployed.status).toBe(200);
    expect(deployed.body).toMatchObject({ flowId: 'made-in-editor', deployment: { revision: 1 }, previousRevision: null });
    await runThroughGate(app, 'made-in-editor');
    // Stored in the table, never written next to the shipped files.
    expect(readdirSync(dir).sort()).toEqual(filesBefore);
  });

  it('creates a flow with POST /flows, refuses an id that is taken (409), non-admins (403) and a body without id (400)', async () => {
    const created = await call(app.url, 'POST', '/flows', { body: mailFlow('posted-flow'), as: ADMIN });
    const again = await call(app.url, 'POST', '/flows', { body: mailFlow('posted-flow'), as: ADMIN });
    const taken = await call(app.url, 'POST', '/flows', { body: mailFlow('support-agent'), as: ADMIN });
    const byApprover = await call(app.url, 'POST', '/flows', { body: mailFlow('approver-flow'), as: APPROVER });
    const byApproverPut = await call(app.url, 'PUT', '/flows/approver-flow', { body: mailFlow('approver-flow'), as: APPROVER });
    const { id: _id, ...noId } = mailFlow('x');
    const withoutId = await call(app.url, 'POST', '/flows', { body: noId, as: ADMIN });
    const secondRevision = await call(app.url, 'PUT', '/flows/brand-new', { body: { ...mailFlow('brand-new'), revision: 2 }, as: ADMIN });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ flowId: 'posted-flow', revision: { revision: 1 } });
    expect([again.status, taken.status]).toEqual([409, 409]);
    expect([byApprover.status, byApproverPut.status]).toEqual([403, 403]);
    expect((await call(app.url, 'GET', '/flows/approver-flow', { as: ADMIN })).status).toBe(404);
    expect(withoutId.status).toBe(400);
    expect(withoutId.text).toContain('id');
    expect(secondRevision.status).toBe(400);
    expect(secondRevision.text).toContain('revision');
  });

  it('lets exactly one of two admins creating the same flow at once win; the other gets 409 and nothing is overwritten', async () => {
    // Act
    const [first, second] = await Promise.all([
      call(app.url, 'POST', '/flows', { body: mailFlow('raced-flow', 'First'), as: ADMIN }),
      call(app.url, 'POST', '/flows', { body: mailFlow('raced-flow', 'Second'), as: { 'x-user': 'root2', 'x-groups': 'admins' } }),
    ]);

    // Assess
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const winner = first.status === 201 ? first : second;
    const stored = (await call(app.url, 'GET', '/flows/raced-flow', { as: ADMIN })).body;
    expect(stored).toMatchObject({ currentRevision: 1, name: winner.body.revision.flow.name, current: { savedBy: winner.body.revision.savedBy } });
  });

  it('reloads a flow file added while the server runs, and a changed one as a new revision, without a restart', async () => {
    // Act: a new file, then a change to a flow nobody edited in the editor.
    writeFileSync(join(dir, 'dropped-in.json'), JSON.stringify(mailFlow('dropped-in', 'Dropped in')));
    writeFileSync(join(dir, 'team-support.json'), JSON.stringify({ ...readJson(join(dir, 'support-agent.json')), id: 'team-support', name: 'Team support, renamed' }));

    // Assess
    const dropped = await eventually(async () => {
      const detail = await call(app.url, 'GET', '/flows/dropped-in', { as: ADMIN });
      return detail.status === 200 && detail.body.deployedRevision === 1 ? detail.body : undefined;
    }, 10_000, 'the dropped-in flow to be deployed');
    expect(dropped.current).toMatchObject({ source: 'shipped', flow: { name: 'Dropped in' } });
    const renamed = await eventually(async () => {
      const detail = await call(app.url, 'GET', '/flows/team-support', { as: ADMIN });
      return detail.body.deployedRevision === 2 ? detail.body : undefined;
    }, 10_000, 'the changed file to be deployed as revision 2');
    expect(renamed.current).toMatchObject({ revision: 2, flow: { name: 'Team support, renamed' }, diff: [{ path: 'name', op: 'changed' }] });
    await runThroughGate(app, 'dropped-in');
  });

  it('leaves the deployed revision alone when a file is broken', async () => {
    // Act
    writeFileSync(join(dir, 'dropped-in.json'), '{ "id": "dropped-in", "nodes": ');
    writeFileSync(join(dir, 'marker.json'), JSON.stringify(mailFlow('marker')));
    await eventually(async () => ((await call(app.url, 'GET', '/flows/marker', { as: ADMIN })).status === 200 ? true : undefined), 10_000, 'a later file to be read');

    // Assess: the broken file was read first (reloads run in order) and changed nothing.
    const detail = await call(app.url, 'GET', '/flows/dropped-in', { as: ADMIN });
    expect(detail.body).toMatchObject({ currentRevision: 1, deployedRevision: 1 });
    expect((await call(app.url, 'POST', '/flows/dropped-in/executions', { body: { input: { message: 'hi' } }, as: REQUESTER })).status).toBe(201);
  });
});
