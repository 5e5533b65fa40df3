import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { HitlStack } from '#infra/constructs/hitl-stack';
import { BASE_CONFIG, FEATURE_FLAGS, handlersForTest } from './infra/fixtures.ts';
for (const guard of [false, true, false, true]) {
  const t = Date.now();
  const app = new App({ ...(guard ? { policyValidationBeta1: [new CfnGuardValidator()] } : {}), builtinCloudFormationValidation: false, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  new HitlStack(app, 'HitlTest', { config: { ...BASE_CONFIG }, handlers: handlersForTest() });
  const t1 = Date.now();
  app.synth();
  console.log(guard, 'construct', t1 - t, 'synth', Date.now() - t1);
}
