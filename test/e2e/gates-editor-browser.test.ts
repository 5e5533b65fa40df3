import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { gatesModule } from '#local/gates-module';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { ADMIN, call } from '../support/http.ts';

warnIfNoChromium('gates in the dashboard');

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail: new MemoryMailSender(), env: {} }), gatesModule({ env: {} })] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openGate(user: string, groups: string, gateId: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  await page.click('#tab-gates');
  await page.click(`button.item[data-gate-id="${gateId}"]`);
  await page.locator('#gate-form').waitFor();
  return { page, problems };
}

describe.skipIf(skipBrowserTests)('gates in the dashboard', () => {
  it('shows the server\'s refusal next to its field, then saves the next revision of a gate', async () => {
    // Prepare
    const { page, problems } = await openGate('root', 'admins', 'refund-approval');
    // Act: no approvers (refused), then approvers again and a new timeout.
    await page.fill('#hitl-approver-groups', '');
    await page.click('#gate-save');
    const approversError = page.locator('.field[data-path="hitl.approvers"] > .field-error');
    await expect.poll(() => approversError.textContent()).toContain('needs at least one approver');
    await page.fill('#hitl-approver-groups', 'approvers, finance');
    await page.fill('#hitl-timeout', '900');
    await page.click('#gate-save');
    await expect.poll(() => page.textContent('#status')).toContain('Saved revision 2 of refund-approval');
    await page.locator('#gate-revisions td', { hasText: 'root' }).waitFor();
    // Assess
    const gate = (await call(app.url, 'GET', '/gates/refund-approval', { as: ADMIN })).body;
    expect(gate.revision).toBe(2);
    expect(gate.gate.hitl).toMatchObject({ timeoutSeconds: 900, approvers: { groups: ['approvers', 'finance'] } });
    expect(await page.textContent('#gate-meta')).toContain('Revision 2');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('offers a gate only the modes that wait for a person', async () => {
    const { page } = await openGate('bob', 'approvers', 'refund-approval');
    const modes = await page.locator('#hitl-mode option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(modes).toEqual(['blocking', 'confirm_tools']);
    await page.close();
  });
});
