import type { AslDefinition } from './definitions.ts';

type State = Record<string, unknown> & { Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[] };

/**
 * A copy of `definition` that starts at `stateName`, keeping only the states reachable from there.
 * A restarted local engine runs it with a gate's checkpointed state as input: the gate runs again,
 * finds its request and refreshes the task token (delivering a decision made meanwhile at once).
 * Unreachable states are dropped so the copy is still a valid definition.
 */
export function resumeDefinition(definition: AslDefinition, stateName: string): AslDefinition {
  const states = definition.States as Record<string, State>;
  if (!states[stateName]) throw new Error(`the definition has no state "${stateName}" to resume at`);
  const reachable = new Set<string>();
  const queue = [stateName];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reachable.has(name) || !states[name]) continue;
    reachable.add(name);
    const state = states[name];
    for (const next of [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)]) {
      if (next) queue.push(next);
    }
  }
  const copy = structuredClone(definition) as AslDefinition & { States: Record<string, State> };
  return {
    ...copy,
    Comment: `${definition.Comment ?? ''} (resumed at ${stateName})`.trim(),
    StartAt: stateName,
    States: Object.fromEntries(Object.entries(copy.States).filter(([name]) => reachable.has(name))),
  };
}
