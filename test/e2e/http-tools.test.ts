import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import { decide, executionIn, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { ADMIN, APPROVER, call, eventually } from '../support/http.ts';

interface Received {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const SECRET = 'tk_live_7f3a9c2e51d0b8';
const received: Received[] = [];
let tickets: Server;
let stack: FlowsApp;
const logged: string[] = [];

beforeAll(async () => {
  tickets = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk)).on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body });
      // An endpoint that echoes what it got must not make the secret show up anywhere either.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ticket: 'T-1', echoed: req.headers['x-api-key'] === SECRET ? 'key ok' : 'key missing' }));
    });
  });
  await new Promise<void>((resolve) => tickets.listen(0, '127.0.0.1', resolve));
  // Log lines go to the console or straight to stdout/stderr (the structured logger).
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      original(...args);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      logged.push(String(chunk));
      return original(chunk as string, ...rest);
    }) as typeof stream.write);
  }
  stack = await startFlowsApp(undefined, { module: { toolSecrets: new StaticToolSecrets({ 'tickets/api-key': SECRET }) } });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.close();
  tickets?.close();
});
afterEach(() => {
  received.length = 0;
});

function ticketTool(url: string, extra: Record<string, unknown> = {}) {
  return {
    description: 'Opens a ticket in the ticket system',
    argsSchema: { type: 'object', properties: { title: { type: 'string', maxLength: 80 } }, required: ['title'], additionalProperties: false },
    delivery: 'at_most_once',
    http: { method: 'POST', url, headers: { 'X-Api-Key': { secretRef: 'tickets/api-key' } }, timeoutMs: 2_000 },
    ...extra,
  };
}

/** Saves the policy-review flow as one gated tool node calling `tool` with `args`, and deploys it. */
async function deployToolFlow(tool: string, args: Record<string, unknown>): Promise<void> {
  const current = (await call(stack.app.url, 'GET', '/flows/policy-review', { as: ADMIN })).body.current;
  const flow = {
    ...current.flow,
    revision: current.revision,
    nodes: [{ id: 'open', type: 'tool', tool, args, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } }],
    edges: [],
  };
  const saved = await call(stack.app.url, 'PUT', '/flows/policy-review', { body: flow, as: ADMIN });
  expect(saved.status, saved.text).toBe(201);
  const deployed = await call(stack.app.url, 'POST', '/flows/policy-review/deploy', { body: { revisionId: saved.body.revision.revision }, as: ADMIN });
  expect(deployed.status, deployed.text).toBe(200);
}

function ticketsUrl(): string {
  return `http://127.0.0.1:${(tickets.address() as AddressInfo).port}/tickets`;
}

describe('HTTP tools saved through the API', () => {
  it('calls the endpoint exactly once, after the approval, with the arguments, the idempotency key and the secret header', async () => {
    // Prepare
    const savedTool = await call(stack.app.url, 'PUT', '/tools/open_ticket', { body: ticketTool(ticketsUrl()), as: ADMIN });
    const listed = await call(stack.app.url, 'GET', '/tools', { as: ADMIN });
    await deployToolFlow('open_ticket', { title: 'Printer on fire' });

    // Act
    const executionId = await startFlow(stack.app, 'policy-review', 'open a ticket');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 20_000);
    const callsBeforeApproval = received.length;
    const approved = await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const done = await executionIn(stack.app, executionId, 'succeeded', 20_000);

    // Assess
    expect(savedTool.status, savedTool.text).toBe(201);
    expect(listed.body.items.map((item: { spec: { name: string } }) => item.spec.name)).toEqual(expect.arrayContaining(['search', 'open_ticket']));
    expect(callsBeforeApproval).toBe(0);
    expect(approved.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('POST');
    expect(JSON.parse(received[0]!.body)).toEqual({ title: 'Printer on fire' });
    expect(received[0]!.headers['idempotency-key']).toBe(waiting.pendingApprovalIds[0]);
    expect(received[0]!.headers['x-api-key']).toBe(SECRET);
    expect(JSON.stringify(done)).toContain('T-1');
  });

  it('gives the agent a clear tool error when the endpoint is down, audits it, and finishes the execution', async () => {
    // Prepare: a tool whose endpoint listens nowhere.
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const saved = await call(stack.app.url, 'PUT', '/tools/open_ticket_down', { body: ticketTool(`http://127.0.0.1:${port}/tickets`), as: ADMIN });
    expect(saved.status, saved.text).toBe(201);
    await deployToolFlow('open_ticket_down', { title: 'Printer on fire' });

    // Act
    const executionId = await startFlow(stack.app, 'policy-review', 'open a ticket');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 20_000);
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const done = await executionIn(stack.app, executionId, 'succeeded', 20_000);
    const audit = await call(stack.app.url, 'GET', `/audit?execution=${encodeURIComponent(executionId)}`, { as: ADMIN });

    // Assess
    expect(JSON.stringify(done.conversation)).toContain(`open_ticket_down could not be reached (127.0.0.1:${port})`);
    const results = audit.body.items.filter((entry: { kind: string }) => entry.kind === 'tool_result');
    expect(results).toHaveLength(1);
    expect(results[0].detail.outcome).toEqual({ status: 'error', error: expect.stringContaining('could not be reached') });
  });

  it("refuses an approver's edited arguments that fail the tool's JSON Schema, and runs nothing", async () => {
    // Prepare
    await deployToolFlow('open_ticket', { title: 'Printer on fire' });
    const executionId = await startFlow(stack.app, 'policy-review', 'open a ticket');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 20_000);

    // Act
    const edited = await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve', editedArgs: { title: 'x'.repeat(81) } });

    // Assess
    expect(edited.status, edited.text).toBe(400);
    expect(edited.text).toContain('editedArgs.title');
    expect(received).toHaveLength(0);
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'reject', reason: 'test over' });
  });

  it('asks a person about an at_most_once call whose endpoint never answered, instead of calling it again or calling it failed', async () => {
    // Prepare: an endpoint that accepts the request and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/tickets`;
    const saved = await call(stack.app.url, 'PUT', '/tools/open_ticket_slow', { body: ticketTool(url, { http: { method: 'POST', url, timeoutMs: 300 } }), as: ADMIN });
    expect(saved.status, saved.text).toBe(201);
    await deployToolFlow('open_ticket_slow', { title: 'Printer on fire' });

    // Act
    const executionId = await startFlow(stack.app, 'policy-review', 'open a ticket');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 20_000);
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve' });
    const question = await eventually(async () => {
      const view = (await call(stack.app.url, 'GET', `/executions/${executionId}`, { as: ADMIN })).body;
      return view.pendingApprovalIds?.find((id: string) => id !== waiting.pendingApprovalIds[0]);
    }, 20_000, 'a question about the lost answer');
    const asked = await call(stack.app.url, 'GET', `/approvals/${question}`, { as: APPROVER });
    await decide(stack.app, question, { decision: 'reject', reason: 'checked the ticket system: no ticket' });
    const done = await executionIn(stack.app, executionId, 'succeeded', 20_000);
    silent.closeAllConnections();
    silent.close();

    // Assess
    expect(JSON.stringify(asked.body)).toContain('open_ticket_slow did not answer within 300 ms');
    expect(JSON.stringify(asked.body)).toContain('may or may not have happened');
    expect(JSON.stringify(done.conversation)).toContain('may or may not have happened');
  });

  it('refuses arguments that fail the tool schema before any approval is asked', async () => {
    // Prepare
    await deployToolFlow('open_ticket', { title: 'x'.repeat(81) });

    // Act
    const executionId = await startFlow(stack.app, 'policy-review', 'open a ticket');
    const done = await executionIn(stack.app, executionId, 'succeeded', 20_000);

    // Assess
    expect(done.approvals).toEqual([]);
    expect(JSON.stringify(done.conversation)).toContain('invalid arguments for open_ticket');
    expect(received).toHaveLength(0);
  });

  it('never shows the secret value in a response, the audit log or a log line', async () => {
    // Prepare: every earlier test ran with the secret header; read everything an admin can read.
    const reads = [
      await call(stack.app.url, 'GET', '/tools', { as: ADMIN }),
      await call(stack.app.url, 'PUT', '/tools/open_ticket', { body: ticketTool(ticketsUrl(), { description: 'Opens a ticket (v2)' }), as: ADMIN }),
      await call(stack.app.url, 'GET', '/flows/policy-review/revisions', { as: ADMIN }),
      await call(stack.app.url, 'GET', '/audit?limit=200', { as: ADMIN }),
      await call(stack.app.url, 'GET', '/audit?execution=tool%3Aopen_ticket', { as: ADMIN }),
      await call(stack.app.url, 'GET', '/executions?limit=50', { as: ADMIN }),
      await call(stack.app.url, 'GET', '/approvals?limit=50', { as: APPROVER }),
    ];

    // Assess
    expect(reads[1]!.status).toBe(200);
    expect(reads[4]!.body.items.some((entry: { kind: string }) => entry.kind === 'tool_saved')).toBe(true);
    for (const read of reads) expect(read.text).not.toContain(SECRET);
    for (const line of logged) expect(line).not.toContain(SECRET);
  });

  it('refuses a credential header given inline, and a save by someone outside the admins', async () => {
    const inline = await call(stack.app.url, 'PUT', '/tools/leaky', { body: ticketTool(ticketsUrl(), { http: { method: 'POST', url: ticketsUrl(), headers: { Authorization: `Bearer ${SECRET}` } } }), as: ADMIN });
    const outsider = await call(stack.app.url, 'PUT', '/tools/sneaky', { body: ticketTool(ticketsUrl()), as: APPROVER });
    const shipped = await call(stack.app.url, 'PUT', '/tools/refund', { body: ticketTool(ticketsUrl()), as: ADMIN });

    expect(inline.status).toBe(400);
    expect(inline.text).toContain('http.headers.Authorization');
    expect(inline.text).not.toContain(SECRET);
    expect(outsider.status).toBe(403);
    expect(shipped.status).toBe(400);
  });
});
