/**
 * Runs one "Bring your own tools" example end to end against the local API: starts the example's
 * small server on loopback, saves its tool (PUT /tools/{name}) and its flow (PUT /flows/{id}),
 * deploys the flow, starts it, and waits at the approval. Nothing is called before a person approves.
 *
 *   npm start                                        # in one terminal
 *   npx tsx examples/tools/run.ts http|mcp|lambda    # in another; approve in the dashboard or with the printed curl
 *   npx tsx examples/tools/run.ts http --approve     # approves as bob itself
 *
 * HITL_URL points elsewhere than http://127.0.0.1:3000.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExampleServer } from './example-server.ts';
import { startTicketSystem } from './http/server.ts';
import { startFunctionStandIn } from './lambda/function.ts';
import { startStatusPage } from './mcp/server.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ADMIN = { 'x-user': 'root', 'x-groups': 'admins' };
const REQUESTER = { 'x-user': 'alice', 'x-groups': 'users' };
const APPROVER = { 'x-user': 'bob', 'x-groups': 'approvers' };

export const EXAMPLES = {
  http: { tool: 'open_ticket', start: startTicketSystem },
  mcp: { tool: 'post_status', start: startStatusPage },
  lambda: { tool: 'issue_credit', start: startFunctionStandIn },
} as const;
export type ExampleKind = keyof typeof EXAMPLES;

export interface ExampleOptions {
  /** The approvals API. @default HITL_URL, else http://127.0.0.1:3000 */
  readonly baseUrl?: string;
  /** Where the example's server listens; 0 picks a free port. @default the port in tool.json */
  readonly port?: number;
  /** Approve as bob instead of waiting for a person. @default false */
  readonly approve?: boolean;
  readonly log?: (line: string) => void;
  /** How long to wait for the approval and the run. @default 10 minutes */
  readonly timeoutMs?: number;
}

export interface ExampleResult {
  readonly executionId: string;
  readonly approvalId: string;
  /** Calls the tool's server had received while the flow waited for approval (none). */
  readonly callsBeforeApproval: number;
  /** Every call the server received, in order. */
  readonly calls: unknown[];
  /** The execution as GET /executions/{id} shows it at the end. */
  readonly execution: { status: string } & Record<string, unknown>;
}

function readJson(kind: ExampleKind, file: string): Record<string, any> {
  return JSON.parse(readFileSync(join(HERE, kind, file), 'utf8')) as Record<string, any>;
}

/** The tool spec with its loopback URL moved to the port the server really listens on. */
function onPort(spec: Record<string, any>, port: number): Record<string, any> {
  const withPort = (url: string) => Object.assign(new URL(url), { port: String(port) }).toString();
  if (spec.http) return { ...spec, http: { ...spec.http, url: withPort(spec.http.url) } };
  if (spec.mcp) return { ...spec, mcp: { ...spec.mcp, url: withPort(spec.mcp.url) } };
  return { ...spec, lambda: { ...spec.lambda, localUrl: withPort(spec.lambda.localUrl) } };
}

function portOf(spec: Record<string, any>): number {
  return Number(new URL(spec.http?.url ?? spec.mcp?.url ?? spec.lambda.localUrl).port);
}

async function api(baseUrl: string, method: string, path: string, as: Record<string, string>, body?: unknown): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function executionIn(baseUrl: string, executionId: string, done: (execution: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await api(baseUrl, 'GET', `/executions/${executionId}`, ADMIN);
    if (done(execution)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} is still ${execution.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs the example `kind`; see the top of this file. */
export async function runToolExample(kind: ExampleKind, options: ExampleOptions = {}): Promise<ExampleResult> {
  const baseUrl = options.baseUrl ?? process.env.HITL_URL ?? 'http://127.0.0.1:3000';
  const log = options.log ?? ((line: string) => console.log(line));
  const timeoutMs = options.timeoutMs ?? 600_000;
  const { tool, start } = EXAMPLES[kind];
  const spec = readJson(kind, 'tool.json');
  const flow = readJson(kind, 'flow.json');
  const server: ExampleServer = await start(options.port ?? portOf(spec));
  try {
    log(`${kind}: the tool's server listens on 127.0.0.1:${server.port}`);
    await api(baseUrl, 'PUT', `/tools/${tool}`, ADMIN, onPort(spec, server.port));
    const saved = await api(baseUrl, 'PUT', `/flows/${flow.id}`, ADMIN, flow);
    await api(baseUrl, 'POST', `/flows/${flow.id}/deploy`, ADMIN, { revisionId: saved.revision.revision });
    log(`${kind}: saved tool ${tool} and flow ${flow.id} (revision ${saved.revision.revision}), deployed`);

    const { executionId } = await api(baseUrl, 'POST', `/flows/${flow.id}/executions`, REQUESTER, { input: { message: 'go' } });
    const waiting = await executionIn(baseUrl, executionId, (execution) => execution.status === 'waiting_for_approval', 30_000);
    const approvalId = waiting.pendingApprovalIds[0] as string;
    const callsBeforeApproval = server.calls.length;
    if (options.approve) {
      await api(baseUrl, 'POST', `/approvals/${approvalId}/respond`, APPROVER, { decision: 'approve', reason: 'example' });
    } else {
      log(`${kind}: waiting for approval ${approvalId}; the tool has not been called. Approve in the dashboard (${baseUrl}/dashboard) or with:`);
      log(`  curl -s -X POST ${baseUrl}/approvals/${approvalId}/respond -H 'x-user: bob' -H 'x-groups: approvers' -H 'content-type: application/json' -d '{"decision":"approve"}'`);
    }
    const execution = await executionIn(baseUrl, executionId, (current) => !['running', 'waiting_for_approval'].includes(current.status), timeoutMs);
    log(`${kind}: execution ${execution.status}; the tool's server received ${JSON.stringify(server.calls)}`);
    return { executionId, approvalId, callsBeforeApproval, calls: [...server.calls], execution };
  } finally {
    await server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kind = process.argv[2] as ExampleKind;
  if (!(kind in EXAMPLES)) {
    console.error(`usage: npx tsx examples/tools/run.ts ${Object.keys(EXAMPLES).join('|')} [--approve]`);
    process.exit(2);
  }
  await runToolExample(kind, { approve: process.argv.includes('--approve') });
}
