import { createDocumentClient } from '#adapters/dynamodb/client';
import { ToolRunRepository } from '#adapters/dynamodb/tool-run-repository';
import { SesMailSender } from '#adapters/mail/ses-mail-sender';
import { loadLambdaConfig } from '../config.ts';
import { createToolStepHandler } from '../handlers/flows/tool-step.ts';
import { awsDeps } from './aws-deps.ts';
import { awsTools } from './aws-tools.ts';
import { loadFlowConfig, toolMailFrom } from './flow-config.ts';

const app = awsDeps();

const tools = awsTools(new SesMailSender(toolMailFrom(loadFlowConfig())));
const step = createToolStepHandler({
  tools: tools.registry,
  toolRuns: new ToolRunRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME),
  audit: app.audit,
  clock: app.clock,
  store: app.store,
  payloads: app.payloads,
});

/** `${ToolFunctionArn}`: the `.Tool` and `.Apply` states (gate policy, decisions, idempotent tool runs), with the tools admins saved registered before each step. */
export const handler = step.before(async () => {
  await tools.sync();
});
