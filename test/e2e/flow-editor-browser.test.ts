import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { createFlowsModule } from '#local/flows-module';
import { startFlow } from '../support/flows.ts';
import { REQUESTER, call } from '../support/http.ts';

warnIfNoChromium('flow editor browser test');
/** `HITL_UPDATE_DOCS=1` refreshes docs/flow-editor.png from this run. */
const updateDocs = process.env.HITL_UPDATE_DOCS === '1';
const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [channelsModule({ mail: new MemoryMailSender(), env: {} }), createFlowsModule({ outboxDir: mkdtempSync(join(tmpdir(), 'hitl-editor-outbox-')) })],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/**
 * Opens the dashboard's Flows tab signed in as `user`. Page errors and console errors fail the test,
 * except the browser's own note of each 4xx answer, which the editor shows in its status line.
 */
async function openEditor(user: string, groups: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  await page.click('#tab-flows');
  return { page, problems };
}

describe.skipIf(skipBrowserTests)('flow editor in a real browser', () => {
  it('changes a node\'s mode, shows the server\'s validation next to its field, saves and deploys', async () => {
    // Prepare
    const { page, problems } = await openEditor('root', 'admins');
    await page.click('button.item[data-flow-id="support-agent"]');
    const node = page.locator('#flow-graph g[data-node-id="agent"]');
    await node.waitFor();
    const before = await node.locator('.badge-text').textContent();

    // Act: select the node, make it blocking, and clear its approvers (the server refuses that).
    await node.click();
    await page.selectOption('#hitl-mode', 'blocking');
    const drawn = await node.locator('.badge-text').textContent();
    await page.fill('#hitl-approver-groups', '');
    await page.click('#flow-save');
    const approversError = page.locator('.field[data-path="nodes.0.hitl.approvers"] > .field-error');
    await expect.poll(() => approversError.textContent()).toContain('needs at least one approver');
    const invalidNode = await page.locator('#flow-graph g[data-node-id="agent"].invalid').count();

    // Act: fix it, save, deploy.
    await page.fill('#hitl-approver-groups', 'approvers');
    await page.fill('#hitl-blocked', 'send_email');
    await page.click('#flow-save');
    await expect.poll(() => page.textContent('#status')).toContain('Saved revision 2');
    // The editor reloads the flow after a save; its deploy button names revision 2 once it has.
    await page.locator('#flow-deploy', { hasText: 'Deploy revision 2' }).click();
    await page.click('#confirm-ok');
    await expect.poll(() => page.textContent('#status')).toContain('Deployed revision 2');
    await page.locator('#flow-revisions tr[data-revision="2"] strong', { hasText: 'deployed' }).waitFor();
    if (updateDocs) {
      await page.locator('#flow-graph g[data-node-id="agent"]').click();
      await page.screenshot({ path: docs('flow-editor.png'), fullPage: true });
    }

    // Assess
    const flow = (await call(app.url, 'GET', '/flows/support-agent')).body;
    const execution = await startFlow(app, 'support-agent', 'What is your refund policy?');
    const started = (await call(app.url, 'GET', `/executions/${execution}`, { as: REQUESTER })).body;
    expect(before).toBe('confirm_tools');
    expect(drawn).toBe('blocking');
    expect(invalidNode).toBe(1);
    expect(flow).toMatchObject({ currentRevision: 2, deployedRevision: 2, deployedBy: 'root' });
    expect(flow.current.flow.nodes[0].hitl).toMatchObject({ mode: 'blocking', blockedTools: ['send_email'], approvers: { groups: ['approvers'] } });
    expect(flow.current.diff.map((change: { path: string }) => change.path).sort()).toEqual(['nodes.0.hitl.blockedTools', 'nodes.0.hitl.mode']);
    expect(started.revision).toBe(2);
    expect(await page.textContent('#flow-meta')).toContain('deployed revision 2 by root');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the API\'s refusal when someone outside the admin group saves, and no revision history', async () => {
    const { page } = await openEditor('bob', 'approvers');
    await page.click('button.item[data-flow-id="policy-review"]');
    await page.locator('#flow-graph g[data-node-id="answer"]').click();
    expect(await page.textContent('#flow-revisions')).toContain('Only admins see the revision history');
    expect(await page.locator('#flow-revisions tr[data-revision]').count()).toBe(0);
    await page.fill('#hitl-timeout', '600');

    await page.click('#flow-save');

    await expect.poll(() => page.textContent('#status')).toContain('only members of admins');
    expect((await call(app.url, 'GET', '/flows/policy-review')).body.currentRevision).toBe(1);
    await page.close();
  });

  it('flags a bad value next to its field before asking the server', async () => {
    const { page } = await openEditor('root', 'admins');
    await page.click('button.item[data-flow-id="answer-and-forward"]');
    await page.locator('#flow-graph g[data-node-id]').first().waitFor();
    await page.locator('#flow-graph g[data-node-id]').nth(1).click();

    await page.fill('#hitl-timeout', '0');
    await page.click('#flow-save');

    await expect.poll(() => page.textContent('.field[data-path$=".hitl.timeoutSeconds"] > .field-error')).toContain('at least 1');
    expect(await page.textContent('#status')).toContain('Fix the highlighted fields');
    expect((await call(app.url, 'GET', '/flows/answer-and-forward')).body.currentRevision).toBe(1);
    await page.close();
  });
});
