import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  SFNClient,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { ConcurrentUpdateError, HitlError, NeedsStackDeployError } from '#core/errors';
import { unqualifiedStateMachineArn } from '#core/flow-execution';
import { parseConfig } from '#core/validation';
import { FLOW_SUBSTITUTION_KEYS, type FlowSubstitutions } from '#statemachines/compiler';
import { FLOW_ALIAS } from '#statemachines/flow-state-names';
import { substitute, type AslDefinition } from '#statemachines/definitions';
import type { DefinitionProblem, FlowDeployer, FlowRelease, PublishedFlow } from '#usecases/flow-editor-ports';
import { createFlowMachineInput, newFlowMachine, NewFlowMachinesSchema, type NewFlowMachines } from './new-flow-machine.ts';

/** The part of the SFN client the deployer uses (a stub in tests). */
export interface SfnSender {
  send(command: object): Promise<unknown>;
}

/** The alias each flow's state machine routes new executions through, unless configured otherwise. */
export const DEFAULT_FLOW_ALIAS = FLOW_ALIAS;

/** Flow deploys are asked for where nobody configured them (no function ARNs to fill the placeholders). */
export class FlowDeployNotConfiguredError extends HitlError {
  override readonly code = 'FlowDeployNotConfigured';
}

export interface SdkFlowDeployerOptions {
  /**
   * The state machine a flow runs on (CDK creates one per flow), or one of its version or alias ARNs
   * (the deployer uses the state machine's); undefined for a flow it does not know.
   */
  readonly stateMachineArnOf: (flowId: string) => string | undefined;
  /** Values of the compiled flows' `${...}` placeholders: the flow functions' ARNs. Without them deploys fail. */
  readonly substitutions?: FlowSubstitutions;
  /** @default 'live' */
  readonly aliasName?: string;
  /**
   * How to create the state machine of a flow CDK did not deploy (one created in the editor).
   * @default - such flows answer NeedsStackDeploy
   */
  readonly newMachines?: NewFlowMachines;
}

/**
 * Publishes flow revisions on AWS: UpdateStateMachine with `publish: true` makes the compiled revision
 * a new, immutable state machine version, and UpdateStateMachineAlias routes 100% of the flow's alias
 * to it (the alias is created on the first deploy). A flow created in the editor has no state machine
 * from CloudFormation: its first deploy creates `<prefix>-flow-<id>` with CreateStateMachine
 * (`newMachines`), outside the stack. New executions are started on the version's ARN;
 * executions already running finish on the version they started with, which Step Functions keeps.
 * Validation is Step Functions' own (ValidateStateMachineDefinition), on the substituted definition.
 */
export class SdkFlowDeployer implements FlowDeployer {
  private readonly aliasName: string;

  constructor(
    private readonly options: SdkFlowDeployerOptions,
    private readonly client: SfnSender = new SFNClient({ maxAttempts: 3 }),
  ) {
    this.aliasName = options.aliasName ?? DEFAULT_FLOW_ALIAS;
  }

  async validate(definition: AslDefinition): Promise<DefinitionProblem[]> {
    const result = (await this.client.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(this.substituted(definition)), type: 'STANDARD', severity: 'ERROR' }),
    )) as { result?: string; diagnostics?: { severity?: string; code?: string; message?: string; location?: string }[] };
    if (result.result === 'OK') return [];
    return (result.diagnostics ?? [])
      .filter((diagnostic) => diagnostic.severity !== 'WARNING')
      .map((diagnostic) => ({ path: diagnostic.location ?? '', message: `${diagnostic.code ?? 'INVALID'}: ${diagnostic.message ?? 'invalid definition'}` }));
  }

  async publish(release: FlowRelease): Promise<PublishedFlow> {
    const machine = this.machineOf(release.flowId);
    const definition = JSON.stringify(this.substituted(release.definition));
    const versionDescription = release.description.slice(0, 256);
    let versionArn: string | undefined;
    try {
      const updated = (await this.client.send(new UpdateStateMachineCommand({ stateMachineArn: machine.arn, definition, publish: true, versionDescription }))) as {
        stateMachineVersionArn?: string;
      };
      versionArn = updated.stateMachineVersionArn;
    } catch (error) {
      // A flow created in the editor gets its state machine on its first deploy. A crash after the
      // create finds it here next time and updates it; the alias is created once it is missing.
      if (!machine.create || errorName(error) !== 'StateMachineDoesNotExist') throw error;
      versionArn = await this.create(machine.create, definition, versionDescription);
    }
    if (!versionArn) throw new Error(`Step Functions published no version of ${machine.arn}`);
    const aliasArn = await this.routeAlias(machine.arn, versionArn, release.revision);
    return { stateMachineArn: versionArn, versionArn, aliasArn };
  }

  private async create(config: NewFlowMachines & { name: string }, definition: string, versionDescription: string): Promise<string | undefined> {
    try {
      const created = (await this.client.send(new CreateStateMachineCommand(createFlowMachineInput(config, { name: config.name, definition, versionDescription })))) as {
        stateMachineVersionArn?: string;
      };
      return created.stateMachineVersionArn;
    } catch (error) {
      // Another deploy of the same new flow created it with another definition a moment ago.
      if (errorName(error) === 'StateMachineAlreadyExists') throw new ConcurrentUpdateError(`the state machine ${config.name} was created by another deploy just now: deploy again`, { cause: error });
      throw error;
    }
  }

  async route(flowId: string, versionArn: string, revision: number): Promise<void> {
    await this.routeAlias(this.machineOf(flowId).arn, versionArn, revision);
  }

  /**
   * The state machine a flow deploys to: the one CDK made for its file, else (a flow created in the
   * editor) `<prefix>-flow-<id>`, created on its first deploy when this deployment may create machines.
   */
  private machineOf(flowId: string): { arn: string; create?: NewFlowMachines & { name: string } } {
    const deployedAs = this.options.stateMachineArnOf(flowId);
    if (deployedAs) return { arn: unqualifiedStateMachineArn(deployedAs) };
    const config = this.options.newMachines;
    if (!config) {
      throw new NeedsStackDeployError(
        `flow ${flowId} has no state machine in this deployment yet: save it as statemachines/flows/${flowId}.json (GET /flows/${flowId} shows it) and run cdk deploy; after that, deploy its revisions here`,
      );
    }
    const { name, arn } = newFlowMachine(config, flowId);
    return { arn, create: { ...config, name } };
  }

  private async routeAlias(stateMachineArn: string, versionArn: string, revision: number): Promise<string> {
    const routingConfiguration = [{ stateMachineVersionArn: versionArn, weight: 100 }];
    const description = `revision ${revision}`;
    const aliasArn = `${stateMachineArn}:${this.aliasName}`;
    try {
      await this.client.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration, description }));
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFound') throw error;
      await this.client.send(new CreateStateMachineAliasCommand({ name: this.aliasName, routingConfiguration, description }));
    }
    return aliasArn;
  }

  private substituted(definition: AslDefinition): AslDefinition {
    if (!this.options.substitutions) {
      throw new FlowDeployNotConfiguredError('flow deploys are not configured in this deployment: FLOW_FUNCTION_ARNS names no flow functions');
    }
    return substitute(definition, this.options.substitutions);
  }
}

const FunctionArnsSchema = z.object(Object.fromEntries(FLOW_SUBSTITUTION_KEYS.map((key) => [key, z.string().startsWith('arn:')])) as Record<(typeof FLOW_SUBSTITUTION_KEYS)[number], z.ZodString>).strict();

const DeployerEnvSchema = z.object({
  /** `{"AgentFunctionArn":"arn:...","ToolFunctionArn":"arn:...","FlowGateFunctionArn":"arn:...","GateTimeoutFunctionArn":"arn:..."}` */
  FLOW_FUNCTION_ARNS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(FunctionArnsSchema)
    .optional(),
  FLOW_ALIAS_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/).default(DEFAULT_FLOW_ALIAS),
  /** `{"namePrefix","stateMachineArnPrefix","roleArn","logGroupArn"}`: how to create a flow made in the editor. */
  FLOW_NEW_MACHINES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(NewFlowMachinesSchema)
    .optional(),
});

export type FlowDeployerConfig = z.infer<typeof DeployerEnvSchema>;

/** The deployer's settings from the environment, naming every bad variable at once. */
export function loadFlowDeployerConfig(env: NodeJS.ProcessEnv = process.env): FlowDeployerConfig {
  return parseConfig(DeployerEnvSchema, env, 'flow deployer configuration');
}

/**
 * The deployer of the API function, from its environment: FLOW_FUNCTION_ARNS (the values of the
 * compiled flows' placeholders) and FLOW_ALIAS_NAME. Without FLOW_FUNCTION_ARNS the editor still
 * lists and saves revisions, and deploys answer that they are not configured.
 */
export function sdkFlowDeployerFromEnv(stateMachineArnOf: (flowId: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): SdkFlowDeployer {
  const config = loadFlowDeployerConfig(env);
  return new SdkFlowDeployer({
    stateMachineArnOf,
    aliasName: config.FLOW_ALIAS_NAME,
    ...(config.FLOW_FUNCTION_ARNS ? { substitutions: config.FLOW_FUNCTION_ARNS } : {}),
    ...(config.FLOW_NEW_MACHINES ? { newMachines: config.FLOW_NEW_MACHINES } : {}),
  });
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}
