import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { DeploymentConfig } from '#infra/config';
import { ENTRY_NAMES, REPO_HANDLERS, REPO_ROOT, type HandlerSource } from '#infra/constructs/hitl-function';
import { APPROVAL_GATE_ASL, HitlStack } from '#infra/constructs/hitl-stack';

/** The feature flags of the repository's cdk.json, so tests synthesize what `cdk synth` does. */
export const FEATURE_FLAGS = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

/** Same shape as statemachines/approval-gate.asl.json, used only while that file does not exist. */
export const FALLBACK_GATE_DEFINITION = {
  StartAt: 'WaitForApproval',
  States: {
    WaitForApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${GateFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'input.$': '$' } },
      TimeoutSecondsPath: '$.gateTimeoutSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }],
      End: true,
    },
    TimedOut: { Type: 'Succeed' },
  },
};

/** The real handlers when they exist; otherwise stubs in a temp project (synth only checks they exist). */
export function handlersForTest(): HandlerSource {
  if (ENTRY_NAMES.every((name) => existsSync(join(REPO_HANDLERS.entrypointsDir, `${name}.ts`)))) return REPO_HANDLERS;
  const projectRoot = mkdtempSync(join(tmpdir(), 'hitl-infra-'));
  const entrypointsDir = join(projectRoot, 'entrypoints');
  mkdirSync(entrypointsDir);
  writeFileSync(join(projectRoot, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
  for (const name of ENTRY_NAMES) writeFileSync(join(entrypointsDir, `${name}.ts`), 'export const handler = async () => ({});\n');
  return { entrypointsDir, projectRoot };
}

export const BASE_CONFIG: DeploymentConfig = {
  stage: 'dev',
  senderEmail: 'approvals@acme.test',
  approverGroups: ['approvers'],
  adminGroups: ['admins'],
  auditorGroups: ['auditors'],
  callbackUrls: ['http://localhost:8080/callback'],
};

/**
 * Synthesizes the repository's stack without bundling and without CloudFormation's built-in
 * template checks (fast); each of those has its own test.
 */
export function synthStack(config: Partial<DeploymentConfig> = {}, builtinCloudFormationValidation = false, stackName = 'HitlTest'): { stack: HitlStack; template: Template } {
  const app = new App({ builtinCloudFormationValidation, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new HitlStack(app, stackName, {
    config: { ...BASE_CONFIG, ...config },
    approvalGateDefinition: existsSync(APPROVAL_GATE_ASL) ? undefined : FALLBACK_GATE_DEFINITION,
    handlers: handlersForTest(),
  });
  return { stack, template: Template.fromStack(stack) };
}

export type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] }>;

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** `GET /approvals/{id}`-style keys for every method, rebuilt from the Resource tree. */
export function routesOf(template: Template): Map<string, Record<string, any>> {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Resources;
  const pathOf = (ref: any): string => (ref?.Ref ? `${pathOf(resources[ref.Ref]!.Properties.ParentId)}/${resources[ref.Ref]!.Properties.PathPart}` : '');
  const methods = template.findResources('AWS::ApiGateway::Method') as Resources;
  return new Map(Object.values(methods).map((m) => [`${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`, m.Properties]));
}

export interface Statement {
  policy: string;
  roles: string[];
  actions: string[];
  resources: unknown[];
  condition?: unknown;
}

/** Every Allow statement of every IAM policy, with the policy's logical id. */
export function statementsOf(template: Template): Statement[] {
  // CDK moves statements past the inline policy size limit into managed "overflow" policies attached
  // to the same role: a role's grants are the statements of both, whatever the number of flows.
  const policies = { ...(template.findResources('AWS::IAM::Policy') as Resources), ...(template.findResources('AWS::IAM::ManagedPolicy') as Resources) };
  return Object.entries(policies).flatMap(([policy, p]) =>
    (p.Properties.PolicyDocument.Statement as any[]).map((s) => ({
      policy,
      roles: ((p.Properties.Roles ?? []) as any[]).map((r) => r.Ref as string),
      actions: [s.Action].flat(),
      resources: [s.Resource].flat(),
      condition: s.Condition,
    })),
  );
}

export function roleOf(stack: Stack, fn: { executionRole: IConstruct }): string {
  return logicalIdOf(stack, fn.executionRole);
}

export const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
