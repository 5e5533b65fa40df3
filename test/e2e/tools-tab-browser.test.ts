import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { createFlowsModule } from '#local/flows-module';
import { startStatusPage } from '../../examples/tools/mcp/server.ts';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';
import { ADMIN, APPROVER, call } from '../support/http.ts';

warnIfNoChromium('tools in the dashboard');

const SECRET = 'tk_live_dashboard_4e1b77c09a';
let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [
      channelsModule({ mail: new MemoryMailSender(), env: {} }),
      createFlowsModule({ outboxDir: mkdtempSync(join(tmpdir(), 'hitl-tools-outbox-')), toolSecrets: new StaticToolSecrets({ 'tickets/api-key': SECRET }) }),
    ],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The Tools tab signed in as `user`; `seen` collects every answer the page received, `problems` its errors. */
async function openTools(user: string, groups: string): Promise<{ page: Page; problems: string[]; seen: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  const seen: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => void response.text().then((text) => seen.push(text), () => undefined));
  await page.goto(`${app.url}/`);
  await page.fill('#user', user);
  await page.fill('#groups', groups);
  await page.click('#identity-form button[type=submit]');
  await page.click('#tab-tools');
  await page.locator('button.item[data-tool="search"]').waitFor();
  return { page, problems, seen };
}

const TICKET_SCHEMA = JSON.stringify({ type: 'object', properties: { title: { type: 'string', maxLength: 80, description: 'One line' } }, required: ['title'], additionalProperties: false });

/** Fills the new-tool form for an HTTP tool whose key header names a secret. */
async function fillHttpTool(page: Page, name: string, url: string, schema: string): Promise<void> {
  await page.click('#tool-new');
  await page.fill('#tool-name', name);
  await page.fill('#tool-description', 'Opens a ticket in the ticket system');
  await page.selectOption('#tool-kind', 'http');
  await page.selectOption('#tool-http-method', 'POST');
  await page.fill('#tool-http-url', url);
  await page.click('#tool-header-add');
  await page.fill('#tool-header-name-0', 'X-Api-Key');
  await page.fill('#tool-header-value-0', 'tickets/api-key');
  await page.fill('#tool-schema', schema);
}

const fieldError = (page: Page, path: string) => page.locator(`.field[data-path="${path}"] > .field-error`);

describe.skipIf(skipBrowserTests)('tools in the dashboard', () => {
  it('lets an admin create an HTTP tool that GET /tools lists and the flow editor offers', async () => {
    // Prepare
    const { page, problems, seen } = await openTools('root', 'admins');
    // Act
    await fillHttpTool(page, 'open_ticket', 'http://127.0.0.1:9/tickets', TICKET_SCHEMA);
    await page.click('#tool-save');
    // Assess: the server's answer is shown: the stored tool, its secret by name, its arguments readable.
    await expect.poll(() => page.textContent('#status')).toContain('Saved tool open_ticket');
    await page.locator('#tool-schema tr[data-argument="title"]').waitFor();
    expect(await page.textContent('#tool-schema tr[data-argument="title"]')).toMatch(/string.*required.*maxLength 80.*One line/);
    expect(await page.textContent('#tool-facts')).toContain('X-Api-Key: from secret tickets/api-key');
    expect(await page.textContent('button.item[data-tool="open_ticket"]')).toContain('http · at_most_once · saved');
    const listed = (await call(app.url, 'GET', '/tools', { as: ADMIN })).body;
    expect(listed.items.find((tool: { spec: { name: string } }) => tool.spec.name === 'open_ticket')).toMatchObject({
      source: 'saved',
      savedBy: 'root',
      spec: { delivery: 'at_most_once', http: { method: 'POST', url: 'http://127.0.0.1:9/tickets', headers: { 'X-Api-Key': { secretRef: 'tickets/api-key' } } } },
    });

    // Act: an edit saves a new version of it.
    await page.click('#tool-edit');
    await page.fill('#tool-description', 'Opens a support ticket');
    await page.click('#tool-save');
    await expect.poll(() => page.textContent('#tool-facts')).toContain('Opens a support ticket');

    // Act: the flow editor's agent node offers it; picking it saves a revision that calls it.
    await page.click('#tab-flows');
    await page.click('button.item[data-flow-id="support-agent"]');
    await page.click('#flow-graph g[data-node-id="agent"]');
    const picker = page.locator('.field[data-path="nodes.0.tools"] input[data-tool="open_ticket"]');
    await picker.check();
    await page.click('#flow-save');
    await expect.poll(() => page.textContent('#status')).toContain('Saved revision');
    // Assess
    const flow = (await call(app.url, 'GET', '/flows/support-agent', { as: ADMIN })).body;
    expect(flow.current.flow.nodes.find((node: { id: string }) => node.id === 'agent').tools).toContain('open_ticket');
    // A tool node picks its one tool from the same list.
    await page.click('button.item[data-flow-id="answer-and-forward"]');
    await page.click('#flow-graph g[data-node-id="forward"]');
    const offered = await page.locator('#node-tool option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(offered).toEqual(expect.arrayContaining(['search', 'send_email', 'open_ticket']));
    expect(await page.locator('#node-tool').inputValue()).toBe('send_email');
    await page.click('#flow-new');
    await page.locator('#flow-new-tools input[data-tool="open_ticket"]').waitFor();
    expect(seen.join('\n')).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows bad JSON, a bad schema, a bad URL and an inline credential next to their fields', async () => {
    // Prepare
    const { page, problems } = await openTools('root', 'admins');
    await fillHttpTool(page, 'bad_tool', 'ftp://tickets.example.com/x', '{"type": "object",');
    // Act: JSON that does not parse is caught before the server is asked.
    await page.click('#tool-save');
    // Assess
    await expect.poll(() => fieldError(page, 'argsSchema').textContent()).toContain('is not valid JSON');
    expect(await page.textContent('#status')).toContain('Fix the highlighted fields first');
    // Act: valid JSON that is no object schema, a URL that is no http(s), a credential typed in.
    await page.fill('#tool-schema', '{"type": "string"}');
    await page.click('#tool-header-add');
    await page.fill('#tool-header-name-1', 'Authorization');
    await page.selectOption('#tool-header-kind-1', 'value');
    await page.fill('#tool-header-value-1', 'Bearer abc');
    await page.click('#tool-save');
    // Assess: the server's issues, each next to its own field.
    await expect.poll(() => fieldError(page, 'argsSchema').textContent()).toContain('"type": "object"');
    expect(await fieldError(page, 'http.url').textContent()).toContain('must be an http(s) URL');
    expect(await fieldError(page, 'http.headers.Authorization').textContent()).toContain('must name a secret');
    expect(await page.textContent('#status')).toContain('shown next to the fields');
    expect((await call(app.url, 'GET', '/tools', { as: ADMIN })).body.items.map((tool: { spec: { name: string } }) => tool.spec.name)).not.toContain('bad_tool');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('creates an MCP tool whose description and argument schema come from its server on save', async () => {
    // Prepare
    const statusPage = await startStatusPage(0);
    const { page, problems } = await openTools('root', 'admins');
    try {
      // Act
      await page.click('#tool-new');
      await page.fill('#tool-name', 'post_status');
      await page.selectOption('#tool-kind', 'mcp');
      await page.fill('#tool-mcp-url', `http://127.0.0.1:${statusPage.port}/mcp`);
      await page.fill('#tool-mcp-tool', 'post_status');
      expect(await page.locator('#tool-schema-from-server').count()).toBe(1);
      await page.click('#tool-save');
      // Assess
      await expect.poll(() => page.textContent('#status')).toContain('Saved tool post_status, with the schema its MCP server lists');
      await page.locator('#tool-schema tr[data-argument="status"]').waitFor();
      expect(await page.textContent('#tool-schema tr[data-argument="status"]')).toContain('one of "operational", "degraded", "outage"');
      expect(await page.textContent('#tool-facts')).toContain('Posts a status update for one component');
      expect(statusPage.calls).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await statusPage.close();
    }
  });

  it('keeps a shipped tool read-only, even for an admin', async () => {
    const { page } = await openTools('root', 'admins');
    await page.click('button.item[data-tool="search"]');
    await page.locator('#tool-readonly').waitFor();
    expect(await page.locator('#tool-edit').count()).toBe(0);
    expect(await page.textContent('#tool-facts')).toContain('shipped with the code (tools/search.json)');
    expect(await page.textContent('#tool-schema tr[data-argument="query"]')).toContain('required');
    await page.close();
  });

  it('shows a non-admin the tools with no edit controls', async () => {
    // Prepare: a saved tool, so there is one an admin could edit.
    const saved = await call(app.url, 'PUT', '/tools/lookup_order', {
      as: ADMIN,
      body: { description: 'Looks up an order', delivery: 'idempotent', readOnly: true, argsSchema: { type: 'object', properties: {} }, http: { method: 'GET', url: 'http://127.0.0.1:9/orders' } },
    });
    expect(saved.status, saved.text).toBe(201);
    const { page, problems } = await openTools('bob', APPROVER['x-groups']);
    // Act
    await page.click('button.item[data-tool="lookup_order"]');
    await page.locator('#tool-facts').waitFor();
    // Assess
    expect(await page.textContent('#tool-facts')).toContain('HTTP GET http://127.0.0.1:9/orders');
    expect(await page.locator('#tool-new, #tool-edit, #tool-form, #tool-save').count()).toBe(0);
    expect((await call(app.url, 'GET', '/tools', { as: APPROVER })).body.canSave).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
