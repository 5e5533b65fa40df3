import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { launchChromium, settledOnceLoaded, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { executionIn, startFlow } from '../support/flows.ts';

warnIfNoChromium('dashboard accessibility and layout browser test');

let app: LocalApp;
let browser: Browser;
let executionId: string;
let approvalId: string;

let signedIn: string;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({ sweepIntervalMs: 0, dataDir: mkdtempSync(join(tmpdir(), 'hitl-a11y-')) });
  browser = await launchChromium();
  executionId = await startFlow(app, 'answer-and-forward', 'What is the refund policy?');
  approvalId = (await executionIn(app, executionId, 'waiting_for_approval')).pendingApprovalIds[0];
  signedIn = await signInOnce();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Every view of the page, each opened the way a person would. */
const VIEWS: Record<string, (page: Page) => Promise<void>> = {
  'pending, with a request open': async (page) => {
    await page.click(`button.item[data-id="${approvalId}"]`);
    await page.locator('h3', { hasText: 'History' }).first().waitFor();
  },
  'pending, with a batch selected and the shortcuts listed': async (page) => {
    await page.check(`#batch-${approvalId}`);
    await page.locator('#batch-approve').waitFor();
    await page.click('#shortcuts-open');
    await page.locator('#shortcuts-dialog[open]').waitFor();
  },
  history: async (page) => page.click('#tab-history'),
  audit: async (page) => page.click('#tab-audit'),
  stats: async (page) => page.click('#tab-stats'),
  flows: async (page) => page.click('#tab-flows'),
  'flows, with its tool picker': async (page) => {
    await page.click('#tab-flows');
    await page.click('button.item[data-flow-id="support-agent"]');
    await page.locator('.field[data-path="nodes.0.tools"]').waitFor();
  },
  'tools, with a tool open': async (page) => {
    await page.click('#tab-tools');
    await page.click('button.item[data-tool="search"]');
    await page.locator('#tool-schema').waitFor();
  },
  'tools, the new tool form': async (page) => {
    await page.click('#tab-tools');
    await page.click('#tool-new');
    await page.click('#tool-header-add');
    await page.locator('#tool-form').waitFor();
  },
  'out of office, with a delegate named': async (page) => {
    await page.click('#tab-delegation');
    await page.locator('#delegation-current p').waitFor();
    await page.fill('#delegation-delegate', 'bob');
    await page.click('#delegation-save');
    await page.locator('#delegation-end').waitFor();
  },
  execution: async (page) => {
    await page.evaluate(`location.hash = '#execution/${encodeURIComponent(executionId)}'`);
    await page.locator('#execution-graph').waitFor();
  },
  'request by address': async (page) => {
    await page.evaluate(`location.hash = '#request/${encodeURIComponent(approvalId)}'`);
    await page.locator('h3', { hasText: 'History' }).first().waitFor();
  },
};

/**
 * Signs in through the identity form once and returns a script that puts what it stored back into
 * the page's storage before the page's own scripts run: each view's fresh context starts signed in.
 * (Playwright's `storageState` option does the same through an extra page per context, which costs
 * more than the view.)
 */
async function signInOnce(): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  await page.fill('#user', 'root');
  await page.fill('#groups', 'admins,approvers');
  await page.click('#identity-form button[type=submit]');
  await page.locator(`button.item[data-id="${approvalId}"]`).waitFor();
  const { origins } = await context.storageState();
  await context.close();
  const origin = new URL(app.url).origin;
  const stored = origins.find((entry) => entry.origin === origin)?.localStorage ?? [];
  expect(stored).not.toEqual([]);
  return `if (location.origin === ${JSON.stringify(origin)}) for (const { name, value } of ${JSON.stringify(stored)}) localStorage.setItem(name, value);`;
}

async function openAs(width: number, view: (page: Page) => Promise<void>): Promise<{ page: Page; problems: string[] }> {
  // A fresh context per view, so no view inherits another's state; axe reads the page through it.
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.addInitScript(signedIn);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const settled = settledOnceLoaded(page);
  await page.goto(`${app.url}/`);
  await page.locator(`button.item[data-id="${approvalId}"]`).waitFor();
  await view(page);
  await settled();
  return { page, problems };
}

describe.skipIf(skipBrowserTests)('the dashboard for everyone, on every screen', () => {
  for (const [name, view] of Object.entries(VIEWS)) {
    it(`${name}: axe finds no serious or critical violation at 1440 px`, async () => {
      const { page, problems } = await openAs(1440, view);
      // Every rule runs; only the violations are gathered in full, as only they are checked.
      const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
      const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it(`${name}: fits 390 px without scrolling sideways`, async () => {
      const { page, problems } = await openAs(390, view);
      // What runs past the right edge, outside the boxes that scroll on their own (graphs, tables).
      const overflow = await page.evaluate(`(() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > width + 1 && !element.closest('.graph, .table-wrap'));
        return { by: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5).map((element) => element.tagName.toLowerCase() + '.' + element.className) };
      })()`);
      expect(overflow).toEqual({ by: 0, wide: [] });
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }
});
