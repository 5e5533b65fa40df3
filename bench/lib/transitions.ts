import '#local/polyfills';
import { existsSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadDefinition, substitute, type AslDefinition } from '#statemachines/definitions';

type State = { Type?: string; Resource?: string; Next?: string };
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A state machine error with the name Retry/Catch match on. */
class StateError extends Error {
  constructor(name: string) {
    super(name);
    this.name = name;
  }
}

export type GateOutcome = 'approved' | 'rejected' | 'timed_out' | 'hard_cap';

/**
 * Runs `definition` on aws-local-stepfunctions with every Task stubbed and returns the names of the
 * states it entered, in order: each is one billed state transition on a Standard workflow. The gate
 * (every `.waitForTaskToken` task) answers with `outcome` (the sweeper's timeout is a `timed_out`
 * decision; `hard_cap` fails the task with States.Timeout). Other tasks hand back their input with
 * `next: 'end'`, so a flow's router leaves the node after the gate.
 */
export async function enteredStates(original: AslDefinition, input: Record<string, unknown>, outcome: GateOutcome): Promise<string[]> {
  // aws-local-stepfunctions reads TimeoutSecondsPath from the Parameters output, not the state input
  // (see infra/local/stepfunctions/prepare-definition.ts); a fixed timeout takes the same path.
  const definition = structuredClone(original);
  const states = definition.States as Record<string, State & { TimeoutSecondsPath?: string; TimeoutSeconds?: number }>;
  for (const state of Object.values(states)) {
    if (state.TimeoutSecondsPath !== undefined) {
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = 60;
    }
  }
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== 'Task') continue;
    handlers[name] =
      state.Resource === CALLBACK
        ? async () => {
            if (outcome === 'hard_cap') throw new StateError('States.Timeout');
            return { requestId: 'apr_bench', outcome, approver: 'bob', scope: 'once' };
          }
        : async (taskInput) => {
            // lambda:invoke results arrive wrapped; the compiled flows read `$.Payload`.
            const state = (taskInput as { Payload?: { state?: Record<string, unknown> } })?.Payload?.state ?? input;
            return { Payload: { ...state, next: 'end' }, StatusCode: 200 };
          };
  }
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const context = {
    Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:bench:1', Name: '1', Input: input, StartTime: new Date().toISOString(), RoleArn: 'arn:aws:iam::000000000000:role/bench' },
    StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench', Name: 'bench' },
    Task: { Token: 'bench-token' },
  };
  const run = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never }, context: context as never });
  const entered: string[] = [];
  const collect = (async () => {
    for await (const event of run.eventLogs) {
      const e = event as { type: string; state?: { name: string } };
      if (e.type === 'StateEntered' && e.state) entered.push(e.state.name);
    }
  })();
  try {
    await run.result;
  } finally {
    await collect.catch(() => undefined);
  }
  return entered;
}

export interface ApprovalGateTransitions {
  readonly outcome: GateOutcome;
  readonly states: string[];
  readonly transitions: number;
}

/** The approval-gate state machine: transitions per gate for each way it can end. */
export async function approvalGateTransitions(): Promise<ApprovalGateTransitions[]> {
  const definition = substitute(loadDefinition('approval-gate'), { GateFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:gate' });
  const input = { workflowId: 'w', nodeId: 'n', step: '1', channel: 'async', hitl: {}, action: {}, context: {}, requestedBy: null, gateTimeoutSeconds: 60 };
  const results: ApprovalGateTransitions[] = [];
  for (const outcome of ['approved', 'rejected', 'timed_out', 'hard_cap'] as const) {
    const states = await enteredStates(definition, input, outcome);
    results.push({ outcome, states, transitions: states.length });
  }
  return results;
}

export interface FlowModeTransitions {
  readonly flow: string;
  readonly mode: string;
  /** Gate states in the compiled definition. */
  readonly gates: number;
  /** Transitions one gate adds on a decision and on the Step Functions hard cap; null without gates. */
  readonly onDecision: number | null;
  readonly onTimeout: number | null;
  /** The same figures from statemachines/gate-transitions.ts (the compiler's own static count), as a cross-check. */
  readonly staticOnDecision: number | null;
  readonly staticOnTimeout: number | null;
}

const MODES = ['disabled', 'audit', 'blocking', 'confirm_tools'] as const;

/**
 * Each sample flow compiled with every node in each mode, and what one gate costs in transitions:
 * run from the gate (as a restarted engine resumes a checkpoint) until the flow is back at a router
 * (a Choice) or in the next node. Returns undefined while the flow compiler does not exist.
 *
 * To add a flow or a mode: drop the flow in statemachines/flows/ or extend MODES; nothing else.
 */
export async function flowTransitions(): Promise<FlowModeTransitions[] | undefined> {
  const compilerFile = new URL('../../statemachines/compiler.ts', import.meta.url);
  if (!existsSync(compilerFile)) return undefined;
  const { compileFlow } = await import('#statemachines/compiler');
  const { loadFlowFiles } = await import('#statemachines/flows');
  const { transitionsPerGate, gateStatesOf } = await import('#statemachines/gate-transitions');
  const { resumeDefinition } = await import('#statemachines/resume');
  const { DEMO_TOOL_NAMES } = await import('../../lambdas/tools/demo-tools.ts');
  const { FlowSchema } = await import('#core/flow');

  const results: FlowModeTransitions[] = [];
  for (const flow of loadFlowFiles(DEMO_TOOL_NAMES)) {
    for (const mode of MODES) {
      const variant = FlowSchema.parse({
        ...flow,
        nodes: flow.nodes.map((node) => ({
          ...node,
          hitl: { ...node.hitl, mode, approvers: node.hitl.approvers.users.length + node.hitl.approvers.groups.length ? node.hitl.approvers : { groups: ['approvers'] } },
        })),
      });
      const definition = substitute(compileFlow(variant), {
        AgentFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:agent',
        ToolFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tool',
        FlowGateFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:gate',
        GateTimeoutFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:timeout',
      });
      const gates = gateStatesOf(definition);
      const staticCounts = transitionsPerGate(definition)[0];
      let onDecision: number | null = null;
      let onTimeout: number | null = null;
      if (gates.length > 0) {
        const gate = gates[0];
        const input = { gate: { step: 's1', action: { kind: 'message', text: 'hi' } }, requestedBy: null, next: 'end' };
        const resumed = resumeDefinition(definition, gate);
        onDecision = gateCost(resumed, gate, await enteredStates(resumed, input, 'approved'));
        onTimeout = gateCost(resumed, gate, await enteredStates(resumed, input, 'hard_cap'));
      }
      results.push({
        flow: flow.id,
        mode,
        gates: gates.length,
        onDecision,
        onTimeout,
        staticOnDecision: staticCounts?.onDecision ?? null,
        staticOnTimeout: staticCounts?.onTimeout ?? null,
      });
    }
  }
  return results;
}

/** The gate and every state after it up to and including the first router (Choice) or state of another node. */
function gateCost(definition: AslDefinition, gate: string, entered: string[]): number {
  const node = gate.slice(0, gate.lastIndexOf('.'));
  const states = definition.States as Record<string, State>;
  let count = 0;
  for (const name of entered.slice(entered.indexOf(gate))) {
    count++;
    if (count > 1 && (states[name]?.Type === 'Choice' || !name.startsWith(`${node}.`))) break;
  }
  return count;
}
