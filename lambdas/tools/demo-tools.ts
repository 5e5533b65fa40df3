import type { z } from 'zod';
import type { MailSender } from '#adapters/mail/mail-sender';
import type { ToolArgsValidator } from '#ports';
import { createRefundTool, RefundArgsSchema, type RefundLedger } from './refund.ts';
import { toolFromSpec, type DataToolDeps } from './data-tool.ts';
import { ToolRegistry, toolArgsValidator } from './registry.ts';
import { createSearchTool, SearchArgsSchema } from './search.ts';
import { createSendEmailTool, SendEmailArgsSchema } from './send-email.ts';
import { shippedToolSpecs } from './tool-files.ts';
import { StaticToolSecrets } from './tool-secrets.ts';
import type { ToolSpecData } from './tool-spec.ts';

export interface ToolsDeps extends Partial<Omit<DataToolDeps, 'handlers'>> {
  readonly mail: MailSender;
  readonly refunds?: RefundLedger;
  /** Tools saved by admins, registered after the shipped files (the table's tools). */
  readonly saved?: readonly ToolSpecData[];
}

/** The code-backed tool handlers, by the name a tool file's `lambda.handler` gives. */
export function demoHandlers(deps: Pick<ToolsDeps, 'mail' | 'refunds'>) {
  return new Map([createSearchTool(), createSendEmailTool(deps.mail), createRefundTool(deps.refunds)].map((tool) => [tool.name, tool]));
}

/**
 * The installation's tools: the shipped tool files of `tools/` (the demo's `search`, `send_email`
 * and `refund`, run by their handlers in this code base) and the tools admins saved.
 */
export function createDemoTools(deps: ToolsDeps): ToolRegistry {
  const dataDeps = toolDeps(deps);
  const registry = new ToolRegistry(shippedToolSpecs().map((spec) => toolFromSpec(dataDeps, spec)));
  for (const spec of deps.saved ?? []) registry.put(toolFromSpec(dataDeps, spec));
  return registry;
}

/** What turning specs into runnable tools needs, from `deps`. */
export function toolDeps(deps: ToolsDeps): DataToolDeps {
  return {
    handlers: demoHandlers(deps),
    secrets: deps.secrets ?? new StaticToolSecrets(),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.lambda ? { lambda: deps.lambda } : {}),
    ...(deps.mcp ? { mcp: deps.mcp } : {}),
  };
}

/** Names the flow files may use. */
export const DEMO_TOOL_NAMES = ['search', 'send_email', 'refund'] as const;

/** The argument schema of each demo tool: the tools' own `input`, available without their side effects. */
export const DEMO_TOOL_ARGS: Readonly<Record<(typeof DEMO_TOOL_NAMES)[number], z.ZodType>> = {
  search: SearchArgsSchema,
  send_email: SendEmailArgsSchema,
  refund: RefundArgsSchema,
};

/** The demo tool's argument schema, or undefined for another name. */
export function demoToolSchema(name: string): z.ZodType | undefined {
  return Object.hasOwn(DEMO_TOOL_ARGS, name) ? DEMO_TOOL_ARGS[name as keyof typeof DEMO_TOOL_ARGS] : undefined;
}

/** What the API checks an approver's edited arguments against (RespondDeps.toolArgs). */
export function demoToolArgs(): ToolArgsValidator {
  return toolArgsValidator(demoToolSchema);
}
