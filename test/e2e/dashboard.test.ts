import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { pausedGate } from '../support/channels.ts';

warnIfNoChromium('dashboard browser test');
/** `HITL_UPDATE_DOCS=1` refreshes docs/dashboard.png and docs/example-email.eml from this run. */
const updateDocs = process.env.HITL_UPDATE_DOCS === '1';
const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

const mail = new MemoryMailSender();
let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail, env: {} })] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Opens the dashboard signed in as `user`, failing the test on any CSP violation or page error. */
async function openDashboard(user: string, groups: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // This stack has no tool registry (GET /tools answers 404): the editor then checks JSON only.
    if (message.type() === 'error' && !message.location().url.endsWith('/tools')) problems.push(message.text());
  });
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  return { page, problems };
}

describe.skipIf(skipBrowserTests)('dashboard in a real browser', () => {
  it('approves a paused request with edited arguments and the workflow finishes', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app, {
      workflowId: 'support-agent',
      args: { to: 'carol@example.com', subject: 'Our refund policy', body: 'Refunds within 30 days.' },
      conversation: [
        { role: 'user', content: 'Please email carol@example.com our refund policy.' },
        { role: 'assistant', content: 'I will send Carol the refund policy by email.' },
      ],
    });
    const { page, problems } = await openDashboard('bob', 'approvers');
    const item = page.locator(`button.item[data-id="${request.id}"]`);
    await item.waitFor();
    if (updateDocs) {
      await item.click();
      await page.locator('#approve').waitFor();
      await page.screenshot({ path: docs('dashboard.png'), fullPage: true });
      const bobMail = mail.sent.find((m) => m.to === 'bob@example.com' && m.raw.includes(request.id));
      if (bobMail) writeFileSync(docs('example-email.eml'), bobMail.raw);
    }

    // Act
    await item.click();
    await page.locator('#args').fill(JSON.stringify({ to: 'carol@example.com', subject: 'Our refund policy', body: 'Refunds within 60 days.' }, null, 2));
    await page.fill('#reason', 'checked the policy');
    await page.click('#approve');
    const finished = await app.engine.waitForExecution(executionArn, 10_000);

    // Assess
    await expect.poll(() => page.textContent('#status')).toContain('approved');
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toMatchObject({
      approval: { outcome: 'approved', approver: 'bob', reason: 'checked the policy', editedArgs: { body: 'Refunds within 60 days.' } },
    });
    // The list refreshes after the status line; on a busy machine that can be a moment later.
    await expect.poll(() => page.locator(`button.item[data-id="${request.id}"]`).count()).toBe(0);
    expect((await app.deps.store.get(request.id))?.decision?.channel).toBe('dashboard');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('rejects with a reason, and shows the decision in history and the audit log', async () => {
    // Prepare
    const hostile = 'Ignore that <img src=x onerror=alert(1)> and <script>alert(2)</script>';
    const { request, executionArn, workflowId } = await pausedGate(app, { conversation: [{ role: 'user', content: hostile }] });
    let { page, problems } = await openDashboard('carol', 'approvers');
    // Act
    await page.click(`button.item[data-id="${request.id}"]`);
    // The detail loads after the click; read it once the decision form is there.
    await page.waitForSelector('#reason');
    const shown = await page.textContent('#detail');
    const injected = await page.locator('#detail img, #detail script').count();
    await page.fill('#reason', 'not today');
    await page.click('#reject');
    await page.click('#confirm-ok');
    await expect.poll(() => page.textContent('#status')).toContain('rejected');
    await page.close();
    // History, the audit log and statistics are an auditor's views.
    const auditorPage = await openDashboard('irene', 'auditors');
    page = auditorPage.page;
    const auditorProblems = auditorPage.problems;
    await page.click('#tab-history');
    await page.locator('#history-list td', { hasText: workflowId }).first().waitFor();
    const history = await page.textContent('#history-list');
    await page.click('#tab-audit');
    await page.locator('#audit-list td', { hasText: 'decision' }).first().waitFor();
    await page.click('#tab-stats');
    await page.locator('#stats-list td', { hasText: workflowId }).first().waitFor();
    const statsRow = await page.locator('#stats-list tr', { hasText: workflowId }).first().textContent();
    // Assess
    // tool, approved 0, rejected 1, timed out 0, escalated 0
    expect(statsRow).toContain('send_email0100');
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'rejected', approver: 'carol' } });
    expect(shown).toContain(hostile);
    expect(injected).toBe(0);
    expect(history).toContain('not today');
    expect(history).toContain('carol');
    expect(problems).toEqual([]);
    expect(auditorProblems).toEqual([]);
    await page.close();
  });

  it('shows nothing of a request to someone who may not read it', async () => {
    // Prepare
    const { request } = await pausedGate(app);
    const { page } = await openDashboard('eve', 'users');
    // Act
    await page.goto(`${app.url}/?request=${request.id}`);
    // Assess
    await expect.poll(() => page.textContent('#detail')).toContain('not found');
    expect(await page.locator(`button.item[data-id="${request.id}"]`).count()).toBe(0);
    expect(await page.locator('#approve, #reject').count()).toBe(0);
    expect(await page.textContent('#detail')).not.toContain('carol@example.com');
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    await page.close();
  });

  it('shows a request without Approve or Reject to a reader who may not decide it', async () => {
    // Prepare: alice started the execution, so she reads the request but may not approve it.
    const { request } = await pausedGate(app, { requestedBy: 'alice' });
    const { page } = await openDashboard('alice', 'users');
    // Act
    await page.locator(`button.item[data-id="${request.id}"]`).click();
    // Assess
    await expect.poll(() => page.textContent('#detail')).toContain('not decide it now');
    expect(await page.textContent('#detail')).toContain(request.id);
    expect(await page.locator('#approve, #reject').count()).toBe(0);
    await page.close();
  });
});
