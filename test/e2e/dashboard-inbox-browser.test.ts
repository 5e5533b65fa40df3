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
import { call } from '../support/http.ts';

warnIfNoChromium('dashboard inbox browser test');

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [channelsModule({ mail: new MemoryMailSender(), env: {} }), createFlowsModule({ outboxDir: mkdtempSync(join(tmpdir(), 'hitl-inbox-outbox-')) })],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

let runs = 0;
const uniqueWorkflow = (name: string) => `${name}-${++runs}-${Date.now()}`;

/** Opens the dashboard signed in as `user`, then the address `search` (a fast poll, for instance); page errors fail the test. */
async function signIn(user: string, groups: string, search = ''): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  if (search) await page.goto(`${app.url}/${search}`);
  await page.locator('#inbox-updated').filter({ hasText: 'updated' }).waitFor();
  return { page, problems };
}

/** Shows only `workflowId`'s requests, then leaves the select so the shortcut keys act. */
async function onlyWorkflow(page: Page, workflowId: string): Promise<void> {
  await page.locator('#filter-workflow option', { hasText: workflowId }).waitFor({ state: 'attached' });
  await page.selectOption('#filter-workflow', workflowId);
  await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } | null } }).document.activeElement?.blur());
}

const shownIds = (page: Page) => page.locator('#pending-list button.item').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-id')));
const openId = (page: Page) => page.getAttribute('#pending-list button.item[aria-current=true]', 'data-id');
const statusOf = async (id: string) => (await app.deps.store.get(id))?.status;

describe.skipIf(skipBrowserTests)('the approver inbox in a real browser', () => {
  it('is driven by the keyboard: j/k open, ? lists the keys, a approves, r rejects with the typed reason', async () => {
    // Prepare
    const workflowId = uniqueWorkflow('keys');
    await pausedGate(app, { workflowId, args: { to: 'one@example.com', subject: 'Refunds', body: 'Within 30 days.' } });
    await pausedGate(app, { workflowId, args: { to: 'two@example.com', subject: 'Refunds', body: 'Within 30 days.' } });
    const { page, problems } = await signIn('bob', 'approvers');
    await onlyWorkflow(page, workflowId);
    await expect.poll(() => shownIds(page)).toHaveLength(2);
    const [first, second] = (await shownIds(page)) as [string, string];
    // Act: move
    await page.keyboard.press('j');
    await expect.poll(() => openId(page)).toBe(first);
    await page.keyboard.press('j');
    await expect.poll(() => openId(page)).toBe(second);
    await page.keyboard.press('k');
    await expect.poll(() => openId(page)).toBe(first);
    await page.locator('#approve').waitFor();
    // Act: batch toggle
    await page.keyboard.press('x');
    await expect.poll(() => page.isChecked(`#batch-${first}`)).toBe(true);
    await page.keyboard.press('x');
    await expect.poll(() => page.isChecked(`#batch-${first}`)).toBe(false);
    // Act: help
    await page.keyboard.press('?');
    await page.locator('#shortcuts-dialog[open]').waitFor();
    const help = await page.textContent('#shortcuts-dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#shortcuts-dialog[open]').count()).toBe(0);
    // Act: edit, then leave the editor
    await page.keyboard.press('e');
    const editing = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    const untouched = await page.inputValue('#args');
    await page.keyboard.press('a'); // typed into the editor, not a shortcut
    const typed = await page.inputValue('#args');
    await page.locator('#args').fill(untouched);
    await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } | null } }).document.activeElement?.blur());
    // Act: approve the open one, then open the other and reject it
    await page.keyboard.press('a');
    await expect.poll(() => statusOf(first)).toBe('approved');
    await expect.poll(() => shownIds(page)).toEqual([second]);
    await page.keyboard.press('j');
    await expect.poll(() => openId(page)).toBe(second);
    await page.locator('#reason').waitFor();
    await page.keyboard.press('r');
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    await page.keyboard.type('too risky');
    await page.keyboard.press('Enter');
    await page.locator('#confirm-dialog[open]').waitFor();
    await page.click('#confirm-ok');
    // Assess
    expect(help).toContain('approve the open request');
    expect(editing).toBe('args');
    expect(typed.length).toBe(untouched.length + 1);
    expect(focused).toBe('reason');
    await expect.poll(() => statusOf(second)).toBe('rejected');
    expect((await app.deps.store.get(second))?.decision?.reason).toBe('too risky');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by workflow, searches the arguments, and keeps both across the live refresh', async () => {
    // Prepare
    const billing = uniqueWorkflow('billing');
    const support = uniqueWorkflow('support');
    const { request: wanted } = await pausedGate(app, { workflowId: billing, args: { to: 'needle@example.com' } });
    await pausedGate(app, { workflowId: billing, args: { to: 'hay@example.com' } });
    await pausedGate(app, { workflowId: support, args: { to: 'needle@example.com' } });
    const { page, problems } = await signIn('bob', 'approvers', '?pollMs=500');
    // Act
    await onlyWorkflow(page, billing);
    await expect.poll(() => shownIds(page)).toHaveLength(2);
    await page.fill('#inbox-search', 'NEEDLE');
    await expect.poll(() => shownIds(page)).toEqual([wanted.id]);
    await page.click(`button.item[data-id="${wanted.id}"]`);
    const before = await page.textContent('#inbox-updated');
    await expect.poll(() => page.textContent('#inbox-updated'), { timeout: 10_000 }).not.toBe(before);
    // Assess
    expect(await shownIds(page)).toEqual([wanted.id]);
    expect(await openId(page)).toBe(wanted.id);
    expect(await page.inputValue('#filter-workflow')).toBe(billing);
    expect(await page.inputValue('#inbox-search')).toBe('NEEDLE');
    expect(await page.locator('#filter-workflow option', { hasText: support }).count()).toBe(1);
    const item = await page.textContent(`button.item[data-id="${wanted.id}"]`);
    expect(item).toContain('needle@example.com');
    expect(item).toContain(`${billing} / agent`);
    expect(item).toContain('asked by alice');
    expect(item).toMatch(/due in \d+m \d\ds/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows what the caller may not decide read-only, without a batch checkbox', async () => {
    // Prepare
    const workflowId = uniqueWorkflow('mine');
    const { request } = await pausedGate(app, { workflowId, requestedBy: 'alice' });
    // Act
    const { page } = await signIn('alice', 'staff');
    await onlyWorkflow(page, workflowId);
    // Assess
    await expect.poll(() => shownIds(page)).toEqual([request.id]);
    expect(await page.textContent(`button.item[data-id="${request.id}"]`)).toContain('read-only');
    expect(await page.locator('#pending-list .batch-check').count()).toBe(0);
    await page.close();
  });

  it('approves two selected requests in one batch and reports the one another approver decided first', async () => {
    // Prepare
    const workflowId = uniqueWorkflow('batch');
    const { request: taken } = await pausedGate(app, { workflowId });
    const { request: free } = await pausedGate(app, { workflowId });
    const { page, problems } = await signIn('bob', 'approvers');
    await onlyWorkflow(page, workflowId);
    await expect.poll(() => shownIds(page)).toHaveLength(2);
    await page.check('#batch-all');
    const other = await fetch(`${app.url}/approvals/${taken.id}/respond`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': 'dave', 'x-groups': 'approvers' }, body: JSON.stringify({ decision: 'reject', reason: 'first' }) });
    expect(other.status).toBeLessThan(300);
    // Act
    await page.fill('#batch-reason', 'routine');
    await page.click('#batch-approve');
    // Assess
    await page.locator('#batch-results li').nth(1).waitFor();
    expect(await page.textContent(`#batch-results li[data-id="${free.id}"]`)).toContain('approved');
    expect(await page.getAttribute(`#batch-results li[data-id="${taken.id}"]`, 'class')).toBe('error');
    expect(await page.textContent(`#batch-results li[data-id="${taken.id}"]`)).toContain('409');
    expect(await statusOf(free.id)).toBe('approved');
    expect((await app.deps.store.get(taken.id))?.decision?.approver).toBe('dave');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a new request without a reload', async () => {
    // Prepare
    const workflowId = uniqueWorkflow('live');
    const { page, problems } = await signIn('bob', 'approvers', '?pollMs=500');
    await page.fill('#inbox-search', workflowId);
    await page.locator('#pending-list .empty').waitFor();
    // Act
    const { request } = await pausedGate(app, { workflowId });
    // Assess
    await expect.poll(() => shownIds(page), { timeout: 15_000 }).toEqual([request.id]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps the pages opened with More across the live refresh, fresh and without gaps', async () => {
    // Prepare: more pending requests than one page holds
    const workflowId = uniqueWorkflow('pages');
    for (let i = 0; i < 52; i++) await pausedGate(app, { workflowId, args: { to: `r${i}@example.com`, subject: 'Refunds', body: 'Within 30 days.' } });
    const { page, problems } = await signIn('bob', 'approvers', '?pollMs=500');
    await onlyWorkflow(page, workflowId);
    await expect.poll(() => shownIds(page)).toHaveLength(50);
    await page.click('#pending-more');
    await expect.poll(() => shownIds(page)).toHaveLength(52);
    const shown = (await shownIds(page)) as string[];
    const decided = shown.at(-1)!;
    // Act: another approver decides one of the second page's requests
    const answer = await call(app.url, 'POST', `/approvals/${decided}/respond`, { as: { 'x-user': 'erin', 'x-groups': 'approvers' }, body: { decision: 'approve' } });
    expect(answer.status).toBe(200);
    // Assess: the refresh drops exactly that one and keeps the rest of both pages
    await expect.poll(() => shownIds(page), { timeout: 15_000 }).toEqual(shown.filter((id) => id !== decided));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('checks an edit against the tool schema as it is typed, and shows the changes before approving', async () => {
    // Prepare
    const proposed = { orderId: 'A-1001', amount: 40, country: 'DE' };
    const { request } = await pausedGate(app, { toolName: 'refund', args: proposed });
    const { page, problems } = await signIn('bob', 'approvers');
    await page.click(`button.item[data-id="${request.id}"]`);
    await page.locator('#args').waitFor();
    // Act: a bad amount and an unknown argument, typed without approving
    await page.locator('#args').fill(JSON.stringify({ ...proposed, amount: -5, note: 'x' }));
    // Assess
    await expect.poll(() => page.textContent('#args-error')).toContain('amount: must be more than 0');
    expect(await page.textContent('#args-error')).toContain('note: is not an argument of this tool');
    expect(await page.getAttribute('#args', 'aria-invalid')).toBe('true');
    expect(await page.locator('#args-diff').count()).toBe(0);
    // Act: a valid edit
    await page.locator('#args').fill(JSON.stringify({ ...proposed, amount: 25 }));
    // Assess
    await expect.poll(() => page.textContent('#args-diff')).toContain('- amount: 40');
    expect(await page.textContent('#args-diff')).toContain('+ amount: 25');
    expect(await page.textContent('#args-error')).toBe('');
    await page.click('#approve');
    await expect.poll(async () => (await app.deps.store.get(request.id))?.decision?.editedArgs).toEqual({ ...proposed, amount: 25 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the votes so far by whom, and the level with its approvers', async () => {
    // Prepare
    const { request } = await pausedGate(app, { hitl: { quorum: { approvals: 2, rejections: 1 } } });
    const vote = await fetch(`${app.url}/approvals/${request.id}/respond`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': 'dave', 'x-groups': 'approvers' }, body: JSON.stringify({ decision: 'approve', reason: 'fine by me' }) });
    expect(vote.status).toBeLessThan(300);
    const { page, problems } = await signIn('bob', 'approvers');
    // Act
    await page.click(`button.item[data-id="${request.id}"]`);
    await page.locator('#quorum').waitFor();
    // Assess
    const quorum = await page.textContent('#quorum');
    expect(quorum).toContain('1 of 2 approvals');
    expect(quorum).toContain('approve by dave at level 0');
    expect(quorum).toContain('fine by me');
    expect(await page.textContent('#detail .facts')).toContain('Level 0 (first approvers): approvers');
    expect(await page.textContent(`button.item[data-id="${request.id}"]`)).toContain('votes 1 of 2 to approve');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a decided request with its proposed, approved and executed arguments, read-only', async () => {
    // Prepare: the demo agent proposes an email; an approver shortens its body; the tool runs
    const headers = { 'content-type': 'application/json', 'x-user': 'alice', 'x-groups': 'users' };
    const started = await fetch(`${app.url}/flows/support-agent/executions`, { method: 'POST', headers, body: JSON.stringify({ input: { message: 'Email carol@example.com our refund policy' } }) });
    const { executionId } = (await started.json()) as { executionId: string };
    let requestId = '';
    await expect.poll(async () => (requestId = (await app.deps.store.listByExecution(executionId)).find((r) => r.status === 'pending')?.id ?? ''), { timeout: 10_000 }).not.toBe('');
    const request = (await app.deps.store.get(requestId))!;
    const proposed = request.action.kind === 'tool_call' ? request.action.toolCall.args : {};
    const edited = { ...proposed, body: 'Refunds within 30 days.' };
    const approved = await fetch(`${app.url}/approvals/${requestId}/respond`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': 'bob', 'x-groups': 'approvers' }, body: JSON.stringify({ decision: 'approve', editedArgs: edited }) });
    expect(approved.status).toBeLessThan(300);
    await expect.poll(async () => (await app.deps.store.get(requestId))?.events.some((event) => event.type === 'executed'), { timeout: 10_000 }).toBe(true);
    // Act
    const { page, problems } = await signIn('bob', 'approvers');
    await page.goto(`${app.url}/?request=${requestId}`);
    await page.locator('#executed-args').waitFor();
    // Assess
    expect(await page.textContent('#proposed-args')).toContain(String(proposed.body));
    expect(await page.textContent('#approved-args')).toContain('Refunds within 30 days.');
    expect(await page.textContent('#executed-args')).toContain('Refunds within 30 days.');
    expect(await page.locator('#detail textarea, #approve, #reject').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
