import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { ADMIN, call } from '../support/http.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hitl-tools-'));
const opened: FlowsApp[] = [];
afterAll(async () => {
  for (const stack of opened) await stack.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const tool = {
  description: 'Opens a ticket',
  argsSchema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
  delivery: 'at_most_once',
  http: { method: 'POST', url: 'http://127.0.0.1:9/tickets' },
};

describe('saved tools across a restart', () => {
  it('keeps a saved tool in the data folder, and a deployed flow naming it deploys again on start', async () => {
    // Prepare: save the tool and a flow revision that calls it, deploy it, stop.
    const first = await startFlowsApp(undefined, { app: { dataDir } });
    opened.push(first);
    expect((await call(first.app.url, 'PUT', '/tools/open_ticket', { body: tool, as: ADMIN })).status).toBe(201);
    const current = (await call(first.app.url, 'GET', '/flows/policy-review', { as: ADMIN })).body.current;
    const flow = { ...current.flow, revision: current.revision, nodes: [{ id: 'open', type: 'tool', tool: 'open_ticket', args: { title: 'x' }, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } }] };
    const saved = await call(first.app.url, 'PUT', '/flows/policy-review', { body: flow, as: ADMIN });
    expect(saved.status, saved.text).toBe(201);
    expect((await call(first.app.url, 'POST', '/flows/policy-review/deploy', { body: { revisionId: saved.body.revision.revision }, as: ADMIN })).status).toBe(200);
    await first.close();

    // Act
    const second = await startFlowsApp(undefined, { app: { dataDir } });
    opened.push(second);
    const tools = await call(second.app.url, 'GET', '/tools', { as: ADMIN });
    const described = await call(second.app.url, 'GET', '/flows/policy-review', { as: ADMIN });

    // Assess
    expect(tools.body.items.find((item: { spec: { name: string } }) => item.spec.name === 'open_ticket')).toMatchObject({ source: 'saved', savedBy: 'root' });
    expect(described.body.deployment.revision).toBe(saved.body.revision.revision);
  });
});
