import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack } from 'aws-cdk-lib';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '#infra/config';
import { CONTROL_TOWER_RULES, type ControlTowerControl } from '#infra/constructs/control-tower';
import type { FunctionNetwork } from '#infra/constructs/hitl-function';
import { HitlStack } from '#infra/constructs/hitl-stack';
import { BASE_CONFIG, FEATURE_FLAGS, handlersForTest } from './fixtures.ts';

interface Finding {
  readonly ruleName: string;
  readonly reason?: string;
  readonly violatingResources: readonly { readonly resourceLogicalId: string }[];
}

/**
 * Synthesizes the repository stack with the AWS Control Tower rules (cfn-guard) as `cdk synth` runs
 * them. Synth throws on any finding without an acknowledgement; the report lists the acknowledged ones.
 */
function synthWithControlTower(config: Partial<DeploymentConfig>, network?: (stack: Stack) => FunctionNetwork) {
  const app = new App({
    policyValidationBeta1: [new CfnGuardValidator()],
    builtinCloudFormationValidation: false,
    context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] },
  });
  // The imported VPC's ids are literals, so its stack stays empty and is not synthesized with the app.
  const networkScope = network && new Stack(new App(), 'Network');
  new HitlStack(app, 'HitlTest', { config: { ...BASE_CONFIG, ...config }, handlers: handlersForTest(), network: networkScope && network(networkScope) });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: Finding[]; suppressedViolations?: Finding[] }[];
  };
  const guard = report.pluginReports.find((r) => r.pluginName === 'cdk-validator-cfnguard')!;
  return { guard };
}

const controlOf = (ruleName: string) => (Object.entries(CONTROL_TOWER_RULES).find(([, rule]) => rule === ruleName)?.[0] ?? ruleName) as ControlTowerControl;

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  it('passes in dev with a written reason for each control it leaves failing', () => {
    const { guard } = synthWithControlTower({});
    expect(guard.violations).toEqual([]);
    const acknowledged = guard.suppressedViolations ?? [];
    expect([...new Set(acknowledged.map((v) => controlOf(v.ruleName)))].sort()).toEqual([
      'CT.APIGATEWAY.PR.1', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.DYNAMODB.PR.2', 'CT.LAMBDA.PR.2', 'CT.LAMBDA.PR.3',
    ]);
    for (const finding of acknowledged) expect(finding.reason?.length ?? 0, finding.ruleName).toBeGreaterThan(80);
  });

  it('meets every control but the API invoke permission in prod with a KMS key, a VPC and API logs', () => {
    const { guard } = synthWithControlTower(
      { stage: 'prod', senderEmail: 'approvals@acme-approvals.dev', customerManagedKey: true, apiCloudWatchRole: 'create' },
      // As Vpc.fromLookup returns it: literal ids, so the rule can see the subnets.
      (stack) => ({ vpc: Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] }) }),
    );
    expect(guard.violations).toEqual([]);
    const acknowledged = guard.suppressedViolations ?? [];
    expect([...new Set(acknowledged.map((v) => controlOf(v.ruleName)))]).toEqual(['CT.LAMBDA.PR.2']);
  });
});
