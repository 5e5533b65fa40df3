import type { MailSender } from '#adapters/mail/mail-sender';
import { ToolRegistry } from './registry.ts';
import { createSearchTool } from './search.ts';
import { createSendEmailTool } from './send-email.ts';

/** The demo's tools: `search` (read-only) and `send_email` (side effect, through `mail`). */
export function createDemoTools(deps: { readonly mail: MailSender }): ToolRegistry {
  return new ToolRegistry([createSearchTool(), createSendEmailTool(deps.mail)]);
}

/** Names the flow files may use. */
export const DEMO_TOOL_NAMES = ['search', 'send_email'] as const;
