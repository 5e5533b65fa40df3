import type { MailSender } from '#adapters/mail/mail-sender';
import { bedrockConverse } from '../agents/bedrock-converse.ts';
import { bedrockModels } from '../agents/models.ts';
import { createAgentStepHandler } from '../handlers/flows/agent-step.ts';
import { awsDeps } from './aws-deps.ts';
import { awsTools } from './aws-tools.ts';

/** The agent function describes tools to the model but never runs them. */
const noMail: MailSender = {
  send: async () => {
    throw new Error('the agent function does not send mail; the tool function does');
  },
};

/** `${AgentFunctionArn}`: one model turn at an agent node (Bedrock Converse, or the scripted model). */
const tools = awsTools(noMail);
const app = awsDeps();
const step = createAgentStepHandler({
  models: bedrockModels(bedrockConverse),
  tools: tools.registry,
  audit: app.audit,
  payloads: app.payloads,
});

/** The tools admins saved are registered before each turn, so the model is told about them. */
export const handler = step.before(async () => {
  await tools.sync();
});
