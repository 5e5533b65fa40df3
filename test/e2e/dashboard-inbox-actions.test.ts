import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { hasChromium, launchChromium, warnIfNoChromium } from '../support/browser.ts';
import { pausedGate } from '../support/channels.ts';

warnIfNoChromium('dashboard inbox actions browser test');

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

async function openRequest(user: string, groups: string, id: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  await page.click(`button.item[data-id="${id}"]`);
  await page.locator('#detail h3', { hasText: 'History' }).waitFor();
  return { page, problems };
}

describe.skipIf(!hasChromium)('dashboard inbox actions in a real browser', () => {
  it('offers the approver Extend but not Cancel, and moves the deadline', async () => {
    // Prepare
    const { request } = await pausedGate(app, { requestedBy: 'alice' });
    const { page, problems } = await openRequest('bob', 'approvers', request.id);
    // Act
    const cancelOffered = await page.locator('#cancel').count();
    await page.fill('#extend-minutes', '10');
    await page.click('#extend');
    // Assess
    await expect.poll(() => page.textContent('#status')).toContain('Now due');
    expect(cancelOffered).toBe(0);
    expect(Date.parse((await app.deps.store.get(request.id))!.dueAt) - Date.parse(request.dueAt)).toBe(600_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('offers the requester Cancel but not Extend, and the workflow gets the cancellation with the reason', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app, { requestedBy: 'alice' });
    const { page, problems } = await openRequest('alice', 'users', request.id);
    // Act
    const extendOffered = await page.locator('#extend').count();
    await page.fill('#cancel-reason', 'asked by mistake');
    await page.click('#cancel');
    await page.click('#confirm-ok');
    const finished = await app.engine.waitForExecution(executionArn, 10_000);
    // Assess
    await expect.poll(() => page.textContent('#status')).toContain('cancelled');
    expect(extendOffered).toBe(0);
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toMatchObject({ approval: { outcome: 'cancelled', approver: 'alice', reason: 'asked by mistake' } });
    expect(problems).toEqual([]);
    await page.close();
  });
});
