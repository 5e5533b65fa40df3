import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { pausedGate } from '../support/channels.ts';
import { APPROVER } from '../support/http.ts';

warnIfNoChromium('dashboard delegation browser test');

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

/** A page signed in as `user` (local mode), watching for script errors. */
async function signIn(user: string, groups: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  await page.locator('#status', { hasText: `Signed in as ${user}` }).waitFor();
  return { page, problems };
}

async function openOutOfOffice(page: Page): Promise<void> {
  await page.click('#tab-delegation');
  await page.locator('#delegation-current p').waitFor();
}

/** A request at which bob is the only approver. */
const onlyBob = () => pausedGate(app, { requestedBy: 'alice', hitl: { approvers: { users: ['bob'], groups: [] } } });

async function openRequest(page: Page, id: string): Promise<void> {
  await page.evaluate(`location.hash = '#request/${encodeURIComponent(id)}'`);
}

describe.skipIf(skipBrowserTests)('out of office in a real browser', () => {
  it('lets bob name erin, erin decide on his behalf, and bob end it so erin no longer can', async () => {
    // Prepare
    const { request } = await onlyBob();
    const bob = await signIn('bob', 'approvers');
    await openOutOfOffice(bob.page);
    const noneBefore = await bob.page.textContent('#delegation-current');

    // Act: bob names erin
    await bob.page.fill('#delegation-delegate', 'erin');
    await bob.page.click('#delegation-save');
    await bob.page.locator('#delegation-end').waitFor();
    const shown = await bob.page.textContent('#delegation-current');

    // Act: erin approves bob's request
    const erin = await signIn('erin', 'users');
    await openRequest(erin.page, request.id);
    await erin.page.click('#approve');
    await expect.poll(() => erin.page.textContent('#status')).toContain('approved');
    const decided = (await (await fetch(`${app.url}/approvals/${request.id}`, { headers: APPROVER })).json()) as { decision: { approver: string; onBehalfOf?: string } };

    // Act: bob ends the delegation, confirming
    await bob.page.click('#delegation-end');
    await bob.page.click('#confirm-ok');
    await bob.page.locator('#delegation-current', { hasText: 'no delegate' }).waitFor();
    const stored = await app.deps.delegations!.get('bob');
    const { request: later } = await onlyBob();
    await openRequest(erin.page, later.id);
    await erin.page.locator('main p.error', { hasText: 'not found' }).waitFor();
    const approveAfterEnd = await erin.page.locator('#approve').count();

    // Assess
    expect(noneBefore).toContain('no delegate');
    expect(shown).toContain('erin');
    expect(decided.decision).toMatchObject({ approver: 'erin', onBehalfOf: 'bob' });
    expect(stored).toBeUndefined();
    expect(approveAfterEnd).toBe(0);
    expect([...bob.problems, ...erin.problems]).toEqual([]);
    await bob.page.close();
    await erin.page.close();
  });

  it("shows the API's refusal of an unknown delegate next to the delegate field", async () => {
    // Prepare
    const { page, problems } = await signIn('bob', 'approvers');
    await openOutOfOffice(page);
    // Act
    await page.fill('#delegation-delegate', 'nobody-here');
    await page.click('#delegation-save');
    // Assess
    await expect.poll(() => page.textContent('.field[data-path="delegate"] .field-error')).toBe('not in the directory');
    expect(await page.getAttribute('.field[data-path="delegate"]', 'class')).toContain('has-error');
    expect(await app.deps.delegations!.get('bob')).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });
});
