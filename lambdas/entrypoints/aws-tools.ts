import { createDocumentClient } from '#adapters/dynamodb/client';
import { ToolRepository } from '#adapters/dynamodb/tool-repository';
import type { MailSender } from '#adapters/mail/mail-sender';
import { loadLambdaConfig } from '../config.ts';
import { SdkLambdaInvoker, SecretsManagerToolSecrets } from '../tools/aws-tool-adapters.ts';
import { toolFromSpec } from '../tools/data-tool.ts';
import { createDemoTools, toolDeps } from '../tools/demo-tools.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { SdkMcpCaller } from '../tools/mcp-tool.ts';
import { savedToolsSync } from '../tools/saved-tools.ts';
import type { ToolSpecData } from '../tools/tool-spec.ts';
import { loadFlowConfig } from './flow-config.ts';

/** A function's tools on AWS: the shipped files, plus the tools admins saved, read from the table. */
export interface AwsTools {
  readonly registry: ToolRegistry;
  readonly store: ToolRepository;
  /** Registers the saved tools (read again at most every 30 s); call before using the registry. */
  readonly sync: () => Promise<void>;
  /** A runnable tool from a spec; refuses Lambda tools whose function this installation does not grant. */
  readonly build: (spec: ToolSpecData) => ReturnType<typeof toolFromSpec>;
}

export function awsTools(mail: MailSender): AwsTools {
  const allowed = loadFlowConfig().TOOL_FUNCTION_ARNS;
  const deps = { mail, secrets: new SecretsManagerToolSecrets(), lambda: new SdkLambdaInvoker(), mcp: new SdkMcpCaller() };
  const registry = createDemoTools(deps);
  const store = new ToolRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
  const runnable = toolDeps(deps);
  const build = (spec: ToolSpecData) => {
    if (spec.lambda && 'functionArn' in spec.lambda && !allowed.includes(spec.lambda.functionArn)) {
      throw new Error(`function ${spec.lambda.functionArn} is not one of the tool functions this installation may invoke (toolFunctionArns)`);
    }
    return toolFromSpec(runnable, spec);
  };
  return { registry, store, build, sync: savedToolsSync({ toolStore: store, registry, build }) };
}
