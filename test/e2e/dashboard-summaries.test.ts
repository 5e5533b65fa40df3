import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { pausedGate } from '../support/channels.ts';

warnIfNoChromium('dashboard summaries browser test');

let app: LocalApp;
let browser: Browser;
beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail: new MemoryMailSender(), env: {} })] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const MARKUP = '<img src=x onerror="window.__owned=1">';

describe.skipIf(skipBrowserTests)('the dashboard list of summaries', () => {
  it('previews arguments as text, loads the whole request when opened, and approves from there', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app, {
      args: { to: MARKUP, subject: 'Our refund policy', body: 'x'.repeat(5000) },
      conversation: [{ role: 'user', content: 'Please email carol the CONVERSATION-ONLY-IN-DETAIL policy.' }],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${app.url}/`);
    await page.fill('#user', 'bob');
    await page.fill('#groups', 'approvers');
    await page.click('#identity-form button[type=submit]');
    const item = page.locator(`button.item[data-id="${request.id}"]`);
    await item.waitFor({ timeout: 8_000 });

    // Act
    const listed = await item.textContent();
    const detailBefore = await page.textContent('#detail');
    await item.click();
    await page.locator('#approve').waitFor({ timeout: 8_000 });
    const detail = await page.textContent('#detail');
    const args = await page.inputValue('#args');
    await page.click('#approve');
    const finished = await app.engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(listed).toContain(`to: ${MARKUP}`);
    expect(listed).not.toContain('x'.repeat(100));
    expect(detailBefore ?? '').not.toContain('CONVERSATION-ONLY-IN-DETAIL');
    expect(detail).toContain('CONVERSATION-ONLY-IN-DETAIL');
    expect(JSON.parse(args)).toEqual({ to: MARKUP, subject: 'Our refund policy', body: 'x'.repeat(5000) });
    expect(await page.evaluate(() => (globalThis as { __owned?: number }).__owned)).toBeUndefined();
    expect(await page.locator('#pending-list img').count()).toBe(0);
    expect(finished.status).toBe('SUCCEEDED');
    expect(problems).toEqual([]);
  });
});
