import type { ConversationTurn, ToolCall } from '#core/action';
import { readToolOutcome, reasonOf, wasRefused, type ToolOutcome } from '#core/flow-state';
import type { ToolSpec } from '../tools/tool.ts';
import type { AgentModel, AgentTurn } from './agent-model.ts';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

interface Request {
  readonly text: string;
  readonly recipients: string[];
  readonly topic: string;
}

/** "Email alice@example.com our refund policy" -> recipients and topic ("refund policy"). */
export function parseRequest(text: string): Request {
  const recipients = [...new Set(text.match(EMAIL) ?? [])];
  if (!/\b(e-?mail|send)\b/i.test(text) || recipients.length === 0) return { text, recipients: [], topic: cleanTopic(text) };
  const lastAddress = recipients.reduce((end, address) => Math.max(end, text.lastIndexOf(address) + address.length), 0);
  const topic = cleanTopic(text.slice(lastAddress)) || 'our policies';
  return { text, recipients, topic };
}

/** A refund the user asked for: "Refund order A-1001 49.99 EUR to DE" (the currency is optional). */
export interface RefundIntent {
  readonly orderId: string;
  readonly amount: number;
  readonly currency?: string;
  readonly country: string;
}

const REFUND = /\brefund\s+order\s+([A-Za-z0-9][A-Za-z0-9-]*)\s+(\d+(?:\.\d{1,2})?)\s*([A-Za-z]{3})?\s+to\s+([A-Za-z]{2})\b/i;

/** "Refund order A-1001 49.99 EUR to DE" -> the refund; anything else (such as "our refund policy") -> undefined. */
export function parseRefund(text: string): RefundIntent | undefined {
  const match = REFUND.exec(text);
  if (!match) return undefined;
  const [, orderId, amount, currency, country] = match;
  return { orderId, amount: Number(amount), ...(currency ? { currency: currency.toUpperCase() } : {}), country: country.toUpperCase() };
}

function cleanTopic(text: string): string {
  return text
    .replace(/^[\s,:;-]*(and\s+)?(about|on|regarding|with)?\s*/i, '')
    .replace(/^(our|the|your)\s+/i, '')
    .replace(/[\s.!?]+$/, '')
    .trim();
}

interface ToolExchange {
  readonly call: ToolCall;
  readonly outcome?: ToolOutcome;
}

/** The tool calls made since the last user message, each with its outcome once it is in. */
function exchangesSince(conversation: readonly ConversationTurn[], start: number): ToolExchange[] {
  const exchanges: ToolExchange[] = [];
  for (const turn of conversation.slice(start)) {
    if (turn.role === 'assistant') for (const call of turn.toolCalls ?? []) exchanges.push({ call });
    if (turn.role === 'tool') {
      const index = exchanges.findIndex((e) => e.call.id === turn.toolCallId);
      if (index >= 0) exchanges[index] = { ...exchanges[index], outcome: readToolOutcome(turn) };
    }
  }
  return exchanges;
}

/** Where an email went: the approver's edited address when there is one. */
function sentTo(exchange: ToolExchange): unknown {
  const edited = exchange.outcome?.status === 'ok' ? exchange.outcome.editedArgs : undefined;
  return edited?.to ?? exchange.call.args.to;
}

function searchText(outcome: ToolOutcome | undefined): { title: string; text: string } | undefined {
  if (outcome?.status !== 'ok') return undefined;
  const results = (outcome.result as { results?: { title: string; text: string }[] } | undefined)?.results;
  return results?.[0];
}

/**
 * A deterministic agent for local mode, tests and the demo. Asked to refund an order ("Refund order
 * A-1001 49.99 EUR to DE") it calls `refund` and reports the outcome; asked to email an address about
 * a topic, it searches the topic, emails what it found, and tells the user what it did; asked anything
 * else, it answers from `search`. When a tool is refused or rejected it says why, in the reviewer's
 * words, and offers an alternative; when an approver changed its call it says so. Tool call ids derive
 * from the conversation, so a replay makes the same ids.
 */
export class ScriptedAgent implements AgentModel {
  async next(conversation: readonly ConversationTurn[], tools: readonly ToolSpec[]): Promise<AgentTurn> {
    const lastUser = conversation.findLastIndex((turn) => turn.role === 'user');
    if (lastUser < 0) return { message: 'How can I help you today?' };
    const request = parseRequest(conversation[lastUser].content);
    const exchanges = exchangesSince(conversation, lastUser + 1);
    const can = (name: string) => tools.some((tool) => tool.name === name);
    const callId = (i: number) => `call_${conversation.length}_${i}`;

    const refund = parseRefund(conversation[lastUser].content);
    if (refund && can('refund')) {
      const done = exchanges.find((e) => e.call.name === 'refund');
      if (!done) {
        const amount = `${refund.amount} ${refund.currency ?? 'EUR'}`;
        return { message: `I will refund ${amount} for order ${refund.orderId}.`, toolCalls: [{ id: callId(0), name: 'refund', args: { ...refund } }] };
      }
      return { message: this.reportRefund(refund, done.outcome) };
    }

    const search = exchanges.find((e) => e.call.name === 'search');
    if (!search && can('search')) {
      return { toolCalls: [{ id: callId(0), name: 'search', args: { query: request.topic || request.text, limit: 1 } }] };
    }
    const found = searchText(search?.outcome);
    const searchRefusal = search?.outcome && wasRefused(search.outcome) ? search.outcome.reason : undefined;

    if (request.recipients.length > 0 && can('send_email')) {
      const emails = exchanges.filter((e) => e.call.name === 'send_email');
      if (emails.length === 0) {
        if (!found) return { message: this.nothingToSend(request, searchRefusal) };
        return {
          message: `I found our ${found.title.toLowerCase()} and will email it.`,
          toolCalls: request.recipients.map((to, i) => ({
            id: callId(i),
            name: 'send_email',
            args: { to, subject: `Our ${request.topic}`, body: `Hello,\n\nas requested, here is our ${request.topic}:\n\n${found.text}\n\nKind regards,\nCustomer Support` },
          })),
        };
      }
      return { message: this.reportEmails(request, emails, found) };
    }
    return { message: this.answer(request, found, searchRefusal) };
  }

  private reportRefund(refund: RefundIntent, outcome: ToolOutcome | undefined): string {
    if (outcome?.status === 'ok') {
      const done = (outcome.result ?? {}) as { refundId?: string; amount?: number; currency?: string; orderId?: string; country?: string };
      const line = `I refunded ${done.amount ?? refund.amount} ${done.currency ?? refund.currency ?? 'EUR'} for order ${done.orderId ?? refund.orderId} to ${done.country ?? refund.country} (refund ${done.refundId ?? 'recorded'}).`;
      return outcome.notice ? `${line} ${outcome.notice}.` : line;
    }
    if (!outcome) return `The refund of order ${refund.orderId} has not finished yet.`;
    const why = reasonOf(outcome);
    if (outcome.status === 'unknown') return `I cannot tell whether order ${refund.orderId} was refunded: ${why} Our finance team will check and contact you.`;
    return `I could not refund order ${refund.orderId}: ${why} Instead, I can offer you store credit, or pass your request to our finance team, who will contact you.`;
  }

  private reportEmails(request: Request, emails: ToolExchange[], found: { text: string } | undefined): string {
    const sent = emails.filter((e) => e.outcome?.status === 'ok').map((e) => String(sentTo(e)));
    const lines: string[] = [];
    if (sent.length) lines.push(`I emailed ${sent.join(' and ')} our ${request.topic}.`);
    for (const e of emails) if (e.outcome?.status === 'ok' && e.outcome.notice) lines.push(`${e.outcome.notice}.`);
    for (const e of emails) {
      const outcome = e.outcome;
      if (!outcome || outcome.status === 'ok') continue;
      const why = reasonOf(outcome);
      lines.push(
        outcome.status === 'unknown'
          ? `I cannot tell whether my email to ${String(e.call.args.to)} about our ${request.topic} went out: ${why}`
          : `I could not email ${String(e.call.args.to)} our ${request.topic}: ${why}`,
      );
    }
    if (sent.length < emails.length) {
      lines.push(
        `Instead, I can arrange a phone call with our support team, or share it right here${found ? `: ${found.text}` : '.'}`,
      );
    }
    return lines.join('\n');
  }

  private nothingToSend(request: Request, refusal: string | undefined): string {
    if (refusal) return `I could not look up our ${request.topic}: ${refusal} Instead, our support team can help you by phone.`;
    return `I could not find anything about ${request.topic}, so I did not send an email. Could you tell me more about what you need?`;
  }

  private answer(request: Request, found: { title: string; text: string } | undefined, refusal: string | undefined): string {
    if (refusal) return `I could not look that up: ${refusal} Instead, our support team can answer by phone or email.`;
    if (!found) return `I could not find anything about "${request.topic}". Could you rephrase the question?`;
    return `Here is our ${found.title.toLowerCase()}: ${found.text}`;
  }
}
