import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { decide } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { ADMIN, APPROVER, AUDITOR, call } from '../support/http.ts';
import { gateInput, hitl } from '../support/fixtures.ts';

const KB = 1024;
const PAGE = 50;
const CHECKPOINT_MARK = 'CHECKPOINT-';
const CONVERSATION_MARK = 'CONVERSATION-';
const TOKEN_MARK = 'secret-task-token-';

let app: LocalApp;
const workflowId = `slim-lists-${Date.now()}`;
const stored: ApprovalRequest[] = [];

/** A pending request of 200 KB: a 100 KB checkpoint and a 100 KB conversation. */
function heavyRequest(i: number): ApprovalRequest {
  const input = gateInput({ workflowId });
  const createdAt = new Date(Date.parse('2026-12-01T00:00:00.000Z') + i * 1000).toISOString();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId,
    workflowId,
    nodeId: input.nodeId,
    step: input.step,
    mode: 'confirm_tools',
    channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: { to: `carol${i}@example.com`, body: 'b'.repeat(20 * KB) } } },
    context: { conversation: Array.from({ length: 100 }, () => ({ role: 'user' as const, content: CONVERSATION_MARK.padEnd(KB, '.') })), facts: {} },
    checkpoint: { schemaVersion: 1, stateName: 'Gate', state: { blob: CHECKPOINT_MARK.padEnd(100 * KB, '#') } },
    hitl: hitl(),
    requestedBy: 'alice',
    status: 'pending',
    level: 0,
    createdAt,
    dueAt: new Date(Date.parse(createdAt) + 86_400_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
  for (let i = 0; i < PAGE + 2; i++) {
    const request = heavyRequest(i);
    await app.deps.store.create(request, `${TOKEN_MARK}${i}`);
    stored.push(request);
  }
  const [first, second] = stored;
  await app.deps.store.transition(first, decide(first, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: new Date().toISOString() }));
  await app.deps.store.transition(second, decide(second, { outcome: 'rejected', approver: 'bob', reason: 'r'.repeat(2000), scope: 'once', channel: 'api', decidedAt: new Date().toISOString() }));
}, 60_000);
afterAll(async () => app?.close());

/** Every page of a listing, following nextCursor, with the raw size of each answer. */
async function allPages(path: string, as: Record<string, string>) {
  const pages: { bytes: number; items: { id: string }[] }[] = [];
  let cursor: string | undefined;
  do {
    const answer = await call(app.url, 'GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    expect(answer.status).toBe(200);
    pages.push({ bytes: Buffer.byteLength(answer.text), items: answer.body.items });
    cursor = answer.body.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('list routes answer with summaries', () => {
  it('lists 50 pending requests of 200 KB each in pages of at most 64 KB, without checkpoint, conversation or token', async () => {
    // Act
    const pages = await allPages(`/approvals?workflow=${workflowId}&limit=${PAGE}`, APPROVER);
    // Assess
    const items = pages.flatMap((page) => page.items);
    expect(items).toHaveLength(PAGE);
    expect(new Set(items.map((item) => item.id)).size).toBe(PAGE);
    for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(64 * KB);
    const json = JSON.stringify(items);
    for (const mark of [CHECKPOINT_MARK, CONVERSATION_MARK, TOKEN_MARK]) expect(json).not.toContain(mark);
    expect(items[0]).toMatchObject({ workflowId, status: 'pending', canDecide: true, action: { kind: 'tool_call', tool: 'send_email', argCount: 2 } });
  });

  it('shows the whole request, minus its token, at GET /approvals/{id}', async () => {
    // Act
    const whole = await call(app.url, 'GET', `/approvals/${stored[5].id}`);
    // Assess
    expect(whole.status).toBe(200);
    expect(whole.body.context.conversation).toHaveLength(100);
    expect(whole.body.checkpoint.stateName).toBe('Gate');
    expect(whole.body.canDecide).toBe(true);
    expect(whole.text).not.toContain(TOKEN_MARK);
  });

  it('lists decided requests in the history as summaries with their decision', async () => {
    // Act
    const pages = await allPages(`/history?workflow=${workflowId}&limit=${PAGE}`, AUDITOR);
    // Assess
    const items = pages.flatMap((page) => page.items) as { id: string; decision: { outcome: string; approver: string; reason?: string } }[];
    expect(items.map((item) => item.id).sort()).toEqual([stored[0].id, stored[1].id].sort());
    const rejected = items.find((item) => item.id === stored[1].id)!;
    expect(rejected.decision).toMatchObject({ outcome: 'rejected', approver: 'bob' });
    expect(rejected.decision.reason!.length).toBeLessThan(100);
    const json = JSON.stringify(items);
    for (const mark of [CHECKPOINT_MARK, CONVERSATION_MARK, TOKEN_MARK]) expect(json).not.toContain(mark);
  });

  it('documents the summaries in the OpenAPI document', async () => {
    // Act
    const spec = (await call(app.url, 'GET', '/openapi.json', { as: ADMIN })).body;
    // Assess
    const okOf = (path: string) => JSON.stringify(resolved(spec.paths[path].get.responses['200'], spec.components.schemas));
    const listed = okOf('/approvals');
    expect(listed).toContain('argsPreview');
    expect(listed).not.toContain('checkpoint');
    expect(okOf('/history')).toContain('argsPreview');
    expect(okOf('/history')).not.toContain('checkpoint');
    expect(okOf('/approvals/{id}')).toContain('checkpoint');
    expect(okOf('/approvals/{id}')).not.toContain('argsPreview');
    expect(Object.keys(spec.components.schemas.ApprovalSummary.properties)).not.toContain('checkpoint');
    expect(Object.keys(spec.components.schemas.ApprovalView.properties)).toContain('checkpoint');
  });
});

/** `schema` with every `#/components/schemas/<name>` reference replaced by what it names (shared schemas do not refer to themselves). */
function resolved(schema: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((inner) => resolved(inner, schemas));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return resolved(schemas[ref.slice('#/components/schemas/'.length)], schemas);
  return Object.fromEntries(Object.entries(schema).map(([key, inner]) => [key, resolved(inner, schemas)]));
}
