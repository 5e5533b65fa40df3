import { z } from 'zod';

/**
 * A small HTTP client for the two calls an agent makes: ask a gate, then learn the decision. Every
 * agent SDK adapter in this folder goes through it, so swapping it for the typed client changes one
 * file.
 */

/** What the agent wants to do: run a tool with these arguments, or send a message. */
export type GateAction =
  | { readonly kind: 'tool_call'; readonly toolCall: { readonly id: string; readonly name: string; readonly args: Record<string, unknown> } }
  | { readonly kind: 'message'; readonly text: string };

/** What the approver sees next to the action. */
export interface GateContext {
  readonly conversation?: readonly { readonly role: string; readonly content: string }[];
  readonly facts?: Record<string, unknown>;
}

export interface GateAsk {
  readonly gateId: string;
  readonly action: GateAction;
  readonly context?: GateContext;
  /** One request per key: asking again with it (after a restart, a replayed node) returns the same request. */
  readonly idempotencyKey: string;
  /** On whose behalf; that person may not approve it. */
  readonly requestedBy?: string;
  /** Where the decision is POSTed once made (see "Learn the decision"). */
  readonly callback?: { readonly type: 'webhook'; readonly url: string } | { readonly type: 'durable'; readonly callbackId: string };
}

/** The outcome an adapter hands to its SDK. `approved` is the only thing that lets the action run. */
export interface HitlVerdict {
  readonly approved: boolean;
  /** `allowed` / `denied` are a policy's immediate answers; no person was asked. */
  readonly status: 'approved' | 'rejected' | 'timed_out' | 'cancelled' | 'allowed' | 'denied';
  /** The request a person decides; absent when a policy answered at once. */
  readonly requestId?: string;
  readonly approver?: string;
  /** Why: the approver's reason, the policy's, or a sentence saying it timed out or was cancelled. */
  readonly reason?: string;
  /** The arguments the approver changed the tool call to; run these instead of the model's. */
  readonly editedArgs?: Record<string, unknown>;
}

/** What asking answered: a request to wait for (it may be decided already), or a policy's verdict at once. */
export type GateAnswer = { readonly pending: true; readonly requestId: string } | { readonly pending: false; readonly verdict: HitlVerdict };

/** A stored request, new or (the same key again) the one asked before, decided or not. */
const requestSchema = z.object({ id: z.string() });
const policySchema = z.object({ status: z.enum(['allowed', 'denied']), reason: z.string().optional() });
const decisionSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('pending') }),
  z.object({
    status: z.enum(['approved', 'rejected', 'timed_out', 'cancelled']),
    decision: z
      .object({ reason: z.string().optional(), approver: z.string().optional(), editedArgs: z.record(z.string(), z.unknown()).optional() })
      .optional(),
  }),
]);

export class HitlHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body.slice(0, 500)}`);
    this.name = 'HitlHttpError';
  }
}

export interface HitlClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The agent's identity: locally `{ 'x-user': 'refund-bot', 'x-groups': 'agents' }`; on AWS, signed headers. */
  readonly headers?: Record<string, string>;
  /** Seconds one long poll holds (0 to 25). @default 20 */
  readonly waitSeconds?: number;
}

export interface HitlClient {
  readonly baseUrl: string;
  ask(input: GateAsk): Promise<GateAnswer>;
  /** The verdict if decided within `waitSeconds`, else undefined. */
  poll(requestId: string, waitSeconds?: number): Promise<HitlVerdict | undefined>;
  /** Long-polls until the request is decided, timed out or cancelled. */
  waitForDecision(requestId: string, options?: { readonly signal?: AbortSignal }): Promise<HitlVerdict>;
}

const FALLBACK_REASONS: Record<string, string> = {
  timed_out: 'No one decided in time.',
  cancelled: 'The request was cancelled.',
};

/**
 * The verdict in a decision answer (`GET /approvals/{id}/decision`) or a decision webhook's body
 * (`{id, status, decision}`), or undefined while it is pending. Throws naming the field when the body
 * is neither.
 */
export function verdictOf(requestId: string, body: unknown): HitlVerdict | undefined {
  const answer = decisionSchema.parse(body);
  if (answer.status === 'pending') return undefined;
  const decision = answer.decision ?? {};
  return {
    approved: answer.status === 'approved',
    status: answer.status,
    requestId,
    approver: decision.approver,
    reason: decision.reason ?? FALLBACK_REASONS[answer.status],
    editedArgs: decision.editedArgs,
  };
}

/** A client for the hitl-approvals API, speaking as one agent. */
export function hitlClient(options: HitlClientOptions): HitlClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const defaultWait = options.waitSeconds ?? 20;

  async function send(method: string, path: string, what: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...options.headers, ...init.headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
    const text = await res.text();
    if (!res.ok) throw new HitlHttpError(res.status, text, what);
    return JSON.parse(text) as unknown;
  }

  async function poll(requestId: string, waitSeconds = defaultWait, signal?: AbortSignal): Promise<HitlVerdict | undefined> {
    const path = `/approvals/${encodeURIComponent(requestId)}/decision?waitSeconds=${waitSeconds}`;
    return verdictOf(requestId, await send('GET', path, 'GET decision', { signal }));
  }

  return {
    baseUrl,
    async ask(input) {
      const body = {
        action: input.action,
        context: input.context ?? {},
        ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
        ...(input.callback ? { callback: input.callback } : {}),
      };
      const path = `/gates/${encodeURIComponent(input.gateId)}/requests`;
      const answer = await send('POST', path, `POST ${path}`, { body, headers: { 'Idempotency-Key': input.idempotencyKey } });
      const request = requestSchema.safeParse(answer);
      if (request.success) return { pending: true, requestId: request.data.id };
      const policy = policySchema.parse(answer);
      return { pending: false, verdict: { approved: policy.status === 'allowed', status: policy.status, reason: policy.reason } };
    },
    poll: (requestId, waitSeconds) => poll(requestId, waitSeconds),
    async waitForDecision(requestId, waitOptions = {}) {
      for (;;) {
        waitOptions.signal?.throwIfAborted();
        const verdict = await poll(requestId, defaultWait, waitOptions.signal);
        if (verdict) return verdict;
      }
    },
  };
}

/** The dashboard an approver opens, and the curl that approves, for printing next to a pending request. */
export function approvalHints(baseUrl: string, requestId: string): { readonly dashboard: string; readonly approveCurl: string } {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    dashboard: `${base}/`,
    approveCurl: `curl -s -X POST ${base}/approvals/${requestId}/respond -H 'x-user: bob' -H 'x-groups: approvers' -H 'content-type: application/json' -d '{"decision":"approve"}'`,
  };
}
