import '../local/polyfills.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startLocalApp, type LocalApp } from '../local/app.ts';

/**
 * `npm run screenshots`: starts the local stack with demo requests, opens the dashboard in headless
 * Chromium and writes the README's pictures into docs/: the inbox with a request open and the
 * execution view at 1440 px, the flow editor, and the inbox at 390 px.
 */
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUESTER = { 'x-user': 'alice', 'x-groups': 'users' };
const ADMIN = { 'x-user': 'root', 'x-groups': 'admins,approvers' };

const DEMO_MESSAGES = [
  ['support-agent', 'Email carol@example.com our refund policy'],
  ['support-agent', 'Email dave@example.com the shipping times to Germany'],
  ['answer-and-forward', 'What is the refund policy?'],
] as const;

async function api(app: LocalApp, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const response = await fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Polls until `probe` gives a value, for at most `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts the demo flows and waits until each one waits for an approval; returns the first execution id. */
async function seed(app: LocalApp): Promise<{ executionId: string; approvalId: string }> {
  const executions: string[] = [];
  for (const [flowId, message] of DEMO_MESSAGES) {
    executions.push((await api(app, 'POST', `/flows/${flowId}/executions`, REQUESTER, { input: { message } })).executionId);
  }
  const waiting = await eventually(
    async () => {
      const page = await api(app, 'GET', '/approvals?limit=50', ADMIN);
      return page.items.length >= DEMO_MESSAGES.length ? page.items : undefined;
    },
    20_000,
    'the demo requests',
  );
  const first = executions[0]!;
  const approval = waiting.find((item: { executionId: string }) => item.executionId === first) ?? waiting[0];
  return { executionId: approval.executionId, approvalId: approval.id };
}

async function signedIn(page: Page, app: LocalApp): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.fill('#user', ADMIN['x-user']);
  await page.fill('#groups', ADMIN['x-groups']);
  await page.click('#identity-form button[type=submit]');
  await page.locator('#inbox-updated', { hasText: 'updated' }).waitFor();
}

async function openRequest(page: Page, approvalId: string): Promise<void> {
  await page.click(`button.item[data-id="${approvalId}"]`);
  await page.locator('#detail h3', { hasText: 'History' }).waitFor();
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hitl-screenshots-'));
  const app = await startLocalApp({ dataDir, sweepIntervalMs: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const { executionId, approvalId } = await seed(app);
    const wide = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signedIn(wide, app);
    await openRequest(wide, approvalId);
    await wide.screenshot({ path: join(DOCS, 'dashboard.png') });

    await wide.evaluate(`location.hash = '#execution/${encodeURIComponent(executionId)}'`);
    await wide.locator('#execution-graph').waitFor();
    await wide.screenshot({ path: join(DOCS, 'execution-view.png') });

    await wide.evaluate(`location.hash = ''`);
    await wide.click('#tab-flows');
    await wide.click('button.item[data-flow-id="support-agent"]');
    await wide.locator('#node-form').waitFor();
    await wide.screenshot({ path: join(DOCS, 'flow-editor.png') });

    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signedIn(narrow, app);
    await openRequest(narrow, approvalId);
    // The list, then the open request below it: the top of the page, longer than one screen.
    await narrow.screenshot({ path: join(DOCS, 'dashboard-mobile.png'), fullPage: true, clip: { x: 0, y: 0, width: 390, height: 1400 } });
    console.log('wrote docs/dashboard.png, docs/execution-view.png, docs/flow-editor.png, docs/dashboard-mobile.png');
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
