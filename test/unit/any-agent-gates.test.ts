import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRequestId, AgentRequestBodySchema, assertWebhookUrl, bodyHashOf } from '#core/agent-request';
import { decisionView, mayReadDecision } from '#core/decision-view';
import { ValidationError } from '#core/errors';
import { parseGate } from '#core/gate';
import { MAX_WEBHOOK_ATTEMPTS, retryDelaySeconds, WEBHOOK_RETRY_DELAYS_SECONDS } from '#core/webhook-backoff';
import { signWebhook, verifyWebhook } from '#core/webhook-signature';
import { assertAgent, callerIdentityOf, IAM_CALLERS_GROUP } from '../../lambdas/handlers/http/agent-identity.ts';
import { loadGateFiles, SHIPPED_GATE_FILES, shippedGates } from '../../lambdas/gates/gate-files.ts';
import { agentGateRequest } from '../support/fixtures.ts';

const body = (amount: number) =>
  AgentRequestBodySchema.parse({ action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args: { orderId: 'A-1', amount } } }, context: { conversation: [{ role: 'user', content: 'refund A-1' }] } });

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 as v1=<hex>', () => {
    // Prepare
    const secret = 'a-secret-of-enough-length-0123456789';
    const expected = createHmac('sha256', secret).update('1700000000.{"id":"x"}').digest('hex');

    // Act
    const signature = signWebhook(secret, 1_700_000_000, '{"id":"x"}');

    // Assess
    expect(signature).toBe(`v1=${expected}`);
  });

  it('verifies its own signature and refuses another body, another secret or an old timestamp', () => {
    // Prepare
    const now = new Date('2026-12-05T00:00:00Z');
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = signWebhook('secret-one', timestamp, '{"a":1}');
    const headers = { timestamp: String(timestamp), signature };

    // Act & Assess
    expect(verifyWebhook('secret-one', headers, '{"a":1}', now)).toBe(true);
    expect(verifyWebhook('secret-one', headers, '{"a":2}', now)).toBe(false);
    expect(verifyWebhook('secret-two', headers, '{"a":1}', now)).toBe(false);
    expect(verifyWebhook('secret-one', headers, '{"a":1}', new Date(now.getTime() + 301_000))).toBe(false);
  });
});

describe('the webhook retry schedule', () => {
  it('retries after 1 s, 5 s and 30 s first, then waits longer each time', () => {
    expect(WEBHOOK_RETRY_DELAYS_SECONDS.slice(0, 3)).toEqual([1, 5, 30]);
    for (let i = 1; i < WEBHOOK_RETRY_DELAYS_SECONDS.length; i++) expect(WEBHOOK_RETRY_DELAYS_SECONDS[i]).toBeGreaterThan(WEBHOOK_RETRY_DELAYS_SECONDS[i - 1]);
  });

  it('keeps retrying for at least 24 hours, then gives up', () => {
    // Act
    const total = WEBHOOK_RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);

    // Assess
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(retryDelaySeconds(1)).toBe(1);
    expect(retryDelaySeconds(MAX_WEBHOOK_ATTEMPTS - 1)).toBeDefined();
    expect(retryDelaySeconds(MAX_WEBHOOK_ATTEMPTS)).toBeUndefined();
  });
});

describe('idempotency of agent requests', () => {
  it('derives one request id per caller, gate and key', () => {
    expect(agentRequestId('agent-a', 'refund-approval', 'k1')).toBe(agentRequestId('agent-a', 'refund-approval', 'k1'));
    expect(agentRequestId('agent-a', 'refund-approval', 'k1')).not.toBe(agentRequestId('agent-b', 'refund-approval', 'k1'));
    expect(agentRequestId('agent-a', 'refund-approval', 'k1')).not.toBe(agentRequestId('agent-a', 'other-gate', 'k1'));
    expect(agentRequestId('agent-a', 'refund-approval', 'k1')).toMatch(/^apr_[A-Za-z0-9]{26}$/);
  });

  it('hashes a body independently of key order, and differently for other arguments', () => {
    // Prepare
    const reordered = AgentRequestBodySchema.parse({ context: { conversation: [{ content: 'refund A-1', role: 'user' }] }, action: { toolCall: { args: { amount: 20, orderId: 'A-1' }, name: 'refund', id: 'c1' }, kind: 'tool_call' } });

    // Act & Assess
    expect(bodyHashOf(reordered)).toBe(bodyHashOf(body(20)));
    expect(bodyHashOf(body(21))).not.toBe(bodyHashOf(body(20)));
  });
});

describe('webhook URLs', () => {
  const field = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return (error as ValidationError).issues?.[0]?.path;
    }
    return undefined;
  };

  it('must be https on AWS, naming callback.url otherwise', () => {
    expect(field(() => assertWebhookUrl('http://receiver.example.com/hook', 'https'))).toBe('callback.url');
    expect(field(() => assertWebhookUrl('https://receiver.example.com/hook', 'https'))).toBeUndefined();
    expect(field(() => assertWebhookUrl('https://user:pw@receiver.example.com/hook', 'https'))).toBe('callback.url');
  });

  it('must point at this machine in local mode', () => {
    expect(field(() => assertWebhookUrl('http://127.0.0.1:4000/hook', 'loopback'))).toBeUndefined();
    expect(field(() => assertWebhookUrl('http://localhost:4000/hook', 'loopback'))).toBeUndefined();
    expect(field(() => assertWebhookUrl('https://receiver.example.com/hook', 'loopback'))).toBe('callback.url');
  });
});

describe('gate files', () => {
  it('ships refund-approval: blocking, group approvers, 30 minutes, no policies', async () => {
    // Act
    const gate = (await shippedGates()).find((g) => g.id === 'refund-approval');

    // Assess
    expect(gate?.hitl).toMatchObject({ mode: 'blocking', approvers: { groups: ['approvers'] }, timeoutSeconds: 1800, policies: [] });
  });

  it('bundles exactly the files of gates/', async () => {
    expect(SHIPPED_GATE_FILES.map((entry) => entry.file).sort()).toEqual((await loadGateFiles()).map((gate) => `${gate.id}.json`));
    expect(await shippedGates()).toEqual(await loadGateFiles());
  });

  it('refuses a gate that would not wait for anyone, naming hitl.mode', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'gates-'));
    writeFileSync(join(dir, 'lax.json'), JSON.stringify({ id: 'lax', name: 'Lax', hitl: { mode: 'audit' } }));

    // Act & Assess
    await expect(loadGateFiles(dir)).rejects.toThrow(/gates\/lax\.json: .*hitl\.mode/);
    expect(() => parseGate({ id: 'other', name: 'x', hitl: { mode: 'blocking', approvers: { groups: ['a'] } } }, 'lax.json')).toThrow(/file name/);
  });
});

describe('reading a decision', () => {
  const request = agentGateRequest();

  it('lets the creating agent, the approvers and admins read it, and nobody else', () => {
    expect(mayReadDecision({ userId: 'agent-a', groups: ['agents'] }, request, ['admins'])).toBe(true);
    expect(mayReadDecision({ userId: 'bob', groups: ['approvers'] }, request, ['admins'])).toBe(true);
    expect(mayReadDecision({ userId: 'root', groups: ['admins'] }, request, ['admins'])).toBe(true);
    expect(mayReadDecision({ userId: 'agent-b', groups: ['agents'] }, request, ['admins'])).toBe(false);
  });

  it('says pending, or the status with outcome, reason and approver', () => {
    expect(decisionView(request)).toEqual({ status: 'pending' });
    const decided = { ...request, status: 'approved' as const, decision: { outcome: 'approved' as const, approver: 'bob', reason: 'fine', scope: 'once' as const, channel: 'api', decidedAt: '2026-12-05T00:00:00Z' } };
    expect(decisionView(decided)).toEqual({ status: 'approved', decision: { outcome: 'approved', approver: 'bob', reason: 'fine' } });
  });
});

describe('IAM-signed callers', () => {
  const event = (userArn: string | null, claims?: Record<string, string>) =>
    ({ requestContext: { identity: { userArn }, ...(claims ? { authorizer: { claims } } : {}) } }) as never;

  it('are one agent per role, whatever the session', () => {
    // Act
    const a = callerIdentityOf(event('arn:aws:sts::123456789012:assumed-role/refund-bot/session-1'));
    const b = callerIdentityOf(event('arn:aws:sts::123456789012:assumed-role/refund-bot/session-2'));

    // Assess
    expect(a).toEqual({ userId: 'arn:aws:sts::123456789012:assumed-role/refund-bot', groups: [IAM_CALLERS_GROUP] });
    expect(b).toEqual(a);
    expect(() => assertAgent(a, ['agents'])).not.toThrow();
  });

  it('never come from a Cognito token, and people outside the agent groups may not ask gates', () => {
    const person = callerIdentityOf(event(null, { 'cognito:username': 'bob', 'cognito:groups': 'approvers' }));
    expect(person).toEqual({ userId: 'bob', groups: ['approvers'] });
    expect(() => assertAgent(person, ['agents'])).toThrow(/only agents/);
    expect(() => callerIdentityOf(event(null))).toThrow(/sign in/);
  });
});
