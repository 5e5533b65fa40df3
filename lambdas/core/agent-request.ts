import { createHash } from 'node:crypto';
import * as z from 'zod';
import { AgentActionSchema } from './action.ts';
import { canonicalJson } from './audit-chain.ts';
import { ValidationError } from './errors.ts';
import { DurableCallbackSchema, RequestContextSchema } from './request.ts';
import { requestIdFor } from './request-id.ts';

/** The webhook a caller wants the decision POSTed to. Where it may point is checked by `assertWebhookUrl`. */
export const WebhookCallbackSchema = z.object({ type: z.literal('webhook'), url: z.string().url().max(2048) }).strict();

/** How the caller learns the decision: a signed POST to its webhook, or its Lambda durable function's callback completed. */
export const AgentCallbackSchema = z.discriminatedUnion('type', [WebhookCallbackSchema, DurableCallbackSchema]);
export type AgentCallback = z.infer<typeof AgentCallbackSchema>;

/** Body of `POST /gates/{gateId}/requests`: what an agent wants to do, and why. */
export const AgentRequestBodySchema = z
  .object({
    /** A message the agent wants to send, or a tool call with its arguments. */
    action: AgentActionSchema,
    /** The conversation so far and facts for the approver. */
    context: RequestContextSchema.default({ conversation: [], facts: {} }),
    /** On whose behalf the agent asks (an end user); the calling agent when left out. */
    requestedBy: z.string().min(1).max(128).optional(),
    /**
     * Where the decision goes: POSTed to a webhook, or completing a durable function's callback;
     * without it the caller waits with GET /approvals/{id}/decision.
     */
    callback: AgentCallbackSchema.optional(),
  })
  .strict();
export type AgentRequestBody = z.infer<typeof AgentRequestBodySchema>;

/** The `Idempotency-Key` header: one request per (caller, gate, key). */
export const IdempotencyKeySchema = z
  .string({ error: 'the Idempotency-Key header is required' })
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** The request id of (caller, gate, key): a repeat computes the same id, so the conditional create finds the first one. */
export function agentRequestId(caller: string, gateId: string, key: string): string {
  return requestIdFor(`agent:${caller}`, `gate:${gateId}`, key);
}

/** A hash of the parsed body: the same key with another body is a conflict, not a repeat. */
export function bodyHashOf(body: AgentRequestBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Where decisions may be POSTed: https only on AWS; locally only to this machine (loopback), so a
 * local stack never calls out.
 */
export function assertWebhookUrl(url: string, rule: 'https' | 'loopback'): void {
  const parsed = new URL(url);
  const problem =
    rule === 'https'
      ? parsed.protocol !== 'https:' && 'must be an https URL'
      : (!['http:', 'https:'].includes(parsed.protocol) || !LOOPBACK_HOSTS.has(parsed.hostname)) && 'local mode delivers to loopback URLs only (http://127.0.0.1:<port>/...)';
  if (problem) throw new ValidationError(`callback.url ${problem}`, [{ path: 'callback.url', message: problem }]);
  if (parsed.username || parsed.password) {
    throw new ValidationError('callback.url must not carry credentials', [{ path: 'callback.url', message: 'must not carry credentials' }]);
  }
}
