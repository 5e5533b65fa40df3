import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { hitl } from '../support/fixtures.ts';
import { decisionLinksIn, decodeQuotedPrintable } from '../support/channels.ts';
import { call, eventually, REQUESTER } from '../support/http.ts';

// The handlers log at their most verbose here, so the log searched below holds all they would write.
const previousLogLevel = vi.hoisted(() => {
  const previous = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  return previous;
});

const ADMIN_APPROVER = { 'x-user': 'root', 'x-groups': 'approvers,admins' };

let app: LocalApp;
let dataDir: string;
const log: string[] = [];
const restores: (() => void)[] = [];

/** Everything the process prints from here on, through the console or straight to stdout and stderr. */
function captureLog(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      log.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg) ?? String(arg))).join(' '));
    };
    restores.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      log.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    restores.push(() => (stream.write = original));
  }
}

beforeAll(async () => {
  captureLog();
  dataDir = mkdtempSync(join(tmpdir(), 'hitl-token-secrecy-'));
  app = await startLocalApp({ dataDir, sweepIntervalMs: 0 });
});
afterAll(async () => {
  await app?.close();
  for (const restore of restores.splice(0).reverse()) restore();
  if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file in the outbox: the agent's emails and the approvers' notices, with their signed links. */
function outbox(): string[] {
  const folder = join(dataDir, 'outbox');
  return readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8'));
}

describe('task tokens stay on the server', () => {
  it('never shows a task token\'s value in any API response, the outbox, the audit export or the log', async () => {
    // Prepare: a flow paused at its email gate, and an approval-gate execution paused at its gate
    const started = await call(app.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: 'Email carol@example.com our refund policy' } }, as: REQUESTER });
    expect(started.status).toBe(201);
    const workflowId = `token-secrecy-${Date.now()}`;
    await app.engine.startExecution(app.stateMachines.approvalGate, {
      workflowId, nodeId: 'send', step: '1', channel: 'async', hitl: hitl(),
      action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: { to: 'carol@example.com', subject: 'Refunds', body: 'Within 30 days.' } } },
      context: { conversation: [{ role: 'user', content: 'Email carol our refund policy' }], facts: {} },
      requestedBy: 'alice', gateTimeoutSeconds: 3600,
    });
    const pending = await eventually(async () => {
      const page = await call(app.url, 'GET', '/approvals?limit=100', { as: ADMIN_APPROVER });
      const listed = (page.body.items ?? []) as { id: string }[];
      const items = await Promise.all(listed.map(async (item) => (await call(app.url, 'GET', `/approvals/${item.id}`, { as: ADMIN_APPROVER })).body as { id: string; executionId: string; events: { type: string }[] }));
      const settled = items.filter((item) => item.events.some((e) => e.type === 'notified'));
      return settled.length === 2 ? settled : undefined;
    }, 20_000, 'both gates to pause and notify');
    const tokens = await Promise.all(pending.map(async (request) => (await app.deps.store.getTaskToken(request.id))!));
    expect(tokens.every((token) => typeof token === 'string' && token.length >= 32)).toBe(true);
    const [flowRequest, gateRequest] = pending[0].executionId.includes(workflowId) ? [pending[1], pending[0]] : [pending[0], pending[1]];
    const link = decisionLinksIn(outbox().find((message) => decodeQuotedPrintable(message).includes('/links/'))!).approve.replace(app.url, '');

    // Act: every GET route, while pending and once decided, and the decisions' own answers
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const enc = encodeURIComponent;
    // A delegation to read back, so GET /delegations/{userId} answers with one
    expect((await call(app.url, 'PUT', '/delegations/root', { body: { delegate: 'bob', from, until: to }, as: ADMIN_APPROVER })).status).toBe(200);
    const reads = (id: string, executionId: string): Record<string, string[]> => ({
      '/': ['/'],
      '/openapi.json': ['/openapi.json'],
      '/approvals': ['/approvals?limit=100', `/approvals?workflow=${enc(workflowId)}`],
      '/approvals/{id}': [`/approvals/${enc(id)}`],
      '/approvals/{id}/events': [`/approvals/${enc(id)}/events`],
      '/approvals/{id}/decision': [`/approvals/${enc(id)}/decision?waitSeconds=0`],
      '/gates': ['/gates'],
      '/gates/{gateId}': ['/gates/refund-approval'],
      '/gates/{gateId}/revisions': ['/gates/refund-approval/revisions'],
      '/delegations/{userId}': ['/delegations/root'],
      '/tools': ['/tools'],
      '/history': ['/history?limit=100'],
      '/audit': [`/audit?execution=${enc(executionId)}`, '/audit?limit=100'],
      '/audit/verify': [`/audit/verify?execution=${enc(executionId)}`],
      '/audit/export': [`/audit/export?from=${enc(from)}&to=${enc(to)}`],
      '/stats': [`/stats?from=${enc(from)}&to=${enc(to)}`],
      '/flows': ['/flows'],
      '/flows/{flowId}': ['/flows/support-agent'],
      '/flows/{flowId}/revisions': ['/flows/support-agent/revisions'],
      '/executions/{id}': [`/executions/${enc(started.body.executionId)}`],
      '/executions/{id}/graph': [`/executions/${enc(started.body.executionId)}/graph`],
      '/links/{token}': [link],
    });
    const texts: string[] = [];
    const readAll = async (decided: boolean) => {
      for (const request of [flowRequest, gateRequest]) {
        for (const path of Object.values(reads(request.id, request.executionId)).flat()) {
          const response = await call(app.url, 'GET', path, { as: ADMIN_APPROVER });
          // A used link's page says the request is decided (410); every other read answers 200.
          expect(response.status, `GET ${path}`).toBe(decided && path === link ? 410 : 200);
          texts.push(response.text);
        }
      }
    };
    await readAll(false);
    const decided = await call(app.url, 'POST', `/approvals/${gateRequest.id}/respond`, { body: { decision: 'approve', reason: 'fine' }, as: ADMIN_APPROVER });
    const batch = await call(app.url, 'POST', '/approvals/batch-respond', { body: { decisions: [{ id: flowRequest.id, decision: 'reject', reason: 'not now' }] }, as: ADMIN_APPROVER });
    texts.push(decided.text, batch.text);
    await readAll(true);

    // Assess: every GET route was read, and no token's value appears anywhere
    const routes = app.routes.filter((route) => route.method === 'GET').map((route) => route.path);
    expect(routes.filter((path) => !(path in reads('', '')))).toEqual([]);
    expect([decided.status, batch.status]).toEqual([200, 200]);
    const exported = texts.filter((text) => text.includes('"kind":"decision"'));
    expect(exported.length).toBeGreaterThan(0);
    const places = { 'API responses': texts.join('\n'), outbox: outbox().map((message) => `${message}\n${decodeQuotedPrintable(message)}`).join('\n'), log: log.join('\n') };
    expect(places.log).toContain(gateRequest.id);
    for (const token of tokens) {
      for (const [place, text] of Object.entries(places)) expect(text.includes(token), `a task token in the ${place}`).toBe(false);
    }
  });
});
