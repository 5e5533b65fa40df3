import type { AslDefinition } from './definitions.ts';

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

type State = { Type?: string; Resource?: string; Next?: string; End?: boolean; Choices?: { Next: string }[]; Default?: string; Catch?: { ErrorEquals: string[]; Next: string }[] };

/** State transitions one approval gate costs, on the decision path and on the timeout path. */
export interface GateTransitions {
  readonly gate: string;
  /** Into the gate, then each hop until the flow is back at a Choice (its node's router) or the next node. */
  readonly onDecision: number;
  readonly onTimeout: number;
}

/** The gates of a definition: its `.waitForTaskToken` tasks. */
export function gateStatesOf(definition: Pick<AslDefinition, 'States'>): string[] {
  return Object.entries(definition.States as Record<string, State>)
    .filter(([, state]) => state.Type === 'Task' && state.Resource === CALLBACK)
    .map(([name]) => name);
}

/**
 * Counts the state transitions each gate adds (Step Functions bills per transition): entering the
 * gate counts one, and so does every hop after it until the flow reaches a state that would run
 * without the gate too (a Choice, or a state of another node). A compiled gate costs 3 on a decision
 * (-> Gate -> Apply -> Route) and 4 on a Step Functions timeout (-> Gate -> TimedOut -> Apply -> Route).
 */
export function transitionsPerGate(definition: Pick<AslDefinition, 'States'>): GateTransitions[] {
  const states = definition.States as Record<string, State>;
  return gateStatesOf(definition).map((gate) => {
    const node = gate.slice(0, gate.lastIndexOf('.'));
    const timeoutNext = states[gate].Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next;
    return {
      gate,
      onDecision: 1 + hopsUntilShared(states, states[gate].Next, node),
      onTimeout: timeoutNext ? 1 + hopsUntilShared(states, timeoutNext, node) : Number.NaN,
    };
  });
}

function hopsUntilShared(states: Record<string, State>, start: string | undefined, node: string): number {
  let hops = 0;
  for (let name = start; name !== undefined; ) {
    hops++;
    const state = states[name];
    const ownedByGate = name.startsWith(`${node}.`) && state?.Type === 'Task' && !name.endsWith('.Tool') && !name.endsWith('.Agent');
    if (!ownedByGate || hops > 20) break;
    name = state.Next;
  }
  return hops;
}
