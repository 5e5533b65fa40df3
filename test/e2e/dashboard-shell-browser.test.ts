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
import { pausedGate } from '../support/channels.ts';

warnIfNoChromium('dashboard shell browser test');

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [channelsModule({ mail: new MemoryMailSender(), env: {} }), createFlowsModule({ outboxDir: mkdtempSync(join(tmpdir(), 'hitl-shell-outbox-')) })],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const ARGS = { to: 'carol@example.com', subject: 'Our refund policy', body: 'Refunds within 30 days.' };

/** Opens the dashboard signed in as `user`; page errors are collected to fail the test. */
async function signIn(user: string, groups: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 860 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  return { page, problems };
}

/** How far the page runs past the right edge of the window, in CSS pixels (0: no horizontal scroll). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

describe.skipIf(skipBrowserTests)('the dashboard shell in a real browser', () => {
  it('asks before rejecting, and a cancelled question leaves the request pending', async () => {
    // Prepare
    const { request } = await pausedGate(app, { args: ARGS });
    const { page, problems } = await signIn('bob', 'approvers');
    await page.click(`button.item[data-id="${request.id}"]`);
    // Act
    await page.fill('#reason', 'not now');
    await page.click('#reject');
    const asked = await page.textContent('#confirm-dialog');
    await page.click('#confirm-cancel');
    // Assess
    expect(asked).toContain('Reject this request?');
    expect(asked).toContain('not now');
    await expect.poll(() => page.locator('#confirm-dialog[open]').count()).toBe(0);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    expect(await page.locator('#approve').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reports arguments that are not a JSON object next to the editor, and sends nothing', async () => {
    // Prepare
    const { request } = await pausedGate(app, { args: ARGS });
    const { page } = await signIn('bob', 'approvers');
    await page.click(`button.item[data-id="${request.id}"]`);
    // Act
    await page.locator('#args').fill('{"to": "carol@example.com",');
    await page.click('#approve');
    // Assess
    await expect.poll(() => page.textContent('#args-error')).toContain('not valid JSON');
    expect(await page.getAttribute('#args', 'aria-invalid')).toBe('true');
    expect(await page.locator('.field.has-error #args').count()).toBe(1);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    await page.close();
  });

  it('shows a decided request read-only: proposed and approved arguments, no editor and no buttons', async () => {
    // Prepare
    const { request } = await pausedGate(app, { args: ARGS });
    const { page } = await signIn('bob', 'approvers');
    await page.click(`button.item[data-id="${request.id}"]`);
    await page.locator('#args').fill(JSON.stringify({ ...ARGS, body: 'Refunds within 60 days.' }));
    await page.click('#approve');
    await expect.poll(() => page.textContent('#status')).toContain('approved');
    // Act
    await page.goto(`${app.url}/?request=${request.id}`);
    await page.locator('#approved-args').waitFor();
    // Assess
    expect(await page.locator('#detail textarea, #detail input, #approve, #reject').count()).toBe(0);
    expect(await page.textContent('#proposed-args')).toContain('Refunds within 30 days.');
    expect(await page.textContent('#approved-args')).toContain('Refunds within 60 days.');
    expect(await page.textContent('#detail .outcome')).toContain('approved by bob');
    await page.close();
  });

  it('fits a 390 px wide screen without horizontal scrolling: inbox, request, audit and flow editor', async () => {
    // Prepare
    const { request } = await pausedGate(app, { args: { ...ARGS, body: 'y'.repeat(400) } });
    const { page, problems } = await signIn('root', 'admins,approvers,auditors', 390);
    // Act
    await page.click(`button.item[data-id="${request.id}"]`);
    await page.locator('#detail h3', { hasText: 'History' }).waitFor();
    const inbox = await overflow(page);
    await page.click('#tab-audit');
    await page.locator('#audit-list td').first().waitFor();
    const audit = await overflow(page);
    await page.click('#tab-flows');
    await page.click('button.item[data-flow-id="support-agent"]');
    await page.locator('#node-form').waitFor();
    const editor = await overflow(page);
    // Assess
    expect({ inbox, audit, editor }).toEqual({ inbox: 0, audit: 0, editor: 0 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
