import { createDocumentClient } from '#adapters/dynamodb/client';
import { ToolRunRepository } from '#adapters/dynamodb/tool-run-repository';
import { SesMailSender } from '#adapters/mail/ses-mail-sender';
import { loadLambdaConfig } from '../config.ts';
import { createToolStepHandler } from '../handlers/flows/tool-step.ts';
import { createDemoTools } from '../tools/demo-tools.ts';
import { awsDeps } from './aws-deps.ts';
import { loadFlowConfig, toolMailFrom } from './flow-config.ts';

const app = awsDeps();

/** `${ToolFunctionArn}`: the `.Tool` and `.Apply` states (gate policy, decisions, idempotent tool runs). */
export const handler = createToolStepHandler({
  tools: createDemoTools({ mail: new SesMailSender(toolMailFrom(loadFlowConfig())) }),
  toolRuns: new ToolRunRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME),
  audit: app.audit,
  clock: app.clock,
  store: app.store,
});
