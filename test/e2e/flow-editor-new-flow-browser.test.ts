import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { createFlowsModule } from '#local/flows-module';
import { hasChromium, launchChromium, warnIfNoChromium } from '../support/browser.ts';
import { startFlow } from '../support/flows.ts';
import { ADMIN, call, REQUESTER } from '../support/http.ts';

warnIfNoChromium('new flow in the flow editor');

let app: LocalApp;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [channelsModule({ mail: new MemoryMailSender(), env: {} }), createFlowsModule({ outboxDir: mkdtempSync(join(tmpdir(), 'hitl-new-flow-outbox-')) })],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!hasChromium)('creating a flow in the flow editor', () => {
  it('creates a flow with the tools an admin picks among the registered ones, then saves and deploys it', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${app.url}/`);
    await page.fill('#user', 'root');
    await page.fill('#groups', 'admins');
    await page.click('#identity-form button[type=submit]');
    await page.click('#tab-flows');

    // Act: create, make it blocking, save, deploy.
    await page.click('#flow-new');
    await page.fill('#flow-new-id', 'team-triage');
    await page.fill('#flow-new-name', 'Team triage');
    await page.check('#flow-new-tools input[data-tool="search"]');
    await page.click('#flow-create');
    await expect.poll(() => page.textContent('#status')).toContain('Created team-triage at revision 1');
    await page.locator('#flow-graph g[data-node-id="agent"]').click();
    await page.selectOption('#hitl-mode', 'blocking');
    await page.click('#flow-save');
    await expect.poll(() => page.textContent('#status')).toContain('Saved revision 2');
    // The editor reloads the flow after a save; its deploy button names revision 2 once it has.
    await page.locator('#flow-deploy', { hasText: 'Deploy revision 2' }).click();
    await page.click('#confirm-ok');
    await expect.poll(() => page.textContent('#status')).toContain('Deployed revision 2');

    // Assess
    const flow = (await call(app.url, 'GET', '/flows/team-triage', { as: ADMIN })).body;
    expect(flow).toMatchObject({ name: 'Team triage', currentRevision: 2, deployedRevision: 2 });
    expect(flow.current.flow.nodes).toEqual([expect.objectContaining({ id: 'agent', type: 'agent', tools: ['search'], hitl: expect.objectContaining({ mode: 'blocking' }) })]);
    const executionId = await startFlow(app, 'team-triage', 'What is your refund policy?', REQUESTER);
    expect((await call(app.url, 'GET', `/executions/${executionId}`, { as: ADMIN })).body.revision).toBe(2);
    expect(await page.locator('button.item[data-flow-id="team-triage"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
