import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowInput } from '#core/flow';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '#local/app';
import { createFlowsModule, type FlowsModuleOptions } from '#local/flows-module';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { loadFlowFiles } from '../../statemachines/flows.ts';
import { ADMIN, APPROVER, REQUESTER, call, eventually } from './http.ts';

/** The flows shipped in statemachines/flows/. */
export function shippedFlows(): FlowInput[] {
  return loadFlowFiles([...DEMO_TOOL_NAMES]);
}

/** A one-node agent flow with the demo tools, for tests that need their own HITL settings. */
export function agentFlow(id: string, hitl: Record<string, unknown>, extra: Partial<FlowInput> = {}): FlowInput {
  return {
    id,
    name: id,
    nodes: [{ id: 'agent', type: 'agent', tools: ['search', 'send_email'], hitl: hitl as never }],
    ...extra,
  };
}

export interface FlowsApp {
  readonly app: LocalApp;
  readonly outbox: string;
  close(): Promise<void>;
}

/** The local stack with only the flows module, its outbox in a temp folder unless given. */
export async function startFlowsApp(
  flows: FlowInput[] = shippedFlows(),
  options: { app?: LocalAppOptions; module?: FlowsModuleOptions } = {},
): Promise<FlowsApp> {
  const outbox = options.module?.outboxDir ?? mkdtempSync(join(tmpdir(), 'hitl-test-outbox-'));
  const app = await startLocalApp({ sweepIntervalMs: 0, ...options.app, modules: [createFlowsModule({ flows, outboxDir: outbox, ...options.module })] });
  return { app, outbox, close: () => app.close() };
}

/** Starts a flow as the requester over HTTP and returns the execution id. */
export async function startFlow(app: LocalApp, flowId: string, message: string, as = REQUESTER): Promise<string> {
  const started = await call(app.url, 'POST', `/flows/${flowId}/executions`, { body: { input: { message } }, as });
  if (started.status !== 201) throw new Error(`start ${flowId}: ${started.status} ${started.text}`);
  return started.body.executionId;
}

/** Polls GET /executions/{id} until it shows `status`; as an admin by default, who sees every approval of it. */
export async function executionIn(app: LocalApp, executionId: string, status: string, timeoutMs = 5_000, as = ADMIN): Promise<any> {
  let last: any;
  try {
    return await eventually(async () => {
      last = (await call(app.url, 'GET', `/executions/${executionId}`, { as })).body;
      return last?.status === status ? last : undefined;
    }, timeoutMs, `execution ${executionId} to be ${status}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)?.slice(0, 600)}`);
  }
}

/** Approves or rejects over HTTP as the approver. */
export function decide(app: LocalApp, approvalId: string, body: Record<string, unknown>, as = APPROVER) {
  return call(app.url, 'POST', `/approvals/${approvalId}/respond`, { body, as });
}

/** The `.eml` files in an outbox addressed to `address` (the `To:` header). */
export function mailsTo(outbox: string, address: string): string[] {
  let files: string[];
  try {
    files = readdirSync(outbox).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
  const to = new RegExp(`^to:.*${address.replace(/[.+]/g, '\\$&')}`, 'im');
  return files.map((file) => readFileSync(join(outbox, file), 'utf8')).filter((raw) => to.test(raw));
}

/** The assistant's last words in a conversation. */
export function lastAssistantText(execution: { conversation: { role: string; content: string }[] }): string {
  return execution.conversation.filter((turn) => turn.role === 'assistant').at(-1)?.content ?? '';
}
