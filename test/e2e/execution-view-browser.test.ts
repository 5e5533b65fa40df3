import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { createFlowsModule } from '#local/flows-module';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { decide, executionIn, shippedFlows, startFlow } from '../support/flows.ts';

warnIfNoChromium('execution view browser test');

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [
      createFlowsModule({ flows: shippedFlows(), outboxDir: mkdtempSync(join(tmpdir(), 'hitl-exec-view-')), watchFlows: false }),
      channelsModule({ mail: new MemoryMailSender(), env: {} }),
    ],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(page: Page, user: string, groups: string, hash = ''): Promise<void> {
  await page.goto(`${app.url}/${hash}`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
}

describe.skipIf(skipBrowserTests)('the execution view in a real browser', () => {
  it('goes from a request to its execution: the waiting node highlighted, each step\'s input and output on click, then the request again', async () => {
    // Prepare: a two-node flow paused at its second node
    const id = await startFlow(app, 'answer-and-forward', 'What is the refund policy?');
    const waiting = await executionIn(app, id, 'waiting_for_approval');
    const approvalId = waiting.pendingApprovalIds[0];
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page, 'bob', 'approvers', `#request/${approvalId}`);
    // Act: open the execution from the request
    await page.click('a.execution-link');
    await page.locator('#execution-graph').waitFor();
    // Assess: the path and the waiting node
    expect(await page.getAttribute('[data-node-id="answer"]', 'data-status')).toBe('done');
    expect(await page.getAttribute('[data-node-id="forward"]', 'data-status')).toBe('waiting');
    expect(await page.getAttribute('[data-node-id="forward"]', 'aria-pressed')).toBe('true');
    expect(await page.textContent('#execution-status')).toBe('waiting for approval');
    expect(await page.locator('path.edge.taken[data-edge="answer->forward"]').count()).toBe(1);
    // The waiting node lists its request; a click on the first node shows its agent step with input and output
    expect(await page.locator('.approval-links a', { hasText: approvalId }).count()).toBe(1);
    await page.click('[data-node-id="answer"]');
    // The agent's loop enters its state once per model turn: the first turn has the question as input
    const agentStep = page.locator('li.step[data-state="answer.Agent"]').first();
    await agentStep.waitFor();
    expect(await page.locator('li.step[data-state="forward.Gate"]').count()).toBe(0);
    expect(await agentStep.textContent()).toContain('What is the refund policy?');
    expect(await agentStep.locator('h4', { hasText: 'Output' }).count()).toBe(1);
    // Keyboard: Enter on a node selects it
    await page.focus('[data-node-id="forward"]');
    await page.keyboard.press('Enter');
    await page.locator('li.step[data-state="forward.Gate"]').waitFor();
    // Back to the request from the node's link
    await page.click(`.approval-links a:has-text("${approvalId}")`);
    await page.locator('h3', { hasText: 'History' }).waitFor();
    expect(page.url()).toContain(`#request/${approvalId}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a running execution to its end without a reload, and shows the final output', async () => {
    const id = await startFlow(app, 'answer-and-forward', 'Shipping policy?');
    const waiting = await executionIn(app, id, 'waiting_for_approval');
    const page = await browser.newPage();
    await signIn(page, 'alice', 'users', `#execution/${id}`);
    await page.locator('#execution-graph').waitFor();
    expect(await page.getAttribute('[data-node-id="forward"]', 'data-status')).toBe('waiting');
    await decide(app, waiting.pendingApprovalIds[0], { decision: 'approve', reason: 'ok' });
    await expect.poll(() => page.textContent('#execution-status'), { timeout: 30_000 }).toBe('succeeded');
    expect(await page.getAttribute('[data-node-id="forward"]', 'data-status')).toBe('done');
    expect(await page.locator('#execution-output').textContent()).toContain('Here is our');
    await page.close();
  });

  it('says not found to someone who may not read the execution', async () => {
    const id = await startFlow(app, 'answer-and-forward', 'Opening hours?');
    await executionIn(app, id, 'waiting_for_approval');
    const page = await browser.newPage();
    await signIn(page, 'eve', 'users', `#execution/${id}`);
    await expect.poll(() => page.locator('main .error').textContent()).toContain('not found');
    expect(await page.locator('#execution-graph').count()).toBe(0);
    await page.close();
  });
});
