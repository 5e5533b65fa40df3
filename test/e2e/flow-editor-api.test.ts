import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, APPROVER, AUDITOR, call, OUTSIDER } from '../support/http.ts';
import { startFlowsApp, type FlowsApp } from '../support/flows.ts';

let stack: FlowsApp;
let url: string;
beforeAll(async () => {
  stack = await startFlowsApp();
  url = stack.app.url;
});
afterAll(() => stack?.close());

/** The support agent's current flow, as GET /flows/{id} shows it. */
async function currentFlow(flowId = 'support-agent') {
  const detail = await call(url, 'GET', `/flows/${flowId}`);
  return { detail: detail.body, flow: structuredClone(detail.body.current.flow) };
}

describe('flow editor API', () => {
  it('lists every shipped flow at revision 1, deployed', async () => {
    const list = await call(url, 'GET', '/flows');

    expect(list.status).toBe(200);
    const ids = list.body.items.map((f: any) => f.flowId);
    expect(ids).toEqual(expect.arrayContaining(['support-agent', 'policy-review', 'support-agent-audited', 'voice-support', 'answer-and-forward']));
    expect(list.body.items.find((f: any) => f.flowId === 'policy-review')).toMatchObject({ currentRevision: 1, deployedRevision: 1, updatedBy: 'system:flow-file' });
  });

  it('shows one flow with its current revision and its deployment', async () => {
    const { detail } = await currentFlow('answer-and-forward');

    expect(detail).toMatchObject({ flowId: 'answer-and-forward', currentRevision: 1, deployedRevision: 1, current: { revision: 1, source: 'shipped', flow: { id: 'answer-and-forward' } } });
    expect(detail.deployment.stateMachineArn).toMatch(/:stateMachine:flow-answer-and-forward-v1$/);
    expect(detail.knownTools).toEqual(expect.arrayContaining(['search', 'send_email']));
  });

  it('needs an identity on every route (401)', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/flows'],
      ['GET', '/flows/support-agent'],
      ['PUT', '/flows/support-agent', {}],
      ['PUT', '/flows/support-agent?dryRun=true', {}],
      ['POST', '/flows/support-agent/deploy', { revisionId: '1' }],
      ['GET', '/flows/support-agent/revisions'],
    ];
    for (const [method, path, body] of routes) {
      const answer = await call(url, method, path, { body, as: null });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });

  it('refuses to save or deploy for anyone outside the admin group (403), before reading the body', async () => {
    // Prepare
    const { flow } = await currentFlow();

    // Act
    const save = await call(url, 'PUT', '/flows/support-agent', { body: flow, as: APPROVER });
    const deploy = await call(url, 'POST', '/flows/support-agent/deploy', { body: { revisionId: 'x' }, as: APPROVER });
    const malformed = await call(url, 'POST', '/flows/support-agent/deploy', { raw: '{not json', as: OUTSIDER });
    const unknownFlow = await call(url, 'POST', '/flows/no-such-flow/deploy', { body: { revisionId: '1' }, as: OUTSIDER });

    // Assess
    expect(save.status).toBe(403);
    expect(save.body.error.message).toContain('admins');
    expect(deploy.status).toBe(403);
    expect(malformed.status).toBe(403);
    expect(unknownFlow.status).toBe(403);
    expect((await call(url, 'GET', '/flows/support-agent')).body.currentRevision).toBe(1);
  });

  it('shows the revision history to admins only (403 for anyone else, auditors included)', async () => {
    for (const as of [APPROVER, OUTSIDER, AUDITOR]) {
      const answer = await call(url, 'GET', '/flows/support-agent/revisions', { as });
      expect(answer.status, as['x-user']).toBe(403);
      expect(answer.text).not.toContain('"revision"');
    }
    expect((await call(url, 'GET', '/flows/support-agent/revisions', { as: ADMIN })).status).toBe(200);
  });

  it('answers an invalid flow with 400, naming each field', async () => {
    // Prepare
    const { flow } = await currentFlow();
    const badMode = structuredClone(flow);
    badMode.nodes[0].hitl.mode = 'sometimes';
    const noApprovers = structuredClone(flow);
    noApprovers.nodes[0].hitl = { mode: 'blocking', timeoutSeconds: 0 };

    // Act
    const sparse = await call(url, 'PUT', '/flows/support-agent', { body: { nodes: [{ id: 'x', hitl: { mode: 'sometimes' } }] }, as: ADMIN });
    const mode = await call(url, 'PUT', '/flows/support-agent', { body: badMode, as: ADMIN });
    const blocking = await call(url, 'PUT', '/flows/support-agent', { body: noApprovers, as: ADMIN });
    const unknownTool = await call(url, 'PUT', '/flows/support-agent', { body: { ...flow, nodes: [{ ...flow.nodes[0], tools: ['search', 'launch_rockets'] }] }, as: ADMIN });
    const otherId = await call(url, 'PUT', '/flows/support-agent', { body: { ...flow, id: 'policy-review' }, as: ADMIN });

    // Assess
    expect(sparse.status).toBe(400);
    expect(sparse.body.error.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(['name', 'nodes.0.type']));
    expect(mode.status).toBe(400);
    expect(mode.body.error.issues).toEqual([expect.objectContaining({ path: 'nodes.0.hitl.mode' })]);
    expect(blocking.status).toBe(400);
    expect(blocking.body.error.issues.map((i: any) => i.path).sort()).toEqual(['nodes.0.hitl.approvers', 'nodes.0.hitl.timeoutSeconds']);
    expect(unknownTool.status).toBe(400);
    expect(unknownTool.body.error.issues).toEqual([expect.objectContaining({ path: 'nodes.0.tools', message: expect.stringContaining('launch_rockets') })]);
    expect(otherId.status).toBe(400);
    expect(otherId.body.error.issues[0].path).toBe('id');
    expect((await call(url, 'GET', '/flows/support-agent/revisions', { as: ADMIN })).body.items).toHaveLength(1);
  });

  it('checks a flow without saving it (dry run)', async () => {
    const { flow } = await currentFlow('policy-review');
    flow.nodes[0].hitl.timeoutSeconds = 120;

    const ok = await call(url, 'PUT', '/flows/policy-review?dryRun=true', { body: flow, as: ADMIN });
    const notAdmin = await call(url, 'PUT', '/flows/policy-review?dryRun=true', { body: flow, as: APPROVER });
    flow.nodes[0].hitl.onTimeout = 'sometimes';
    const bad = await call(url, 'PUT', '/flows/policy-review?dryRun=true', { body: flow, as: ADMIN });
    const unknownParameter = await call(url, 'PUT', '/flows/policy-review?dry=1', { body: flow, as: ADMIN });

    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, revision: 2, diff: [expect.objectContaining({ path: 'nodes.0.hitl.timeoutSeconds', op: 'changed', after: 120 })] });
    expect(notAdmin.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('nodes.0.hitl.onTimeout');
    expect(unknownParameter.status).toBe(400);
    expect((await call(url, 'GET', '/flows/policy-review')).body.currentRevision).toBe(1);
  });

  it('saves a new revision with who, when and the diff, and keeps the deployed one until deployed', async () => {
    // Prepare
    const { flow } = await currentFlow('support-agent-audited');
    flow.nodes[0].hitl.blockedTools = ['send_*'];
    flow.description = 'No emails.';

    // Act
    const saved = await call(url, 'PUT', '/flows/support-agent-audited', { body: flow, as: ADMIN });
    const again = await call(url, 'PUT', '/flows/support-agent-audited', { body: { ...flow, revision: 2 }, as: ADMIN });
    const stale = await call(url, 'PUT', '/flows/support-agent-audited', { body: { ...flow, revision: 1, name: 'Stale' }, as: ADMIN });
    const detail = await call(url, 'GET', '/flows/support-agent-audited');
    const revisions = await call(url, 'GET', '/flows/support-agent-audited/revisions', { as: ADMIN });
    const audit = await call(url, 'GET', `/audit?execution=${encodeURIComponent('flow:support-agent-audited')}`, { as: AUDITOR });

    // Assess
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ flowId: 'support-agent-audited', created: true, revision: { revision: 2, basedOn: 1, savedBy: 'root', source: 'editor' } });
    expect(saved.body.revision.diff).toEqual([
      { path: 'description', op: 'changed', before: expect.any(String), after: 'No emails.' },
      { path: 'nodes.0.hitl.blockedTools', op: 'changed', before: [], after: ['send_*'] },
    ]);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(stale.status).toBe(409);
    expect(detail.body).toMatchObject({ currentRevision: 2, deployedRevision: 1 });
    expect(revisions.body.items.map((r: any) => r.revision)).toEqual([2, 1]);
    expect(audit.body.items).toEqual([expect.objectContaining({ kind: 'flow_saved', actor: 'root', workflowId: 'support-agent-audited', detail: expect.objectContaining({ revision: 2, basedOn: 1 }) })]);
  });

  it('deploys a revision, rolls back to an older one, and audits both', async () => {
    // Prepare
    const { flow } = await currentFlow('voice-support');
    flow.voice = { holdMessage: 'Please hold while I check.' };
    const saved = await call(url, 'PUT', '/flows/voice-support', { body: flow, as: ADMIN });

    // Act
    const deployed = await call(url, 'POST', '/flows/voice-support/deploy', { body: { revisionId: String(saved.body.revision.revision) }, as: ADMIN });
    const rolledBack = await call(url, 'POST', '/flows/voice-support/deploy', { body: { revisionId: 1 }, as: ADMIN });
    const missing = await call(url, 'POST', '/flows/voice-support/deploy', { body: { revisionId: '99' }, as: ADMIN });
    const junk = await call(url, 'POST', '/flows/voice-support/deploy', { body: { revisionId: 'x' }, as: ADMIN });
    const audit = await call(url, 'GET', `/audit?execution=${encodeURIComponent('flow:voice-support')}`, { as: AUDITOR });

    // Assess
    expect(deployed.status).toBe(200);
    expect(deployed.body).toMatchObject({ flowId: 'voice-support', previousRevision: 1, rolledBack: false, deployment: { revision: 2, deployedBy: 'root', channel: 'voice' } });
    expect(deployed.body.deployment.stateMachineArn).toMatch(/:stateMachine:flow-voice-support-v2$/);
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ previousRevision: 2, rolledBack: true, deployment: { revision: 1 } });
    expect(missing.status).toBe(404);
    expect(junk.status).toBe(400);
    expect(junk.body.error.issues[0].path).toBe('revisionId');
    expect(audit.body.items.map((e: any) => e.kind)).toEqual(['flow_saved', 'flow_deployed', 'flow_rolled_back']);
    expect((await call(url, 'GET', '/audit/verify?execution=flow:voice-support', { as: AUDITOR })).body).toMatchObject({ ok: true });
  });

  it('answers 404 for a flow that does not exist', async () => {
    expect((await call(url, 'GET', '/flows/no-such-flow')).status).toBe(404);
    expect((await call(url, 'GET', '/flows/no-such-flow/revisions', { as: ADMIN })).status).toBe(404);
    // Saving one creates it, so an invalid body is refused as a new flow, and nothing is stored.
    expect((await call(url, 'PUT', '/flows/no-such-flow', { body: { name: 'x', nodes: [] }, as: ADMIN })).status).toBe(400);
    expect((await call(url, 'GET', '/flows/no-such-flow')).status).toBe(404);
    expect((await call(url, 'POST', '/flows/no-such-flow/deploy', { body: { revisionId: '1' }, as: ADMIN })).status).toBe(404);
  });

  it('documents every editor route in the OpenAPI document', async () => {
    const doc = (await call(url, 'GET', '/openapi.json')).body;

    expect(Object.keys(doc.paths['/flows/{flowId}'])).toEqual(expect.arrayContaining(['get', 'put']));
    expect(doc.paths['/flows/{flowId}/deploy'].post.requestBody.content['application/json'].schema.properties.revisionId).toBeDefined();
    expect(stack.app.routes.filter((r) => !r.doc)).toEqual([]);
  });
});
