/**
 * The CDK app: `npx cdk synth|deploy -c stage=dev -c senderEmail=...`. Configuration comes from
 * CDK context and HITL_* environment variables and is validated before anything is built.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Annotations, App, Tags } from 'aws-cdk-lib';
import { ConfigError, loadConfig, type LoadedConfig } from './config.ts';
import { HitlStack } from './constructs/hitl-stack.ts';
import { PropsError } from './constructs/prop-checks.ts';

// Synth checks the templates against the AWS Control Tower proactive controls and fails on any
// finding not acknowledged with a reason (infra/constructs/control-tower.ts).
const app = new App({ policyValidationBeta1: [new CfnGuardValidator()] });
const { config, warnings } = loadOrExit(app);

const stack = exitOnPropsError(
  () =>
    new HitlStack(app, `HitlApprovals-${config.stage}`, {
      config,
      // Deploy into whatever account and region the CLI's credentials point at (none needed to synth).
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    }),
);
Tags.of(app).add('project', 'hitl-approvals');
Tags.of(app).add('stage', config.stage);
for (const warning of warnings) Annotations.of(stack).addWarningV2('hitl-approvals:config', warning);

/** A bad configuration ends the app with the list of problems, not a stack trace. */
function loadOrExit(cdkApp: App): LoadedConfig {
  try {
    return loadConfig({ context: (key) => cdkApp.node.tryGetContext(key), env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** Same for what only the constructs can check (for example an http callback URL off localhost). */
function exitOnPropsError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof PropsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
