import { createHash } from 'node:crypto';
import type { Flow } from '#core/flow';
import type { DeployedFlow, FlowCatalog } from '#usecases/flow-ports';
import { compileFlow, type FlowSubstitutions } from './compiler.ts';
import { substitute, type AslDefinition } from './definitions.ts';
import { flowStateMachineName } from './flow-state-names.ts';
import { resumeDefinition } from './resume.ts';

/** Registers a definition under a state machine name and returns its ARN (the local engine's registerStateMachine). */
export type RegisterStateMachine = (name: string, definition: object) => string;

interface Entry {
  readonly flow: Flow;
  readonly definition: AslDefinition;
  readonly deployed: DeployedFlow;
  readonly resumeArns: Map<string, string>;
}

/**
 * The flows of one local engine: each compiled, substituted and registered as its own state machine,
 * exactly the definition CDK deploys. It also registers, on demand, the copies a restart resumes from.
 */
export class LocalFlowCatalog implements FlowCatalog {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly register: RegisterStateMachine,
    private readonly substitutions: FlowSubstitutions,
  ) {}

  /** Compiles and registers `flow` (a flow with the same id is replaced for new executions). */
  deploy(flow: Flow): DeployedFlow {
    const definition = substitute(compileFlow(flow), this.substitutions);
    const stateMachineArn = this.register(flowStateMachineName(flow.id), definition);
    const deployed: DeployedFlow = { flowId: flow.id, revision: flow.revision, channel: flow.channel, stateMachineArn };
    this.entries.set(flow.id, { flow, definition, deployed, resumeArns: new Map() });
    return deployed;
  }

  async get(flowId: string): Promise<DeployedFlow | undefined> {
    return this.entries.get(flowId)?.deployed;
  }

  /** The ARN of a copy of the flow's machine that starts at `stateName` (registered once). */
  resumeArn(flowId: string, stateName: string): string {
    const entry = this.entries.get(flowId);
    if (!entry) throw new Error(`flow ${flowId} is not deployed`);
    let arn = entry.resumeArns.get(stateName);
    if (!arn) {
      const suffix = createHash('sha256').update(stateName).digest('hex').slice(0, 10);
      arn = this.register(`${flowStateMachineName(flowId)}-resume-${suffix}`, resumeDefinition(entry.definition, stateName));
      entry.resumeArns.set(stateName, arn);
    }
    return arn;
  }
}
