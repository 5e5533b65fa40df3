import type { z } from 'zod';
import type { MailSender } from '#adapters/mail/mail-sender';
import type { ToolArgsValidator } from '#ports';
import { createRefundTool, RefundArgsSchema, type RefundLedger } from './refund.ts';
import { ToolRegistry, toolArgsValidator } from './registry.ts';
import { createSearchTool, SearchArgsSchema } from './search.ts';
import { createSendEmailTool, SendEmailArgsSchema } from './send-email.ts';

/**
 * The demo's tools: `search` (read-only), `send_email` (side effect, through `mail`) and `refund`
 * (side effect, written to `refunds`; in memory by default).
 */
export function createDemoTools(deps: { readonly mail: MailSender; readonly refunds?: RefundLedger }): ToolRegistry {
  return new ToolRegistry([createSearchTool(), createSendEmailTool(deps.mail), createRefundTool(deps.refunds)]);
}

/** Names the flow files may use. */
export const DEMO_TOOL_NAMES = ['search', 'send_email', 'refund'] as const;

/** The argument schema of each demo tool: the tools' own `input`, available without their side effects. */
export const DEMO_TOOL_ARGS: Readonly<Record<(typeof DEMO_TOOL_NAMES)[number], z.ZodType>> = {
  search: SearchArgsSchema,
  send_email: SendEmailArgsSchema,
  refund: RefundArgsSchema,
};

/** What the API checks an approver's edited arguments against (RespondDeps.toolArgs). */
export function demoToolArgs(): ToolArgsValidator {
  return toolArgsValidator((name) => (Object.hasOwn(DEMO_TOOL_ARGS, name) ? DEMO_TOOL_ARGS[name as keyof typeof DEMO_TOOL_ARGS] : undefined));
}
