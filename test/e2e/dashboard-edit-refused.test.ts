import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { hasChromium, launchChromium, warnIfNoChromium } from '../support/browser.ts';
import { pausedGate } from '../support/channels.ts';

warnIfNoChromium('dashboard edit refusal test');

let app: LocalApp;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail: new MemoryMailSender(), env: {} })] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!hasChromium)('dashboard edit flow', () => {
  it('shows the policy that refuses edited arguments, and the request stays pending', async () => {
    // Prepare
    const noOutsideMail = { id: 'mail-inside-only', tools: ['send_email'], when: '!args.to.endsWith("@example.com")', effect: 'deny' as const, reason: 'Mail stays inside example.com.' };
    const { request } = await pausedGate(app, {
      hitl: { policies: [noOutsideMail] },
      args: { to: 'carol@example.com', subject: 'Our refund policy', body: 'Refunds within 30 days.' },
    });
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.fill('#user', 'bob');
    await page.fill('#groups', 'approvers');
    await page.click('#identity-form button[type=submit]');
    await page.goto(`${app.url}/?request=${request.id}`);
    // Act
    await page.locator('#args').fill(JSON.stringify({ to: 'carol@elsewhere.test', subject: 'Our refund policy', body: 'Refunds within 30 days.' }));
    await page.click('#approve');
    // Assess
    await expect.poll(() => page.textContent('#status')).toContain('mail-inside-only');
    expect(await page.getAttribute('#status', 'class')).toContain('error');
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    await page.close();
  });
});
