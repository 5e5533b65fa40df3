import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { createFlowsModule } from '#local/flows-module';
import { FLOWS_DIR } from '#statemachines/flows';
import { ADMIN, call } from '../support/http.ts';

const root = mkdtempSync(join(tmpdir(), 'hitl-flow-files-restart-'));
const flowsDir = join(root, 'flows');
const dataDir = join(root, 'data');
cpSync(FLOWS_DIR, flowsDir, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The server as `npm start` runs it on a data folder, reading `flowsDir`, without watching it. */
function start(): Promise<LocalApp> {
  return startLocalApp({ dataDir, sweepIntervalMs: 0, modules: [createFlowsModule({ flowsDir, watchFlows: false, outboxDir: join(root, 'outbox') })] });
}

function renameFlow(id: string, name: string): void {
  const path = join(flowsDir, `${id}.json`);
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), name }));
}

describe('flow files changed while the server is stopped', () => {
  it('deploy the changed file of a flow nobody edited at the next start, and leave a flow edited in the editor alone', async () => {
    // Prepare: a first run seeds and deploys the files; an admin edits policy-review in the editor.
    const first = await start();
    const edited = (await call(first.url, 'GET', '/flows/policy-review', { as: ADMIN })).body.current.flow;
    expect((await call(first.url, 'PUT', '/flows/policy-review', { body: { ...edited, description: 'edited in the editor' }, as: ADMIN })).status).toBe(201);
    expect((await call(first.url, 'POST', '/flows/policy-review/deploy', { body: { revisionId: 2 }, as: ADMIN })).status).toBe(200);
    await first.close();

    // Act: both files change, then the server starts again.
    renameFlow('support-agent', 'Support agent, renamed in its file');
    renameFlow('policy-review', 'Policy review, renamed in its file');
    const second = await start();
    const supportAgent = (await call(second.url, 'GET', '/flows/support-agent', { as: ADMIN })).body;
    const policyReview = (await call(second.url, 'GET', '/flows/policy-review', { as: ADMIN })).body;
    await second.close();

    // Assess
    expect(supportAgent).toMatchObject({ currentRevision: 2, deployedRevision: 2, current: { source: 'shipped', flow: { name: 'Support agent, renamed in its file' } } });
    expect(policyReview).toMatchObject({ currentRevision: 2, deployedRevision: 2, current: { source: 'editor' } });
  });
});
