import { createHash } from 'node:crypto';
import type { FlowChannel } from '#core/hitl-config';
import type { DefinitionProblem, FlowDeployer, FlowRelease, PublishedFlow } from '#usecases/flow-editor-ports';
import type { DeployedFlow, FlowCatalog } from '#usecases/flow-ports';
import type { FlowSubstitutions } from './compiler.ts';
import { substitute, type AslDefinition } from './definitions.ts';
import { flowStateMachineName } from './flow-state-names.ts';
import { resumeDefinition } from './resume.ts';

/** Registers a definition under a state machine name and returns its ARN (the local engine's registerStateMachine). */
export type RegisterStateMachine = (name: string, definition: object) => string;

/** The state machine of one revision of a flow, like a published version on AWS: `flow-<id>-v<revision>`. */
export function flowVersionName(flowId: string, revision: number): string {
  return `${flowStateMachineName(flowId)}-v${revision}`;
}

interface Version {
  readonly definition: AslDefinition;
  readonly deployed: DeployedFlow;
  readonly resumeArns: Map<string, string>;
}

export interface LocalFlowCatalogOptions {
  /** Finds what is wrong with a substituted definition (asl-validator in local mode). @default nothing */
  readonly validate?: (definition: AslDefinition) => DefinitionProblem[];
}

/**
 * The flows of one local engine, versioned like Step Functions on AWS (and the local FlowDeployer).
 * Each deployed revision's compiled definition is substituted and registered as its own machine,
 * `flow-<id>-v<revision>` (a version), and
 * again under `flow-<id>` (what the alias points at); new executions start on the deployed revision's
 * version, and running ones keep the machine they started on. A restart registers the versions that
 * running executions need again, and, on demand, the copies a resume starts from.
 */
export class LocalFlowCatalog implements FlowCatalog, FlowDeployer {
  private readonly versions = new Map<string, Version>();
  private readonly live = new Map<string, Version>();

  constructor(
    private readonly register: RegisterStateMachine,
    private readonly substitutions: FlowSubstitutions,
    private readonly options: LocalFlowCatalogOptions = {},
  ) {}

  async validate(definition: AslDefinition): Promise<DefinitionProblem[]> {
    return this.options.validate?.(substitute(definition, this.substitutions)) ?? [];
  }

  async publish(release: FlowRelease): Promise<PublishedFlow> {
    const version = this.install(release.flowId, release.revision, release.channel, release.definition, true);
    return { stateMachineArn: version.deployed.stateMachineArn, versionArn: version.deployed.stateMachineArn };
  }

  /** Registers a revision's version for executions that started on it, without making it live. */
  ensureVersion(flowId: string, revision: number, channel: FlowChannel, definition: AslDefinition): DeployedFlow {
    return (this.versions.get(versionKey(flowId, revision)) ?? this.install(flowId, revision, channel, definition, false)).deployed;
  }

  /** The deployed revision: where new executions start. */
  async get(flowId: string): Promise<DeployedFlow | undefined> {
    return this.live.get(flowId)?.deployed;
  }

  /** A revision registered in this process, if any. */
  version(flowId: string, revision: number): DeployedFlow | undefined {
    return this.versions.get(versionKey(flowId, revision))?.deployed;
  }

  /** The ARN of a copy of a revision's machine that starts at `stateName` (registered once). */
  resumeArn(flowId: string, revision: number, stateName: string): string {
    const version = this.versions.get(versionKey(flowId, revision));
    if (!version) throw new Error(`revision ${revision} of flow ${flowId} is not registered`);
    let arn = version.resumeArns.get(stateName);
    if (!arn) {
      const suffix = createHash('sha256').update(stateName).digest('hex').slice(0, 10);
      arn = this.register(`${flowVersionName(flowId, revision)}-at-${suffix}`, resumeDefinition(version.definition, stateName));
      version.resumeArns.set(stateName, arn);
    }
    return arn;
  }

  private install(flowId: string, revision: number, channel: FlowChannel, compiled: AslDefinition, makeLive: boolean): Version {
    const definition = substitute(compiled, this.substitutions);
    const stateMachineArn = this.register(flowVersionName(flowId, revision), definition);
    const version: Version = { definition, deployed: { flowId, revision, channel, stateMachineArn }, resumeArns: new Map() };
    this.versions.set(versionKey(flowId, revision), version);
    if (makeLive) {
      // Registering the same name again replaces the definition for new executions only.
      this.register(flowStateMachineName(flowId), definition);
      this.live.set(flowId, version);
    }
    return version;
  }
}

function versionKey(flowId: string, revision: number): string {
  return `${flowId}#${revision}`;
}
